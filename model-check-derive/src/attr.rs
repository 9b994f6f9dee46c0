//! Parsing of the `#[features(...)]` helper attribute on fields and enum variants.
//!
//! Parsing records what was written, with the span of every key, and reports only errors
//! local to one key (unknown or duplicate keys, malformed values). Rules that relate keys to
//! each other or to the field type live in `valid`.

use crate::errors::Errors;
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::{Attribute, Lit, LitStr, Token};

/// The helper attribute's name. (`feature` is taken: it is a built-in attribute, and rustc
/// rejects a derive helper of that name as ambiguous.)
pub const ATTR: &str = "features";

/// The keys accepted on a field, for error messages.
const FIELD_KEYS: &str = "skip, categorical, range, protected, rename";

/// `#[features(...)]` on a struct field.
#[derive(Default)]
pub struct FieldAttrs {
    /// `skip`.
    pub skip: Option<Ident>,
    /// `categorical`.
    pub categorical: Option<Ident>,
    /// `range = LO..=HI`; `None` also when the range was malformed (already reported).
    pub range: Option<Range>,
    /// The `range` key, even when its value was malformed.
    pub range_key: Option<Ident>,
    /// `protected`.
    pub protected: Option<Ident>,
    /// `rename = "..."`.
    pub rename: Option<LitStr>,
    /// Every key given, in order, for rules such as "skip takes no other key".
    pub keys: Vec<Ident>,
}

/// A declared inclusive range, `LO..=HI`.
pub struct Range {
    /// The lower bound as an `f64` expression.
    pub lo: TokenStream,
    /// The upper bound as an `f64` expression.
    pub hi: TokenStream,
}

/// `#[features(...)]` on an enum variant.
#[derive(Default)]
pub struct VariantAttrs {
    /// `rename = "..."`.
    pub rename: Option<LitStr>,
}

impl FieldAttrs {
    /// Parses every `#[features]` attribute of a field, recording errors and keeping what
    /// parsed.
    pub fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut parsed = FieldAttrs::default();
        for attr in attrs.iter().filter(|attr| attr.path().is_ident(ATTR)) {
            let result = attr.parse_nested_meta(|meta| {
                let Some(key) = key(&meta, FIELD_KEYS, errors)? else {
                    return Ok(());
                };
                if parsed.keys.contains(&key) {
                    errors.push(duplicate(&key));
                    return skip_value(meta.input);
                }
                parsed.keys.push(key.clone());
                match key.to_string().as_str() {
                    "skip" => parsed.skip = Some(flag(&meta, key)?),
                    "categorical" => parsed.categorical = Some(flag(&meta, key)?),
                    "protected" => parsed.protected = Some(flag(&meta, key)?),
                    "rename" => parsed.rename = Some(meta.value()?.parse()?),
                    "range" => {
                        parsed.range_key = Some(key);
                        let value = meta.value()?;
                        parsed.range = errors.ok(parse_range(value));
                        if parsed.range.is_none() {
                            return skip_value(value);
                        }
                    }
                    _ => unreachable!("`key` accepts only known keys"),
                }
                Ok(())
            });
            errors.ok(result);
        }
        parsed
    }
}

impl VariantAttrs {
    /// Parses every `#[features]` attribute of an enum variant.
    pub fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut parsed = VariantAttrs::default();
        for attr in attrs.iter().filter(|attr| attr.path().is_ident(ATTR)) {
            let result = attr.parse_nested_meta(|meta| {
                let Some(key) = key(&meta, "rename", errors)? else {
                    return Ok(());
                };
                if parsed.rename.is_some() {
                    errors.push(duplicate(&key));
                    return skip_value(meta.input);
                }
                parsed.rename = Some(meta.value()?.parse()?);
                Ok(())
            });
            errors.ok(result);
        }
        parsed
    }
}

/// Reports `#[features]` on the struct or enum itself, where it means nothing.
pub fn reject_container_attrs(attrs: &[Attribute], errors: &mut Errors) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident(ATTR)) {
        errors.push(syn::Error::new_spanned(
            attr,
            format!("#[{ATTR}(...)] goes on fields and enum variants, not on the type itself"),
        ));
    }
}

/// The key of one `key` or `key = value` entry, when it is one of `expected` (a
/// comma-separated list); otherwise records an error, skips the entry and returns `None`.
fn key(meta: &ParseNestedMeta, expected: &str, errors: &mut Errors) -> syn::Result<Option<Ident>> {
    let ident = meta.path.get_ident();
    match ident {
        Some(ident) if expected.split(", ").any(|known| ident == known) => Ok(Some(ident.clone())),
        _ => {
            let path = &meta.path;
            let name = quote!(#path).to_string().replace(' ', "");
            let message = if expected.contains(',') {
                format!("unknown feature attribute `{name}`; expected one of {expected}")
            } else {
                format!("unknown variant attribute `{name}`; a level takes only {expected}")
            };
            errors.push(meta.error(message));
            skip_value(meta.input)?;
            Ok(None)
        }
    }
}

/// A key that takes no value, such as `skip`.
fn flag(meta: &ParseNestedMeta, key: Ident) -> syn::Result<Ident> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        Ok(key)
    } else {
        Err(meta.error(format!("`{key}` takes no value")))
    }
}

fn duplicate(key: &Ident) -> syn::Error {
    syn::Error::new(key.span(), format!("duplicate feature attribute `{key}`"))
}

/// Skips the rest of one entry (`= value` or `(...)`), so parsing resumes at the next key.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(Token![,]) {
        input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

/// Parses `LO..=HI` with numeric literal bounds, each optionally negated.
fn parse_range(input: ParseStream) -> syn::Result<Range> {
    let lo = parse_bound(input)?;
    let inclusive = input.peek(Token![..=]);
    let limits: TokenStream = if inclusive {
        let token: Token![..=] = input.parse()?;
        quote!(#token)
    } else if input.peek(Token![..]) {
        let token: Token![..] = input.parse()?;
        quote!(#token)
    } else {
        return Err(input.error("expected a range `LO..=HI`"));
    };
    let hi = parse_bound(input)?;
    let tokens = |bound: &Option<Bound>| bound.as_ref().map(|bound| bound.tokens.clone());
    let (lo_tokens, hi_tokens) = (tokens(&lo), tokens(&hi));
    let expr = quote!(#lo_tokens #limits #hi_tokens);
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Err(syn::Error::new_spanned(
            expr,
            "a feature range needs both bounds: `LO..=HI`",
        ));
    };
    if !inclusive {
        return Err(syn::Error::new_spanned(
            expr,
            "a feature range is inclusive: write `LO..=HI`",
        ));
    }
    if lo.value > hi.value {
        return Err(syn::Error::new_spanned(
            expr,
            "a feature range needs LO <= HI",
        ));
    }
    Ok(Range {
        lo: lo.as_f64(),
        hi: hi.as_f64(),
    })
}

/// One bound of a range: a numeric literal, optionally negated.
struct Bound {
    tokens: TokenStream,
    value: f64,
}

impl Bound {
    /// The bound as an `f64` literal expression.
    fn as_f64(&self) -> TokenStream {
        let literal = proc_macro2::Literal::f64_suffixed(self.value.abs());
        if self.value.is_sign_negative() {
            quote!(-#literal)
        } else {
            quote!(#literal)
        }
    }
}

fn parse_bound(input: ParseStream) -> syn::Result<Option<Bound>> {
    if input.is_empty() || input.peek(Token![,]) || input.peek(Token![..]) {
        return Ok(None);
    }
    let minus: Option<Token![-]> = input.parse()?;
    if !input.peek(Lit) {
        return Err(input.error("a range bound must be a numeric literal"));
    }
    let lit: Lit = input.parse()?;
    let digits = match &lit {
        Lit::Int(int) => int.base10_digits(),
        Lit::Float(float) => float.base10_digits(),
        _ => {
            return Err(syn::Error::new_spanned(
                lit,
                "a range bound must be a numeric literal",
            ));
        }
    };
    let magnitude: f64 = digits
        .parse()
        .map_err(|_| syn::Error::new_spanned(&lit, "a range bound must be a finite number"))?;
    if !magnitude.is_finite() {
        return Err(syn::Error::new_spanned(
            lit,
            "a range bound must be a finite number",
        ));
    }
    let value = if minus.is_some() {
        -magnitude
    } else {
        magnitude
    };
    Ok(Some(Bound {
        tokens: quote!(#minus #lit),
        value,
    }))
}
