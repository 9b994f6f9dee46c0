//! The pipeline and the code it writes: parse the arguments, validate the function, then
//! expand to a `#[test]`, the test's metadata, its plan function and its registration.
//!
//! Generated code names only `::model_check::__private_v0_1_0` and `::core` paths. On any error the
//! output is every error plus the user's item unchanged, so the function stays visible to the
//! IDE and code calling it reports nothing more.

use crate::args::{Args, Ignore};
use crate::errors::Errors;
use crate::item::{self, TestFn};
use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ReturnType;
use syn::spanned::Spanned;

/// `#[model_test(args)] item`: the expansion, or every error plus the item unchanged.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = Args::parse(args, &mut errors);
    let function = item::parse(item.clone(), &mut errors);
    let test = function
        .as_ref()
        .map(|function| TestFn::from_syn(function, &mut errors));
    match (errors.finish(), test) {
        (Ok(()), Some(test)) => model_test(&args, &test),
        (Err(error), _) => {
            let mut tokens = error.into_compile_error();
            tokens.extend(item);
            tokens
        }
        (Ok(()), None) => unreachable!("an item that is not a function records an error"),
    }
}

/// The expansion of a valid `#[model_test]` function `f`:
///
/// - `fn f()`, a `#[test]` (with the docs, and `#[ignore]` when asked) that runs the test
///   through the runtime;
/// - `__MODEL_CHECK_META_f`, the test's `TestMeta`;
/// - `__model_check_plan_f()`, which holds the user's function (so its body sees the module
///   as before) and turns its return value into a `Planned`;
/// - the `Registration` submitted to `inventory`, so the suite can be listed and run
///   in-process.
///
/// Each item carries the function's `#[cfg]`s.
fn model_test(args: &Args, test: &TestFn) -> TokenStream {
    let TestFn {
        item,
        cfgs,
        docs,
        kept,
    } = test;
    let sig = &item.sig;
    let block = &item.block;
    let ident = &sig.ident;
    // As libtest names the test: `r#in` stays `r#in`, so `TestMeta::name()` matches it.
    let function = ident.to_string();
    // Spanned at the macro call, not at the user's name: lints about the generated names
    // (`non_snake_case` for `fn CamelCase`) would otherwise point at the user's function.
    let meta = format_ident!("__MODEL_CHECK_META_{}", ident, span = Span::call_site());
    let plan = format_ident!("__model_check_plan_{}", ident, span = Span::call_site());

    // `line!()` and `file!()` report where their own tokens come from: spanned at the
    // function's name they give its line, not the line of `#[model_test]` (which may be
    // separated from the `fn` by docs and attributes).
    let line = quote_spanned!(ident.span()=> ::core::line!());
    let file = quote_spanned!(ident.span()=> ::core::file!());
    let tags = &args.tags;
    let seed = match &args.seed {
        Some(seed) => {
            let mut literal = Literal::u64_suffixed(seed.value);
            literal.set_span(seed.span);
            quote!(::core::option::Option::Some(#literal))
        }
        None => quote!(::core::option::Option::None),
    };
    let (ignore_attr, ignore) = match &args.ignore {
        None => (quote!(), quote!(::core::option::Option::None)),
        Some(Ignore::Bare) => (quote!(#[ignore]), quote!(::core::option::Option::Some(""))),
        Some(Ignore::Reason(reason)) => (
            quote!(#[ignore = #reason]),
            quote!(::core::option::Option::Some(#reason)),
        ),
    };
    // A return type the runtime cannot run (not `Testable`) is reported at the return type.
    let returns = match &sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => ident.span(),
    };
    let planned = quote_spanned!(returns=> ::model_check::__private_v0_1_0::plan(#ident()));

    quote! {
        #(#cfgs)*
        #(#docs)*
        #[::core::prelude::v1::test]
        #ignore_attr
        // The user's lint levels are on their own function, which gets the lints about its
        // name; this copy of the name would otherwise warn despite an `#[allow]` there.
        #[allow(non_snake_case)]
        fn #ident() {
            ::model_check::__private_v0_1_0::run_test(&#meta, #plan)
        }

        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        static #meta: ::model_check::__private_v0_1_0::TestMeta = ::model_check::__private_v0_1_0::TestMeta {
            function: #function,
            module_path: ::core::module_path!(),
            file: #file,
            line: #line,
            package: ::core::env!("CARGO_PKG_NAME"),
            bin: ::core::option_env!("CARGO_BIN_NAME"),
            tags: &[#(#tags),*],
            seed: #seed,
            ignore: #ignore,
        };

        #(#cfgs)*
        #[doc(hidden)]
        fn #plan() -> ::model_check::__private_v0_1_0::Planned {
            #(#kept)*
            #sig #block
            #planned
        }

        #(#cfgs)*
        ::model_check::__private_v0_1_0::inventory::submit! {
            ::model_check::__private_v0_1_0::Registration {
                meta: &#meta,
                plan: #plan,
            }
        }
    }
}
