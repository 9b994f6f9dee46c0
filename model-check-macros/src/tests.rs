//! Unit tests of the expansion and of the errors, on token streams: the expected expansions
//! are written out by hand from the contract in the crate docs, not captured from the output.

use crate::expand::expand;
use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

fn run(args: TokenStream, item: TokenStream) -> String {
    expand(args, item).to_string()
}

/// The messages of the `compile_error!`s in an expansion, in order.
fn errors(args: TokenStream, item: TokenStream) -> Vec<String> {
    let mut messages = Vec::new();
    let tokens: Vec<TokenTree> = expand(args, item).into_iter().collect();
    for window in tokens.windows(3) {
        if let [
            TokenTree::Ident(ident),
            TokenTree::Punct(bang),
            TokenTree::Group(group),
        ] = window
            && ident == "compile_error"
            && bang.as_char() == '!'
        {
            let message: syn::LitStr = syn::parse2(group.stream()).expect("a string literal");
            messages.push(message.value());
        }
    }
    messages
}

/// The output after the `compile_error!`s: what follows the last error's group.
fn after_errors(args: TokenStream, item: TokenStream) -> String {
    let tokens: Vec<TokenTree> = expand(args, item).into_iter().collect();
    let last_error = tokens
        .iter()
        .rposition(|token| matches!(token, TokenTree::Ident(ident) if ident == "compile_error"))
        .expect("an error");
    // `compile_error`, `!`, `{ "..." }`, then possibly a `;` in statement position.
    tokens[last_error + 3..]
        .iter()
        .cloned()
        .collect::<TokenStream>()
        .to_string()
}

#[test]
fn full_expansion() {
    let actual = run(
        quote!(seed = 7, tags = ["fairness"], ignore = "slow"),
        quote! {
            /// Docs.
            #[allow(unused)]
            pub fn sex_never_flips() -> Check { body() }
        },
    );
    let expected = quote! {
        /// Docs.
        #[::core::prelude::v1::test]
        #[ignore = "slow"]
        #[allow(non_snake_case)]
        fn sex_never_flips() {
            ::model_check::__private_v0_1_0::run_test(
                &__MODEL_CHECK_META_sex_never_flips,
                __model_check_plan_sex_never_flips
            )
        }

        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        static __MODEL_CHECK_META_sex_never_flips: ::model_check::__private_v0_1_0::TestMeta =
            ::model_check::__private_v0_1_0::TestMeta {
                function: "sex_never_flips",
                module_path: ::core::module_path!(),
                file: ::core::file!(),
                line: ::core::line!(),
                package: ::core::env!("CARGO_PKG_NAME"),
                bin: ::core::option_env!("CARGO_BIN_NAME"),
                tags: &["fairness"],
                seed: ::core::option::Option::Some(7u64),
                ignore: ::core::option::Option::Some("slow"),
            };

        #[doc(hidden)]
        fn __model_check_plan_sex_never_flips() -> ::model_check::__private_v0_1_0::Planned {
            #[allow(unused)]
            fn sex_never_flips() -> Check { body() }
            ::model_check::__private_v0_1_0::plan(sex_never_flips())
        }

        ::model_check::__private_v0_1_0::inventory::submit! {
            ::model_check::__private_v0_1_0::Registration {
                meta: &__MODEL_CHECK_META_sex_never_flips,
                plan: __model_check_plan_sex_never_flips,
            }
        }
    };
    assert_eq!(actual, expected.to_string());
}

#[test]
fn without_arguments_nothing_is_ignored_seeded_or_tagged() {
    let actual = run(
        quote!(),
        quote!(
            fn plain() -> Check {
                body()
            }
        ),
    );
    assert!(!actual.contains("# [ignore"), "{actual}");
    assert!(actual.contains("tags : & []"), "{actual}");
    assert!(
        actual.contains("seed : :: core :: option :: Option :: None"),
        "{actual}"
    );
    assert!(
        actual.contains("ignore : :: core :: option :: Option :: None"),
        "{actual}"
    );
}

#[test]
fn bare_ignore_is_an_empty_reason() {
    let actual = run(
        quote!(ignore),
        quote!(
            fn slow() -> Check {
                body()
            }
        ),
    );
    assert!(actual.contains("# [:: core :: prelude :: v1 :: test] # [ignore] "));
    assert!(actual.contains(r#"ignore : :: core :: option :: Option :: Some ("")"#));
}

#[test]
fn seed_is_normalised_to_a_u64_literal() {
    for (seed, expected) in [
        (quote!(0xff), "255u64"),
        (quote!(1_000u64), "1000u64"),
        (quote!(18446744073709551615), "18446744073709551615u64"),
    ] {
        let actual = run(
            quote!(seed = #seed),
            quote!(
                fn f() -> Check {
                    body()
                }
            ),
        );
        assert!(
            actual.contains(&format!(
                "seed : :: core :: option :: Option :: Some ({expected})"
            )),
            "{seed}: {actual}"
        );
    }
}

#[test]
fn tags_keep_their_order() {
    let actual = run(
        quote!(tags = ["slow", "fairness", "cohort"]),
        quote!(
            fn f() -> Check {
                body()
            }
        ),
    );
    assert!(
        actual.contains(r#"tags : & ["slow" , "fairness" , "cohort"]"#),
        "{actual}"
    );
}

#[test]
fn cfg_goes_on_every_item_and_docs_on_the_test_only() {
    let actual = run(
        quote!(),
        quote! {
            #[cfg(feature = "gpu")]
            /// Docs.
            #[cfg_attr(feature = "gpu", allow(dead_code))]
            fn on_gpu() -> Check { body() }
        },
    );
    let cfg = r#"# [cfg (feature = "gpu")]"#;
    assert_eq!(actual.matches(cfg).count(), 4, "{actual}");
    for item in [
        "# [doc (hidden)] # [allow (non_upper_case_globals)] static",
        "# [doc (hidden)] fn __model_check_plan_on_gpu",
        ":: model_check :: __private_v0_1_0 :: inventory :: submit !",
    ] {
        assert!(
            actual.contains(&format!("{cfg} {item}")),
            "{item}: {actual}"
        );
    }
    assert!(
        actual.contains(&format!(r#"{cfg} # [doc = r" Docs."] # [:: core"#)),
        "{actual}"
    );
    assert_eq!(actual.matches("Docs.").count(), 1, "{actual}");
    assert!(
        actual.contains(
            r#"{ # [cfg_attr (feature = "gpu" , allow (dead_code))] fn on_gpu () -> Check"#
        ),
        "{actual}"
    );
}

#[test]
fn raw_identifiers_keep_r_hash_in_the_name_as_libtest_does() {
    let actual = run(
        quote!(),
        quote!(
            fn r#type() -> Check {
                body()
            }
        ),
    );
    assert!(actual.contains(r#"function : "r#type""#), "{actual}");
    assert!(
        actual.contains("static __MODEL_CHECK_META_type"),
        "{actual}"
    );
    assert!(actual.contains("fn r#type ()"), "{actual}");
}

#[test]
fn the_outer_test_is_private_whatever_the_visibility() {
    let actual = run(
        quote!(),
        quote!(
            pub(crate) fn shared() -> Check {
                body()
            }
        ),
    );
    assert!(!actual.contains("pub"), "{actual}");
}

#[test]
fn every_error_is_reported_and_the_function_kept_unchanged() {
    let item = quote! {
        #[test]
        async fn f<T>(x: T) {}
    };
    assert_eq!(
        errors(quote!(sed = 1, seed = -1), item.clone()),
        [
            "unknown argument `sed`; expected seed, tags or ignore",
            "a seed is a u64 and cannot be negative",
            "the function already has a test attribute `#[test]`; #[model_test] makes it a test",
            "a #[model_test] function cannot be `async`",
            "a #[model_test] function cannot be generic",
            "a #[model_test] function takes no parameters",
        ]
    );
    assert_eq!(
        after_errors(quote!(sed = 1), item.clone()),
        item.to_string()
    );
}

#[test]
fn argument_errors() {
    let f = quote!(
        fn f() {}
    );
    let cases = [
        (quote!(seed = 1, seed = 2), "duplicate argument `seed`"),
        (quote!(ignore, ignore = "x"), "duplicate argument `ignore`"),
        (quote!(seed), "`seed` takes a value, such as `seed = 42`"),
        (
            quote!(seed = "7"),
            "a seed is an integer literal, such as `seed = 42`",
        ),
        (
            quote!(seed = SEED),
            "a seed is an integer literal, such as `seed = 42`",
        ),
        (
            quote!(seed = 1.5),
            "a seed is an integer literal, such as `seed = 42`",
        ),
        (
            quote!(seed = 18446744073709551616),
            "seed out of range: a seed is a u64, at most 18446744073709551615",
        ),
        (
            quote!(seed = 7i32),
            "a seed is a u64, not i32: drop the suffix",
        ),
        (
            quote!(tags = "slow"),
            "tags is an array of string literals, such as `tags = [\"fairness\", \"slow\"]`",
        ),
        (
            quote!(tags = [slow]),
            "a tag is a string literal, such as `\"fairness\"`",
        ),
        (quote!(tags = [""]), "a tag cannot be empty"),
        (quote!(tags = ["a", "b", "a"]), "duplicate tag `a`"),
        (
            quote!(ignore = slow),
            "an ignore reason is a string literal, such as `ignore = \"needs a GPU\"`",
        ),
        (
            quote!(ignore = ""),
            "the ignore reason is empty; write `ignore` alone or give a reason",
        ),
        (
            quote!(ignore("slow")),
            "write `ignore` or `ignore = \"reason\"`",
        ),
        (
            quote!(model_check::seed = 1),
            "unknown argument `model_check::seed`; expected seed, tags or ignore",
        ),
    ];
    for (args, expected) in cases {
        assert_eq!(errors(args.clone(), f.clone()), [expected], "{args}");
    }
}

#[test]
fn errors_in_one_argument_do_not_hide_the_next() {
    assert_eq!(
        errors(
            quote!(tags = [1, "", "ok", "ok"], seed = x, ignore = 3),
            quote!(
                fn f() {}
            )
        ),
        [
            "a tag is a string literal, such as `\"fairness\"`",
            "a tag cannot be empty",
            "duplicate tag `ok`",
            "a seed is an integer literal, such as `seed = 42`",
            "an ignore reason is a string literal, such as `ignore = \"needs a GPU\"`",
        ]
    );
}

#[test]
fn signature_errors() {
    let cannot = |what: &str| format!("a #[model_test] function cannot be `{what}`");
    let cases = [
        (
            quote!(
                const fn f() {}
            ),
            cannot("const"),
        ),
        (
            quote!(
                unsafe fn f() {}
            ),
            cannot("unsafe"),
        ),
        (
            quote!(
                extern "C" fn f() {}
            ),
            "a #[model_test] function cannot have an `extern` ABI".to_owned(),
        ),
        (
            quote!(
                fn f<'a>() {}
            ),
            "a #[model_test] function cannot be generic".to_owned(),
        ),
        (
            quote!(
                fn f()
                where
                    u8: Copy,
                {
                }
            ),
            "a #[model_test] function cannot have a where clause".to_owned(),
        ),
        (
            quote!(
                fn f(&self) {}
            ),
            "a #[model_test] function takes no parameters".to_owned(),
        ),
    ];
    for (item, expected) in cases {
        assert_eq!(errors(quote!(), item.clone()), [expected], "{item}");
    }
}

#[test]
fn competing_attributes() {
    let already = |name: &str| {
        format!(
            "the function already has a test attribute `#[{name}]`; #[model_test] makes it a test"
        )
    };
    let cases = [
        (
            quote!(#[tokio::test(flavor = "multi_thread")]),
            already("tokio::test"),
        ),
        (quote!(#[rstest]), already("rstest")),
        (
            quote!(#[model_check::model_test]),
            already("model_check::model_test"),
        ),
        (quote!(#[cfg_attr(test, test)]), already("test")),
        (
            quote!(#[ignore]),
            "use #[model_test(ignore)] instead of a separate #[ignore], so the model-check \
             registry knows the test is ignored"
                .to_owned(),
        ),
        (
            quote!(#[cfg_attr(not(gpu), allow(unused), ignore = "needs a GPU")]),
            "use #[model_test(ignore = \"needs a GPU\")] instead of a separate #[ignore], so the \
             model-check registry knows the test is ignored"
                .to_owned(),
        ),
        (
            quote!(#[should_panic]),
            "#[model_test] does not support #[should_panic]: a model test passes or fails by its \
             checks"
                .to_owned(),
        ),
    ];
    for (attr, expected) in cases {
        assert_eq!(
            errors(quote!(), quote!(#attr fn f() {})),
            [expected],
            "{attr}"
        );
    }
    // Attributes that only mention a test are fine.
    for attr in [
        quote!(#[cfg(test)]),
        quote!(#[cfg_attr(test, allow(unused))]),
        quote!(#[testing]),
    ] {
        assert_eq!(
            errors(quote!(), quote!(#attr fn f() {})),
            Vec::<String>::new(),
            "{attr}"
        );
    }
}

#[test]
fn not_a_function() {
    for item in [
        quote!(
            struct S;
        ),
        quote!(
            #[derive(Debug)]
            pub struct S {
                x: u8,
            }
        ),
        quote!(impl S {}),
        quote!(
            fn f();
        ),
    ] {
        assert_eq!(
            errors(quote!(seed = 1), item.clone()),
            ["#[model_test] goes on a free function"],
            "{item}"
        );
        assert_eq!(after_errors(quote!(), item.clone()), item.to_string());
    }
}
