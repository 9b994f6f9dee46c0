//! The typed description of a derive input: a row struct and its fields, or a categorical
//! enum and its levels.
//!
//! `from_syn` reads the `syn` input, parses attributes and classifies field types, recording
//! every error it meets and keeping going. Each field is checked (`valid`) as soon as it is
//! read, so errors come out in source order; rules across fields are checked afterwards.

use crate::attr::{self, FieldAttrs, VariantAttrs};
use crate::errors::Errors;
use crate::ty::{self, Base, FieldType};
use proc_macro2::{Ident, Span};
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Generics, Type, Visibility};

/// A `#[derive(Features)]` struct.
pub struct Struct<'a> {
    pub ident: &'a Ident,
    pub fields: Vec<Field<'a>>,
}

/// One named field of a `#[derive(Features)]` struct.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
    /// The classified type; `None` when the field is skipped or its type is unsupported
    /// (already reported).
    pub class: Option<FieldType<'a>>,
}

/// A `#[derive(Categorical)]` enum.
pub struct Enum<'a> {
    pub ident: &'a Ident,
    pub levels: Vec<Level<'a>>,
}

/// One variant of a `#[derive(Categorical)]` enum.
pub struct Level<'a> {
    pub ident: &'a Ident,
    pub attrs: VariantAttrs,
}

/// How a feature's value is stored and converted.
pub enum FeatureKind<'a> {
    /// A number, through `FeatureValue`.
    Numeric(NumberType),
    /// An integer or `bool` category code, through `CategoryCode`.
    Code,
    /// A `String`, through `FeatureValue`.
    Text,
    /// A `Categorical` enum, through `FeatureValue`; the enum type.
    Enum(&'a Type),
}

/// The `NumberType` variant of a numeric feature.
#[derive(Clone, Copy)]
pub enum NumberType {
    Float,
    Integer,
    Bool,
}

impl<'a> Struct<'a> {
    /// Reads a `#[derive(Features)]` input; `None` when it is not a struct with named fields.
    pub fn from_syn(node: &'a DeriveInput, errors: &mut Errors) -> Option<Self> {
        attr::reject_container_attrs(&node.attrs, errors);
        reject_generics(&node.generics, "generic structs are not supported", errors);
        let named = match &node.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => named,
                Fields::Unnamed(fields) => {
                    errors.push(syn::Error::new_spanned(fields, NAMED_FIELDS));
                    return None;
                }
                Fields::Unit => {
                    errors.push(syn::Error::new_spanned(&node.ident, NAMED_FIELDS));
                    return None;
                }
            },
            Data::Enum(data) => {
                errors.push(syn::Error::new(
                    data.enum_token.span,
                    format!("{NAMED_FIELDS}; use #[derive(Categorical)] for a field-less enum"),
                ));
                return None;
            }
            Data::Union(data) => {
                errors.push(syn::Error::new(data.union_token.span, NAMED_FIELDS));
                return None;
            }
        };
        let fields = named
            .named
            .iter()
            .map(|field| {
                let attrs = FieldAttrs::parse(&field.attrs, errors);
                let class = match attrs.skip {
                    Some(_) => None,
                    None => errors.ok(ty::classify(&field.ty)),
                };
                let field = Field {
                    ident: field.ident.as_ref().expect("named fields have names"),
                    vis: &field.vis,
                    ty: &field.ty,
                    attrs,
                    class,
                };
                field.validate(errors);
                field
            })
            .collect();
        Some(Struct {
            ident: &node.ident,
            fields,
        })
    }

    /// The fields that are features, in schema order.
    pub fn features(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields
            .iter()
            .filter(|field| field.attrs.skip.is_none())
    }
}

const NAMED_FIELDS: &str = "#[derive(Features)] needs a struct with named fields";

impl<'a> Field<'a> {
    /// The feature's name: `rename`, or the field name without `r#`.
    pub fn name(&self) -> String {
        match &self.attrs.rename {
            Some(rename) => rename.value(),
            None => self.ident.unraw().to_string(),
        }
    }

    /// Where the name was written, to point at duplicates.
    pub fn name_span(&self) -> Span {
        match &self.attrs.rename {
            Some(rename) => rename.span(),
            None => self.ident.span(),
        }
    }

    /// The name of the field's typed handle, `MONTHLY_CHARGES` for `monthly_charges`.
    pub fn handle_name(&self) -> Ident {
        Ident::new(
            &upper_snake_case(&self.ident.unraw().to_string()),
            self.ident.span(),
        )
    }

    /// Whether the feature is categorical: a `String`, an enum, or `categorical` given.
    pub fn is_categorical(&self) -> bool {
        matches!(
            self.kind(),
            Some(FeatureKind::Code | FeatureKind::Text | FeatureKind::Enum(_))
        )
    }

    /// How the feature is stored; `None` for skipped or unsupported fields.
    pub fn kind(&self) -> Option<FeatureKind<'a>> {
        let class = self.class.as_ref()?;
        let code = self.attrs.categorical.is_some();
        Some(match class.base {
            Base::Float => FeatureKind::Numeric(NumberType::Float),
            Base::Integer | Base::Bool if code => FeatureKind::Code,
            Base::Integer => FeatureKind::Numeric(NumberType::Integer),
            Base::Bool => FeatureKind::Numeric(NumberType::Bool),
            Base::Text => FeatureKind::Text,
            Base::Enum(ty) => FeatureKind::Enum(ty),
        })
    }

    /// Whether the field is an `Option`.
    pub fn is_optional(&self) -> bool {
        self.class.as_ref().is_some_and(|class| class.optional)
    }
}

impl<'a> Enum<'a> {
    /// Reads a `#[derive(Categorical)]` input; `None` when it is not an enum.
    pub fn from_syn(node: &'a DeriveInput, errors: &mut Errors) -> Option<Self> {
        attr::reject_container_attrs(&node.attrs, errors);
        reject_generics(&node.generics, "generic enums are not supported", errors);
        let data = match &node.data {
            Data::Enum(data) => data,
            Data::Struct(data) => {
                errors.push(syn::Error::new(data.struct_token.span, FIELDLESS_ENUM));
                return None;
            }
            Data::Union(data) => {
                errors.push(syn::Error::new(data.union_token.span, FIELDLESS_ENUM));
                return None;
            }
        };
        if data.variants.is_empty() {
            errors.push(syn::Error::new_spanned(
                &node.ident,
                "a Categorical enum needs at least one variant",
            ));
        }
        let levels = data
            .variants
            .iter()
            .map(|variant| {
                if !matches!(variant.fields, Fields::Unit) {
                    errors.push(syn::Error::new_spanned(
                        &variant.fields,
                        format!(
                            "a Categorical enum has only field-less variants; `{}` has fields",
                            variant.ident
                        ),
                    ));
                }
                Level {
                    ident: &variant.ident,
                    attrs: VariantAttrs::parse(&variant.attrs, errors),
                }
            })
            .collect();
        Some(Enum {
            ident: &node.ident,
            levels,
        })
    }
}

const FIELDLESS_ENUM: &str = "#[derive(Categorical)] needs a field-less enum";

impl Level<'_> {
    /// The level's name: `rename`, or the variant name without `r#`.
    pub fn name(&self) -> String {
        match &self.attrs.rename {
            Some(rename) => rename.value(),
            None => self.ident.unraw().to_string(),
        }
    }

    /// Where the name was written, to point at duplicates.
    pub fn name_span(&self) -> Span {
        match &self.attrs.rename {
            Some(rename) => rename.span(),
            None => self.ident.span(),
        }
    }
}

fn reject_generics(generics: &Generics, message: &str, errors: &mut Errors) {
    if !generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(generics, message));
    } else if let Some(where_clause) = &generics.where_clause {
        errors.push(syn::Error::new_spanned(where_clause, message));
    }
}

/// `monthly_charges` → `MONTHLY_CHARGES`, `monthlyCharges` → `MONTHLY_CHARGES`.
fn upper_snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        out.extend(c.to_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::upper_snake_case;

    #[test]
    fn handle_names_are_upper_snake_case() {
        assert_eq!(upper_snake_case("tenure"), "TENURE");
        assert_eq!(upper_snake_case("monthly_charges"), "MONTHLY_CHARGES");
        assert_eq!(upper_snake_case("monthlyCharges"), "MONTHLY_CHARGES");
        assert_eq!(upper_snake_case("x2y"), "X2Y");
        assert_eq!(upper_snake_case("_hidden"), "_HIDDEN");
        assert_eq!(upper_snake_case("HTTPCode"), "HTTPCODE");
    }
}
