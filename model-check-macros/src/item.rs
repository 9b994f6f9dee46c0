//! Validation of the item under `#[model_test]`: a plain free `fn` with no parameters, no
//! generics, no qualifiers (`async`, `const`, `unsafe`, `extern`) and no other test attribute.
//!
//! The function's attributes are also sorted here by where the expansion puts them:
//! `#[cfg]`s on every generated item, so a configured-out test disappears entirely; docs on
//! the generated `#[test]`; everything else (lints, `#[cfg_attr]`, `#[inline]`, ...) on the
//! user's function, next to the body it applies to.

use crate::errors::Errors;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Attribute, ItemFn, Meta, Safety, Token, Visibility};

/// The last path segments of attributes that make a function a test: `#[test]`,
/// `#[tokio::test]`, `#[rstest]`, `#[test_case(...)]`, a second `#[model_test]`.
const TEST_ATTRIBUTES: [&str; 4] = ["test", "rstest", "test_case", "model_test"];

/// The error for parameters and receivers.
const NO_PARAMETERS: &str = "a #[model_test] function takes no parameters";

/// A `#[model_test]` function, its attributes sorted by where the expansion puts them.
pub struct TestFn<'a> {
    /// The function as written, minus `#[model_test]`.
    pub item: &'a ItemFn,
    /// `#[cfg(...)]`: on every generated item.
    pub cfgs: Vec<&'a Attribute>,
    /// `#[doc = ...]` (`///` comments): on the generated `#[test]`.
    pub docs: Vec<&'a Attribute>,
    /// Every other attribute: on the user's function.
    pub kept: Vec<&'a Attribute>,
}

/// Parses the item as a function, or records "goes on a free function" at the item's
/// keyword (`struct`, `impl`, ...).
pub fn parse(item: TokenStream, errors: &mut Errors) -> Option<ItemFn> {
    match syn::parse2::<ItemFn>(item.clone()) {
        Ok(function) => Some(function),
        Err(_) => {
            errors.push(syn::Error::new(
                keyword_span(item),
                "#[model_test] goes on a free function",
            ));
            None
        }
    }
}

/// The span of the first token after the item's attributes and visibility.
fn keyword_span(item: TokenStream) -> Span {
    let keyword = |input: ParseStream| {
        input.call(Attribute::parse_outer)?;
        input.parse::<Visibility>()?;
        let span = input.span();
        input.parse::<TokenStream>()?;
        Ok(span)
    };
    keyword.parse2(item).unwrap_or_else(|_| Span::call_site())
}

impl<'a> TestFn<'a> {
    /// Checks the function, recording every rule it breaks (in source order: attributes,
    /// then signature), and sorts its attributes.
    pub fn from_syn(item: &'a ItemFn, errors: &mut Errors) -> TestFn<'a> {
        let mut test = TestFn {
            item,
            cfgs: Vec::new(),
            docs: Vec::new(),
            kept: Vec::new(),
        };
        for attr in &item.attrs {
            check_meta(&attr.meta, attr, errors);
            if attr.path().is_ident("cfg") {
                test.cfgs.push(attr);
            } else if attr.path().is_ident("doc") {
                test.docs.push(attr);
            } else {
                test.kept.push(attr);
            }
        }
        check_signature(item, errors);
        test
    }
}

fn check_signature(item: &ItemFn, errors: &mut Errors) {
    let sig = &item.sig;
    let cannot = |what: &str| format!("a #[model_test] function cannot be `{what}`");
    // `default fn`, an unstable specialization modifier.
    errors.ok(item.modifiers.require_empty());
    if let Some(token) = &sig.constness {
        errors.push(syn::Error::new(token.span, cannot("const")));
    }
    if let Some(token) = &sig.asyncness {
        errors.push(syn::Error::new(token.span, cannot("async")));
    }
    match &sig.safety {
        Safety::Unsafe(token) => errors.push(syn::Error::new(token.span, cannot("unsafe"))),
        Safety::Safe(token) => errors.push(syn::Error::new(token.span, cannot("safe"))),
        Safety::Default => {}
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            "a #[model_test] function cannot have an `extern` ABI",
        ));
    }
    if !sig.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            "a #[model_test] function cannot be generic",
        ));
    } else if let Some(where_clause) = &sig.generics.where_clause {
        errors.push(syn::Error::new_spanned(
            where_clause,
            "a #[model_test] function cannot have a where clause",
        ));
    }
    if !sig.inputs.is_empty() {
        errors.push(syn::Error::new_spanned(&sig.inputs, NO_PARAMETERS));
    } else if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(variadic, NO_PARAMETERS));
    }
}

/// Records an error for an attribute that would compete with `#[model_test]`: another test
/// attribute, `#[ignore]` (the registry would not see it), `#[should_panic]`. Looks inside
/// `#[cfg_attr(predicate, ...)]` too. `spanned` is what the error points at: the whole
/// attribute, or the attribute inside a `cfg_attr`.
fn check_meta(meta: &Meta, spanned: &dyn ToTokens, errors: &mut Errors) {
    let path = meta.path();
    if path.is_ident("cfg_attr") {
        if let Meta::List(list) = meta {
            // The predicate, then the attributes it adds. A malformed `cfg_attr` is rustc's to
            // report.
            let added = |input: ParseStream| {
                input.parse::<Meta>()?;
                input.parse::<Token![,]>()?;
                Punctuated::<Meta, Token![,]>::parse_terminated(input)
            };
            for added in added.parse2(list.tokens.clone()).into_iter().flatten() {
                check_meta(&added, &added, errors);
            }
        }
        return;
    }
    let Some(last) = path.segments.last() else {
        return;
    };
    if TEST_ATTRIBUTES.iter().any(|name| last.ident == name) {
        let name = quote!(#path).to_string().replace(' ', "");
        errors.push(syn::Error::new_spanned(
            spanned,
            format!(
                "the function already has a test attribute `#[{name}]`; #[model_test] makes it a test"
            ),
        ));
    } else if path.is_ident("ignore") {
        let suggestion = match meta {
            Meta::NameValue(name_value) => {
                let reason = &name_value.value;
                format!("#[model_test(ignore = {})]", quote!(#reason))
            }
            _ => "#[model_test(ignore)]".to_owned(),
        };
        errors.push(syn::Error::new_spanned(
            spanned,
            format!(
                "use {suggestion} instead of a separate #[ignore], so the model-check registry \
                 knows the test is ignored"
            ),
        ));
    } else if path.is_ident("should_panic") {
        errors.push(syn::Error::new_spanned(
            spanned,
            "#[model_test] does not support #[should_panic]: a model test passes or fails by \
             its checks",
        ));
    }
}
