//! Code generation: the `Features` impl with its typed handles, and the `Categorical` and
//! `FeatureValue` impls of an enum.
//!
//! Generated code names only `::model_check::__private_v0_1_0` and `::core` paths, and sits in a
//! `const _: () = { ... };` block so it adds no names to the user's module.

use crate::ast::{Enum, FeatureKind, Field, NumberType, Struct};
use crate::errors::Errors;
use crate::fallback;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::DeriveInput;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

/// `#[derive(Features)]`: the impls, or every error plus a stub impl.
pub fn derive_features(node: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let input = Struct::from_syn(node, &mut errors);
    if let Some(input) = &input {
        input.validate(&mut errors);
    }
    match (errors.finish(), input) {
        (Ok(()), Some(input)) => impl_features(&input),
        (Err(error), input) => {
            let mut tokens = error.into_compile_error();
            tokens.extend(fallback::features(node, input.as_ref()));
            tokens
        }
        (Ok(()), None) => unreachable!("a rejected input always records an error"),
    }
}

/// `#[derive(Categorical)]`: the impls, or every error plus stub impls.
pub fn derive_categorical(node: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let input = Enum::from_syn(node, &mut errors);
    if let Some(input) = &input {
        input.validate(&mut errors);
    }
    match (errors.finish(), input) {
        (Ok(()), Some(input)) => impl_categorical(&input),
        (Err(error), _) => {
            let mut tokens = error.into_compile_error();
            tokens.extend(fallback::categorical(node));
            tokens
        }
        (Ok(()), None) => unreachable!("a rejected input always records an error"),
    }
}

fn impl_features(input: &Struct) -> TokenStream {
    let ident = input.ident;
    let features: Vec<&Field> = input.features().collect();
    let count = features.len();
    let indices: Vec<Literal> = (0..count).map(Literal::usize_unsuffixed).collect();
    let specs = features.iter().map(|field| spec(field));
    // Every field, skipped ones included, so loaders can line serde's names up with them.
    let all_fields = input
        .fields
        .iter()
        .map(|field| field.ident.unraw().to_string());
    let to_values = features.iter().map(|field| to_value(field));
    let categories = features.iter().map(|field| category(field));
    let from_values = features.iter().map(|field| from_value(field));
    let handles = features
        .iter()
        .enumerate()
        .map(|(index, field)| handle(field, index));
    let out_of_range = format!(
        "feature index {{}} out of range for `{}` ({{}} features)",
        ident.unraw()
    );

    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::model_check::__private_v0_1_0::Features for #ident {
                const SCHEMA: ::model_check::__private_v0_1_0::Schema =
                    ::model_check::__private_v0_1_0::Schema::new(&[#(#specs),*])
                        .with_fields(&[#(#all_fields),*]);

                fn value(&self, index: ::core::primitive::usize) -> ::model_check::__private_v0_1_0::Value {
                    match index {
                        #(#indices => #to_values,)*
                        _ => ::model_check::__private_v0_1_0::panic!(#out_of_range, index, #count),
                    }
                }

                fn category(
                    &self,
                    index: ::core::primitive::usize,
                ) -> ::model_check::__private_v0_1_0::Option<::model_check::__private_v0_1_0::Option<&::core::primitive::str>> {
                    match index {
                        #(#indices => #categories,)*
                        _ => ::model_check::__private_v0_1_0::Option::None,
                    }
                }

                fn set_value(
                    &mut self,
                    index: ::core::primitive::usize,
                    value: ::model_check::__private_v0_1_0::Value,
                ) -> ::model_check::__private_v0_1_0::Result<(), ::model_check::__private_v0_1_0::ValueError> {
                    match index {
                        #(#indices => #from_values,)*
                        _ => ::model_check::__private_v0_1_0::panic!(#out_of_range, index, #count),
                    }
                }
            }

            #[automatically_derived]
            impl #ident {
                #(#handles)*
            }
        };
    }
}

/// The `FeatureSpec` expression of one field.
fn spec(field: &Field) -> TokenStream {
    let name = field.name();
    let kind = field.kind().expect("validated fields are classified");
    let mut spec = match kind {
        FeatureKind::Numeric(number) => {
            let number = match number {
                NumberType::Float => quote!(Float),
                NumberType::Integer => quote!(Integer),
                NumberType::Bool => quote!(Bool),
            };
            quote! {
                ::model_check::__private_v0_1_0::FeatureSpec::numeric(
                    #name,
                    ::model_check::__private_v0_1_0::NumberType::#number,
                )
            }
        }
        FeatureKind::Code | FeatureKind::Text => {
            quote!(::model_check::__private_v0_1_0::FeatureSpec::categorical(#name, &[]))
        }
        FeatureKind::Enum(ty) => {
            // Spanned on the type, so a missing `#[derive(Categorical)]` is reported there.
            let levels = quote_spanned!(ty.span()=> <#ty as ::model_check::__private_v0_1_0::Categorical>::LEVELS);
            quote!(::model_check::__private_v0_1_0::FeatureSpec::categorical(#name, #levels))
        }
    };
    let rust_name = field.ident.unraw().to_string();
    if rust_name != name {
        spec = quote!(#spec.with_field(#rust_name));
    }
    if let Some(range) = &field.attrs.range {
        let (lo, hi) = (&range.lo, &range.hi);
        spec = quote!(#spec.with_range(#lo, #hi));
    }
    if field.is_optional() {
        spec = quote!(#spec.optional());
    }
    if field.attrs.protected.is_some() {
        spec = quote!(#spec.protected());
    }
    spec
}

/// The conversion trait of a field, spanned on its type: `<T as FeatureValue>`.
fn conversion(field: &Field) -> TokenStream {
    let ty = field.ty;
    match field.kind() {
        Some(FeatureKind::Code) => {
            quote_spanned!(ty.span()=> <#ty as ::model_check::__private_v0_1_0::CategoryCode>)
        }
        _ => quote_spanned!(ty.span()=> <#ty as ::model_check::__private_v0_1_0::FeatureValue>),
    }
}

/// The `value` arm of one field.
fn to_value(field: &Field) -> TokenStream {
    let member = field.ident;
    let conversion = conversion(field);
    match field.kind() {
        Some(FeatureKind::Code) => quote!(#conversion::to_category(&self.#member)),
        _ => quote!(#conversion::to_value(&self.#member)),
    }
}

/// The `category` arm of one field: borrowed where the field's type can lend its level.
fn category(field: &Field) -> TokenStream {
    let member = field.ident;
    let conversion = conversion(field);
    match field.kind() {
        // Integer codes build their level: only `value` can say.
        Some(FeatureKind::Code) => quote!(::model_check::__private_v0_1_0::Option::None),
        _ => quote!(#conversion::category(&self.#member)),
    }
}

/// The `set_value` arm of one field: convert first, so a failure changes nothing.
fn from_value(field: &Field) -> TokenStream {
    let member = field.ident;
    let name = field.name();
    let conversion = conversion(field);
    let convert = match field.kind() {
        Some(FeatureKind::Code) => quote!(#conversion::from_category(value)),
        _ => quote!(#conversion::from_value(value)),
    };
    quote! {{
        self.#member = #convert.map_err(|error| error.for_feature(#name))?;
        ::model_check::__private_v0_1_0::Result::Ok(())
    }}
}

/// The typed handle of one feature: `pub const TENURE: Feature<Self, u32> = ...;`, at the
/// feature's `index` in the schema.
///
/// Spanned on the field, so "defined here" notes and go-to-definition land on the field.
pub fn handle(field: &Field, index: usize) -> TokenStream {
    let vis = field.vis;
    let ty = field.ty;
    let member = field.ident;
    let handle = field.handle_name();
    let index = Literal::usize_unsuffixed(index);
    let doc = format!("Typed handle on the `{}` feature.", field.name());
    quote_spanned! {member.span()=>
        #[doc = #doc]
        #[allow(dead_code)]
        #vis const #handle: ::model_check::__private_v0_1_0::Feature<Self, #ty> =
            ::model_check::__private_v0_1_0::Feature::new(#index, |row| &row.#member, |row| &mut row.#member);
    }
}

fn impl_categorical(input: &Enum) -> TokenStream {
    let ident = input.ident;
    let variants: Vec<_> = input.levels.iter().map(|level| level.ident).collect();
    let names: Vec<String> = input.levels.iter().map(|level| level.name()).collect();
    let name = format_ident!("name");

    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::model_check::__private_v0_1_0::Categorical for #ident {
                const LEVELS: &'static [&'static ::core::primitive::str] = &[#(#names),*];

                fn level(&self) -> &'static ::core::primitive::str {
                    match self {
                        #(Self::#variants => #names,)*
                    }
                }

                fn from_level(#name: &::core::primitive::str) -> ::model_check::__private_v0_1_0::Option<Self> {
                    match #name {
                        #(#names => ::model_check::__private_v0_1_0::Option::Some(Self::#variants),)*
                        _ => ::model_check::__private_v0_1_0::Option::None,
                    }
                }
            }

            #[automatically_derived]
            impl ::model_check::__private_v0_1_0::FeatureValue for #ident {
                fn to_value(&self) -> ::model_check::__private_v0_1_0::Value {
                    ::model_check::__private_v0_1_0::categorical_to_value(self)
                }

                fn category(
                    &self,
                ) -> ::model_check::__private_v0_1_0::Option<::model_check::__private_v0_1_0::Option<&::core::primitive::str>> {
                    ::model_check::__private_v0_1_0::Option::Some(::model_check::__private_v0_1_0::Option::Some(
                        ::model_check::__private_v0_1_0::Categorical::level(self),
                    ))
                }

                fn from_value(
                    value: ::model_check::__private_v0_1_0::Value,
                ) -> ::model_check::__private_v0_1_0::Result<Self, ::model_check::__private_v0_1_0::ValueError> {
                    ::model_check::__private_v0_1_0::categorical_from_value(value)
                }
            }
        };
    }
}
