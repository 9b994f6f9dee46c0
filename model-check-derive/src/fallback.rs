//! Stub impls emitted next to the errors of a failed derive, so that code using the type as
//! `Features` or `Categorical` elsewhere, or naming its typed handles, reports nothing more:
//! the user sees the real errors only.

use crate::ast::Struct;
use crate::expand;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::HashSet;
use syn::DeriveInput;

/// A `Features` impl with an empty schema whose methods are never reached (the crate does
/// not compile), and the typed handles of the fields that could be read.
pub fn features(node: &DeriveInput, input: Option<&Struct>) -> TokenStream {
    // A generic type's stub could itself fail (bounds, `'static`); the generics error is
    // enough there.
    if !node.generics.params.is_empty() || node.generics.where_clause.is_some() {
        return TokenStream::new();
    }
    let ident = &node.ident;
    let mut seen = HashSet::new();
    let handles = input
        .into_iter()
        .flat_map(|input| input.features().enumerate())
        .filter(|(_, field)| seen.insert(field.handle_name().to_string()))
        .map(|(index, field)| expand::handle(field, index));
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #ident {
                #(#handles)*
            }

            #[automatically_derived]
            impl ::model_check::__private_v0_1_0::Features for #ident {
                const SCHEMA: ::model_check::__private_v0_1_0::Schema =
                    ::model_check::__private_v0_1_0::Schema::new(&[]);

                fn value(&self, _: ::core::primitive::usize) -> ::model_check::__private_v0_1_0::Value {
                    ::model_check::__private_v0_1_0::panic!("#[derive(Features)] failed")
                }

                fn set_value(
                    &mut self,
                    _: ::core::primitive::usize,
                    _: ::model_check::__private_v0_1_0::Value,
                ) -> ::model_check::__private_v0_1_0::Result<(), ::model_check::__private_v0_1_0::ValueError> {
                    ::model_check::__private_v0_1_0::panic!("#[derive(Features)] failed")
                }
            }
        };
    }
}

/// `Categorical` and `FeatureValue` impls with no levels whose methods are never reached.
pub fn categorical(node: &DeriveInput) -> TokenStream {
    if !node.generics.params.is_empty() || node.generics.where_clause.is_some() {
        return TokenStream::new();
    }
    let ident = &node.ident;
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::model_check::__private_v0_1_0::Categorical for #ident {
                const LEVELS: &'static [&'static ::core::primitive::str] = &[];

                fn level(&self) -> &'static ::core::primitive::str {
                    ::model_check::__private_v0_1_0::panic!("#[derive(Categorical)] failed")
                }

                fn from_level(_: &::core::primitive::str) -> ::model_check::__private_v0_1_0::Option<Self> {
                    ::model_check::__private_v0_1_0::panic!("#[derive(Categorical)] failed")
                }
            }

            #[automatically_derived]
            impl ::model_check::__private_v0_1_0::FeatureValue for #ident {
                fn to_value(&self) -> ::model_check::__private_v0_1_0::Value {
                    ::model_check::__private_v0_1_0::panic!("#[derive(Categorical)] failed")
                }

                fn from_value(
                    _: ::model_check::__private_v0_1_0::Value,
                ) -> ::model_check::__private_v0_1_0::Result<Self, ::model_check::__private_v0_1_0::ValueError> {
                    ::model_check::__private_v0_1_0::panic!("#[derive(Categorical)] failed")
                }
            }
        };
    }
}
