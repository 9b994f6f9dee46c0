//! Parsing of `#[model_test(...)]`'s arguments: `seed = N`, `tags = ["...", ...]`, and
//! `ignore` or `ignore = "reason"`, in any order, each at most once.
//!
//! A malformed argument records a spanned error and parsing resumes at the next argument, so
//! one compile reports every mistake; what did parse is kept for the expansion.

use crate::errors::Errors;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::{Lit, LitStr, Token, bracketed, token};

/// The argument names, in the order the docs list them.
const KEYS: [&str; 3] = ["seed", "tags", "ignore"];

/// The parsed arguments of `#[model_test(...)]`.
#[derive(Default)]
pub struct Args {
    /// `seed = N`.
    pub seed: Option<Seed>,
    /// `tags = [...]`, in the order written, without duplicates.
    pub tags: Vec<LitStr>,
    /// `ignore` or `ignore = "reason"`.
    pub ignore: Option<Ignore>,
}

/// `seed = N`.
pub struct Seed {
    /// The seed.
    pub value: u64,
    /// Where the user wrote it, for the generated literal.
    pub span: Span,
}

/// How a test is ignored.
pub enum Ignore {
    /// A bare `ignore`.
    Bare,
    /// `ignore = "reason"`, with a non-empty reason.
    Reason(LitStr),
}

impl Args {
    /// Parses the attribute's arguments, recording every error and keeping what parsed.
    pub fn parse(tokens: TokenStream, errors: &mut Errors) -> Args {
        let mut args = Args::default();
        let mut seen: Vec<Ident> = Vec::new();
        let parser = syn::meta::parser(|meta| {
            let Some(key) = known_key(&meta) else {
                let path = &meta.path;
                let name = quote!(#path).to_string().replace(' ', "");
                errors.push(meta.error(format!(
                    "unknown argument `{name}`; expected seed, tags or ignore"
                )));
                return skip_value(meta.input);
            };
            if seen.contains(&key) {
                errors.push(syn::Error::new(
                    key.span(),
                    format!("duplicate argument `{key}`"),
                ));
                return skip_value(meta.input);
            }
            seen.push(key.clone());
            let parsed = match key.to_string().as_str() {
                "seed" => value(&meta, &key, "seed = 42")
                    .and_then(parse_seed)
                    .map(|seed| args.seed = Some(seed)),
                "tags" => value(&meta, &key, "tags = [\"fairness\"]")
                    .and_then(|input| parse_tags(input, errors))
                    .map(|tags| args.tags = tags),
                "ignore" => parse_ignore(&meta).map(|ignore| args.ignore = Some(ignore)),
                _ => unreachable!("`known_key` accepts only {KEYS:?}"),
            };
            if let Err(error) = parsed {
                errors.push(error);
                return skip_value(meta.input);
            }
            Ok(())
        });
        // A syntax error between arguments (`seed 7`, a missing comma) ends parsing.
        let syntax = parser.parse2(tokens);
        errors.ok(syntax);
        args
    }
}

/// The argument's name when it is one of [`KEYS`].
fn known_key(meta: &ParseNestedMeta) -> Option<Ident> {
    let ident = meta.path.get_ident()?;
    KEYS.iter().any(|key| ident == key).then(|| ident.clone())
}

/// The input after `key =`, or an error at the key when the value is missing.
fn value<'a>(
    meta: &ParseNestedMeta<'a>,
    key: &Ident,
    example: &str,
) -> syn::Result<ParseStream<'a>> {
    if meta.input.peek(Token![=]) {
        meta.value()
    } else {
        Err(syn::Error::new(
            key.span(),
            format!("`{key}` takes a value, such as `{example}`"),
        ))
    }
}

/// Skips the rest of one argument (`= value` or `(...)`), so parsing resumes at the next.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(Token![,]) {
        input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

/// `N` in `seed = N`: an integer literal that fits a `u64`, unsuffixed or suffixed `u64`.
fn parse_seed(input: ParseStream) -> syn::Result<Seed> {
    const HINT: &str = "a seed is an integer literal, such as `seed = 42`";
    let minus: Option<Token![-]> = input.parse()?;
    let Ok(lit) = input.parse::<Lit>() else {
        let span = minus.map_or_else(|| input.span(), |minus| minus.span);
        return Err(syn::Error::new(span, HINT));
    };
    let int = match (minus, lit) {
        (None, Lit::Int(int)) => int,
        (Some(minus), lit @ Lit::Int(_)) => {
            return Err(syn::Error::new_spanned(
                quote!(#minus #lit),
                "a seed is a u64 and cannot be negative",
            ));
        }
        (minus, lit) => return Err(syn::Error::new_spanned(quote!(#minus #lit), HINT)),
    };
    if !matches!(int.suffix(), "" | "u64") {
        return Err(syn::Error::new_spanned(
            &int,
            format!("a seed is a u64, not {}: drop the suffix", int.suffix()),
        ));
    }
    let value = int.base10_parse::<u64>().map_err(|_| {
        syn::Error::new_spanned(
            &int,
            format!("seed out of range: a seed is a u64, at most {}", u64::MAX),
        )
    })?;
    Ok(Seed {
        value,
        span: int.span(),
    })
}

/// `[...]` in `tags = [...]`: string literals, each non-empty and given once. A bad tag is
/// recorded and skipped, so the other tags are still checked.
fn parse_tags(input: ParseStream, errors: &mut Errors) -> syn::Result<Vec<LitStr>> {
    if !input.peek(token::Bracket) {
        return Err(syn::Error::new(
            input.span(),
            "tags is an array of string literals, such as `tags = [\"fairness\", \"slow\"]`",
        ));
    }
    let content;
    bracketed!(content in input);
    let mut tags: Vec<LitStr> = Vec::new();
    while !content.is_empty() {
        if content.peek(LitStr) {
            let tag: LitStr = content.parse()?;
            let value = tag.value();
            if value.is_empty() {
                errors.push(syn::Error::new(tag.span(), "a tag cannot be empty"));
            } else if tags.iter().any(|seen| seen.value() == value) {
                errors.push(syn::Error::new(
                    tag.span(),
                    format!("duplicate tag `{value}`"),
                ));
            } else {
                tags.push(tag);
            }
        } else {
            errors.push(syn::Error::new(
                content.span(),
                "a tag is a string literal, such as `\"fairness\"`",
            ));
            skip_value(&content)?;
        }
        if !content.is_empty() {
            content.parse::<Token![,]>()?;
        }
    }
    Ok(tags)
}

/// `ignore` or `ignore = "reason"`, with a non-empty reason.
fn parse_ignore(meta: &ParseNestedMeta) -> syn::Result<Ignore> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        return Ok(Ignore::Bare);
    }
    if !meta.input.peek(Token![=]) {
        return Err(meta.error("write `ignore` or `ignore = \"reason\"`"));
    }
    let input = meta.value()?;
    if !input.peek(LitStr) {
        return Err(syn::Error::new(
            input.span(),
            "an ignore reason is a string literal, such as `ignore = \"needs a GPU\"`",
        ));
    }
    let reason: LitStr = input.parse()?;
    if reason.value().is_empty() {
        return Err(syn::Error::new(
            reason.span(),
            "the ignore reason is empty; write `ignore` alone or give a reason",
        ));
    }
    Ok(Ignore::Reason(reason))
}
