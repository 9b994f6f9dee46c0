//! Decoding the HTML that scraped text carries (review sites, forums): character references
//! and line-break tags, so a model sees `café <3` rather than `caf&eacute; &lt;3`.
//!
//! The set, and nothing else:
//!
//! - the five XML entities `&amp; &lt; &gt; &quot; &apos;`;
//! - the 96 HTML 4 Latin-1 entities, `&nbsp;` (U+00A0) to `&yuml;` (U+00FF), such as
//!   `&eacute;` and `&ntilde;`;
//! - the typographic `&ndash; &mdash; &lsquo; &rsquo; &sbquo; &ldquo; &rdquo; &bdquo;
//!   &hellip; &bull; &prime; &euro; &trade; &dagger;`;
//! - numeric references, decimal `&#39;` and hexadecimal `&#x27;` (`&#X27;` too); as HTML
//!   does, `&#128;` to `&#159;` are the Windows-1252 characters of those bytes (`&#146;`
//!   is `’`);
//! - `<br>`, `<br/>` and `<br />`, in any case, each become one space.
//!
//! Names are case-sensitive (`&Eacute;` is `É`) and need their `;`; an unknown entity, or
//! one without `;`, is left as written, as is every other tag. A numeric reference that is
//! no character (`&#0;`, a surrogate such as `&#xD800;`, past `&#x10FFFF;`, or a C1 control
//! Windows-1252 leaves undefined) is an error.

use std::borrow::Cow;

use super::encoding::WINDOWS_1252_HIGH;

/// The HTML 4 Latin-1 entities, for U+00A0 to U+00FF in order.
const LATIN1_ENTITIES: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// The other named entities decoded.
const OTHER_ENTITIES: [(&str, char); 19] = [
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("ndash", '\u{2013}'),
    ("mdash", '\u{2014}'),
    ("lsquo", '\u{2018}'),
    ("rsquo", '\u{2019}'),
    ("sbquo", '\u{201A}'),
    ("ldquo", '\u{201C}'),
    ("rdquo", '\u{201D}'),
    ("bdquo", '\u{201E}'),
    ("hellip", '\u{2026}'),
    ("bull", '\u{2022}'),
    ("prime", '\u{2032}'),
    ("euro", '\u{20AC}'),
    ("trade", '\u{2122}'),
    ("dagger", '\u{2020}'),
];

/// The character a named entity stands for.
fn named(name: &str) -> Option<char> {
    if let Some(i) = LATIN1_ENTITIES.iter().position(|n| *n == name) {
        return char::from_u32(0xA0 + i as u32);
    }
    OTHER_ENTITIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, c)| c)
}

/// The character of a numeric reference's code point, or why there is none.
fn numeric(code: u32, written: &str) -> Result<char, String> {
    let not = |why: &str| format!("`{written}` is not a character ({why})");
    match code {
        0 => Err(not("U+0000 is NUL")),
        0x80..=0x9F => WINDOWS_1252_HIGH[(code - 0x80) as usize]
            .ok_or_else(|| not(&format!("U+{code:04X} is a C1 control"))),
        0xD800..=0xDFFF => Err(not(&format!("U+{code:04X} is a surrogate"))),
        _ => char::from_u32(code).ok_or_else(|| not("past U+10FFFF")),
    }
}

/// The reference starting at the `&` that begins `rest`: its length in bytes and its
/// character, or `None` when it is not one this module decodes (left as written).
fn reference(rest: &str) -> Result<Option<(usize, char)>, String> {
    let body = &rest[1..];
    let Some(end) = body.find(';').filter(|&end| end <= 32) else {
        return Ok(None);
    };
    let name = &body[..end];
    let written = &rest[..end + 2];
    let (digits, radix) =
        if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
            (hex, 16)
        } else if let Some(decimal) = name.strip_prefix('#') {
            (decimal, 10)
        } else {
            return Ok(named(name).map(|c| (written.len(), c)));
        };
    // `&#;`, `&#x;`, `&#12a;`: not a reference.
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Ok(None);
    }
    // Too many digits for a u32 is past U+10FFFF too.
    let code = u32::from_str_radix(digits, radix).unwrap_or(u32::MAX);
    numeric(code, written).map(|c| Some((written.len(), c)))
}

/// The length of a `<br>`, `<br/>` or `<br />` tag (any case) that begins `rest`.
fn line_break(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    if bytes.len() < 4 || !bytes[1..3].eq_ignore_ascii_case(b"br") {
        return None;
    }
    let mut i = 3;
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    if bytes.get(i) == Some(&b'/') {
        i += 1;
    }
    (bytes.get(i) == Some(&b'>')).then_some(i + 1)
}

/// `text` with the references and line breaks above decoded; the error names a numeric
/// reference that is no character.
pub(crate) fn decode(text: &str) -> Result<Cow<'_, str>, String> {
    if !text.contains(['&', '<']) {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = if rest.starts_with('&') {
            reference(rest)?
        } else {
            line_break(rest).map(|len| (len, ' '))
        };
        match decoded {
            Some((len, c)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push_str(&rest[..1]);
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[track_caller]
    fn ok(text: &str) -> String {
        decode(text).unwrap().into_owned()
    }

    #[test]
    fn entities_in_the_set_decode() {
        assert_eq!(
            ok("a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&#39;"),
            "a & b <c> \"d\" 'e'"
        );
        assert_eq!(ok("caf&eacute; espa&ntilde;ol &Eacute;"), "café español É");
        assert_eq!(ok("&nbsp;&yuml;&pound;&AElig;&szlig;"), "\u{a0}ÿ£Æß");
        assert_eq!(
            ok("&ldquo;hi&rdquo; &mdash; &hellip;&trade;"),
            "\u{201c}hi\u{201d} \u{2014} \u{2026}\u{2122}"
        );
        assert_eq!(ok("&#233;&#xE9;&#XE9;&#x1F600;"), "ééé\u{1F600}");
        assert_eq!(
            ok("it&#146;s"),
            "it\u{2019}s",
            "HTML's Windows-1252 reading of 128-159"
        );
    }

    #[test]
    fn line_breaks_become_spaces() {
        assert_eq!(
            ok("one<br />two<br/>three<BR>four<br  />five"),
            "one two three four five"
        );
        assert_eq!(ok("a<br /><br />b"), "a  b");
    }

    #[test]
    fn everything_else_is_left_as_written() {
        for text in [
            "AT&T",
            "fish & chips",
            "&amp without semicolon",
            "&unknown; &Amp;",
            "&#; &#x; &#12a;",
            "<b>bold</b> <a href=\"x\">link</a> <brick>",
            "3 < 4 > 2",
            "plain",
            "&",
            "<",
        ] {
            assert_eq!(ok(text), text);
        }
    }

    #[test]
    fn a_numeric_reference_that_is_no_character_is_an_error() {
        assert_eq!(
            decode("x &#0; y").unwrap_err(),
            "`&#0;` is not a character (U+0000 is NUL)"
        );
        assert_eq!(
            decode("&#xD800;").unwrap_err(),
            "`&#xD800;` is not a character (U+D800 is a surrogate)"
        );
        assert_eq!(
            decode("&#x110000;").unwrap_err(),
            "`&#x110000;` is not a character (past U+10FFFF)"
        );
        assert_eq!(
            decode("&#99999999999;").unwrap_err(),
            "`&#99999999999;` is not a character (past U+10FFFF)"
        );
        assert_eq!(
            decode("&#129;").unwrap_err(),
            "`&#129;` is not a character (U+0081 is a C1 control)"
        );
    }
}
