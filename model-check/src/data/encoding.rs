//! Character encodings of text files: UTF-8, and the two single-byte encodings older
//! exports use, decoded by table (no dependency).

use std::borrow::Cow;

/// How the bytes of a text file map to characters.
///
/// The single-byte encodings decode any byte sequence, so a UTF-8 file declared Latin-1
/// reads as mojibake (`é` as `Ã©`) unless it holds a byte Latin-1 rejects.
///
/// ```
/// use model_check::data::{Encoding, TextCsvOptions};
///
/// let options = TextCsvOptions::new("review", "label").encoding(Encoding::Latin1);
/// # let _ = options;
/// assert_eq!(Encoding::default(), Encoding::Utf8);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8 (the default); an invalid sequence is an error.
    #[default]
    Utf8,
    /// ISO-8859-1: each byte is the character of the same number (`0xE9` is `é`). Bytes
    /// `0x80`–`0x9F` are C1 control characters there, which no text file means; they are
    /// an error suggesting [`Windows1252`](Encoding::Windows1252), the usual culprit.
    Latin1,
    /// Windows-1252: Latin-1 with printable characters (curly quotes, dashes, `€`) at
    /// `0x80`–`0x9F`; the five bytes it leaves undefined (`0x81`, `0x8D`, `0x8F`, `0x90`,
    /// `0x9D`) are an error.
    Windows1252,
}

/// Windows-1252's characters for bytes `0x80`–`0x9F`; `None` where it defines none.
pub(crate) const WINDOWS_1252_HIGH: [Option<char>; 32] = [
    Some('\u{20AC}'),
    None,
    Some('\u{201A}'),
    Some('\u{0192}'),
    Some('\u{201E}'),
    Some('\u{2026}'),
    Some('\u{2020}'),
    Some('\u{2021}'),
    Some('\u{02C6}'),
    Some('\u{2030}'),
    Some('\u{0160}'),
    Some('\u{2039}'),
    Some('\u{0152}'),
    None,
    Some('\u{017D}'),
    None,
    None,
    Some('\u{2018}'),
    Some('\u{2019}'),
    Some('\u{201C}'),
    Some('\u{201D}'),
    Some('\u{2022}'),
    Some('\u{2013}'),
    Some('\u{2014}'),
    Some('\u{02DC}'),
    Some('\u{2122}'),
    Some('\u{0161}'),
    Some('\u{203A}'),
    Some('\u{0153}'),
    None,
    Some('\u{017E}'),
    Some('\u{0178}'),
];

impl Encoding {
    /// Decodes one cell; the error says why, in words that fit after "file:line, field `x`: ".
    pub(crate) fn decode(self, bytes: &[u8]) -> Result<Cow<'_, str>, String> {
        if let Ok(text) = std::str::from_utf8(bytes)
            && (self == Encoding::Utf8 || bytes.is_ascii())
        {
            return Ok(Cow::Borrowed(text));
        }
        match self {
            Encoding::Utf8 => {
                let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |_| 0);
                Err(format!(
                    "the cell is not valid UTF-8 after its first {valid} bytes; if the file is \
                     Latin-1 or Windows-1252, say so with TextCsvOptions::encoding"
                ))
            }
            Encoding::Latin1 => bytes
                .iter()
                .map(|&b| match b {
                    0x80..=0x9F if std::str::from_utf8(bytes).is_ok() => Err(format!(
                        "byte {b:#04x} is a C1 control character in Latin-1; the cell reads as \
                         UTF-8: is the file UTF-8 (Encoding::Utf8)?"
                    )),
                    0x80..=0x9F => Err(format!(
                        "byte {b:#04x} is a C1 control character in Latin-1; the file is likely \
                         Windows-1252 (Encoding::Windows1252)"
                    )),
                    _ => Ok(char::from(b)),
                })
                .collect::<Result<String, _>>()
                .map(Cow::Owned),
            Encoding::Windows1252 => bytes
                .iter()
                .map(|&b| match b {
                    0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)]
                        .ok_or_else(|| format!("byte {b:#04x} is not a character in Windows-1252")),
                    _ => Ok(char::from(b)),
                })
                .collect::<Result<String, _>>()
                .map(Cow::Owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Encoding;

    #[test]
    fn single_byte_encodings_map_bytes_to_characters() {
        let all: Vec<u8> = (0xA0..=0xFF).collect();
        let latin1 = Encoding::Latin1.decode(&all).unwrap();
        assert!(latin1.chars().map(u32::from).eq(0xA0..=0xFF));
        assert_eq!(Encoding::Windows1252.decode(&all).unwrap(), latin1);
        assert_eq!(
            Encoding::Windows1252.decode(b"\x80 \x85 \x9f").unwrap(),
            "\u{20AC} \u{2026} \u{0178}"
        );
        assert_eq!(Encoding::Latin1.decode(b"plain").unwrap(), "plain");
        // UTF-8 bytes are not special in Latin-1: "é" in UTF-8 reads as two characters.
        assert_eq!(Encoding::Latin1.decode("é".as_bytes()).unwrap(), "Ã©");
        assert!(Encoding::Utf8.decode(b"caf\xe9").is_err());
        // A curly apostrophe in UTF-8 holds 0x80 and 0x99: the error points at UTF-8.
        let err = Encoding::Latin1
            .decode("it\u{2019}s".as_bytes())
            .unwrap_err();
        assert!(err.contains("is the file UTF-8"), "{err}");
        assert!(
            Encoding::Latin1
                .decode(b"\x93")
                .unwrap_err()
                .contains("Windows-1252")
        );
        assert_eq!(Encoding::Utf8.decode("café".as_bytes()).unwrap(), "café");
    }
}
