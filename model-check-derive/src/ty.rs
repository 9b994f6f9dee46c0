//! Syntactic classification of field types: which Rust types a feature may have.
//!
//! A proc macro sees tokens, not resolved types, so the classification goes by name: the
//! primitive numbers, `bool`, `String`, and `Option` of these are recognised; any other plain
//! type name is taken to be a `#[derive(Categorical)]` enum, which the compiler then checks
//! through the `Categorical` bound in the generated code.

use crate::attr::ATTR;
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type, TypePath};

/// What a field's type is as a feature, before attributes are applied.
pub enum Base<'a> {
    /// `f32` or `f64`.
    Float,
    /// A primitive integer with a `FeatureValue` impl.
    Integer,
    /// `bool`.
    Bool,
    /// `String`: categorical, levels learned from data.
    Text,
    /// Any other plain type name: a `Categorical` enum (the type itself, `Option` removed).
    Enum(&'a Type),
}

/// A field type: its base, and whether it is wrapped in `Option`.
pub struct FieldType<'a> {
    pub base: Base<'a>,
    pub optional: bool,
}

/// Classifies a field type, or explains why it cannot be a feature.
pub fn classify(ty: &Type) -> syn::Result<FieldType<'_>> {
    let (inner, optional) = match option_argument(ty) {
        Some(inner) => (inner, true),
        None => (ty, false),
    };
    match base(inner) {
        Some(base) => Ok(FieldType { base, optional }),
        None => Err(syn::Error::new_spanned(
            ty,
            format!(
                "unsupported feature type `{}`: use a number, bool, String, a \
                 #[derive(Categorical)] enum, or Option of these; or mark the field \
                 #[{ATTR}(skip)]",
                display(ty)
            ),
        )),
    }
}

/// The `T` of `Option<T>`.
fn option_argument(ty: &Type) -> Option<&Type> {
    let path = plain_path(ty)?;
    let mut segments = path.path.segments.iter().rev();
    let last = segments.next()?;
    if last.ident != "Option" || segments.any(|segment| !segment.arguments.is_none()) {
        return None;
    }
    match &last.arguments {
        PathArguments::AngleBracketed(generics) if generics.args.len() == 1 => {
            match &generics.args[0] {
                GenericArgument::Type(inner) => Some(inner),
                _ => None,
            }
        }
        _ => None,
    }
}

fn base(ty: &Type) -> Option<Base<'_>> {
    let path = plain_path(ty)?;
    if path.path.segments.iter().any(|s| !s.arguments.is_none()) {
        return None;
    }
    let name = path.path.segments.last()?.ident.to_string();
    Some(match name.as_str() {
        "f32" | "f64" => Base::Float,
        "i8" | "i16" | "i32" | "i64" | "isize" | "u8" | "u16" | "u32" | "u64" | "usize" => {
            Base::Integer
        }
        "bool" => Base::Bool,
        "String" => Base::Text,
        // Types with no `FeatureValue` impl that would otherwise read as enum names.
        "Option" | "i128" | "u128" | "f16" | "f128" | "char" | "str" => return None,
        _ => Base::Enum(ty),
    })
}

/// The path of a path type such as `crate::Contract`, seen through invisible and
/// parenthesised groups; `None` for qualified paths (`<T as Trait>::X`) and other types.
fn plain_path(ty: &Type) -> Option<&TypePath> {
    match ty {
        Type::Group(group) => plain_path(&group.elem),
        Type::Paren(paren) => plain_path(&paren.elem),
        Type::Path(path) if path.qself.is_none() => Some(path),
        _ => None,
    }
}

/// A type as a human writes it (`Vec<u8>`, `&'static str`), for error messages; the tokens'
/// own `to_string` spaces every token (`Vec < u8 >`).
pub fn display(ty: &Type) -> String {
    let mut out = String::new();
    let mut previous = Previous::Start;
    write_tokens(ty.to_token_stream(), &mut out, &mut previous);
    out
}

/// The kind of the last token written, which decides the spacing before the next one.
#[derive(Clone, Copy)]
enum Previous {
    Start,
    Word,
    Open,
    Close,
    Punct(char, Spacing),
    /// The `>` of `->`.
    Arrow,
}

fn write_tokens(tokens: TokenStream, out: &mut String, previous: &mut Previous) {
    for token in tokens {
        let space = match &token {
            TokenTree::Group(group) if group.delimiter() == Delimiter::None => {
                write_tokens(group.stream(), out, previous);
                continue;
            }
            TokenTree::Group(_) => false,
            TokenTree::Ident(_) | TokenTree::Literal(_) => matches!(previous, Previous::Word),
            TokenTree::Punct(punct) => {
                let spaced = matches!(punct.as_char(), '+' | '=')
                    || (punct.as_char() == '-' && punct.spacing() == Spacing::Joint);
                spaced && !matches!(previous, Previous::Start | Previous::Open)
            }
        };
        let after_separator = matches!(
            previous,
            Previous::Arrow | Previous::Punct(',' | ';' | '+' | '=', _)
        );
        if space || after_separator {
            out.push(' ');
        }
        match token {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                *previous = Previous::Open;
                write_tokens(group.stream(), out, previous);
                out.push_str(close);
                *previous = Previous::Close;
            }
            TokenTree::Ident(_) | TokenTree::Literal(_) => {
                out.push_str(&token.to_string());
                *previous = Previous::Word;
            }
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                let arrow = c == '>' && matches!(previous, Previous::Punct('-', Spacing::Joint));
                out.push(c);
                *previous = if arrow {
                    Previous::Arrow
                } else {
                    Previous::Punct(c, punct.spacing())
                };
            }
        }
    }
}
