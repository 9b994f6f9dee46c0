//! The rules that relate attribute keys to each other, to the field type, or to other
//! fields: what `attr` and `ast` cannot see one key or one field at a time.

use crate::ast::{Enum, FeatureKind, NumberType, Struct};
use crate::attr::ATTR;
use crate::errors::Errors;
use crate::ty::Base;
use std::collections::HashMap;

impl Struct<'_> {
    /// Records every rule the struct breaks.
    pub fn validate(&self, errors: &mut Errors) {
        for field in &self.fields {
            if field.attrs.skip.is_some() {
                for key in field.attrs.keys.iter().filter(|key| *key != "skip") {
                    errors.push(syn::Error::new(
                        key.span(),
                        format!("`{key}` cannot be combined with `skip`: a skipped field is not a feature"),
                    ));
                }
                continue;
            }
            let Some(class) = &field.class else { continue };
            if let (Some(key), Base::Float) = (&field.attrs.categorical, &class.base) {
                errors.push(syn::Error::new(
                    key.span(),
                    "a float cannot be categorical; use an integer code, a String or a \
                     #[derive(Categorical)] enum",
                ));
                continue;
            }
            if let Some(key) = &field.attrs.range_key {
                let what = match field.kind() {
                    _ if field.is_categorical() => Some("categorical"),
                    Some(FeatureKind::Numeric(NumberType::Bool)) => Some("a bool"),
                    _ => None,
                };
                if let Some(what) = what {
                    errors.push(syn::Error::new(
                        key.span(),
                        format!(
                            "a range needs a numeric feature; `{}` is {what}",
                            field.name()
                        ),
                    ));
                }
            }
        }

        if self.features().next().is_none() {
            errors.push(syn::Error::new_spanned(
                self.ident,
                format!(
                    "a Features struct needs at least one feature; every field is #[{ATTR}(skip)]"
                ),
            ));
        }

        let mut names = HashMap::new();
        let mut handles = HashMap::new();
        for field in self.features() {
            if let Some(first) = names.insert(field.name(), field.ident) {
                errors.push(syn::Error::new(
                    field.name_span(),
                    format!(
                        "duplicate feature name `{}`: field `{first}` has the same name",
                        field.name()
                    ),
                ));
            }
            let handle = field.handle_name();
            if let Some(first) = handles.insert(handle.to_string(), field.ident) {
                errors.push(syn::Error::new(
                    field.ident.span(),
                    format!(
                        "fields `{first}` and `{}` would both get the handle `{}::{handle}`; \
                         rename one of the fields",
                        field.ident, self.ident
                    ),
                ));
            }
        }
    }
}

impl Enum<'_> {
    /// Records every rule the enum breaks.
    pub fn validate(&self, errors: &mut Errors) {
        let mut names = HashMap::new();
        for level in &self.levels {
            if let Some(first) = names.insert(level.name(), level.ident) {
                errors.push(syn::Error::new(
                    level.name_span(),
                    format!(
                        "duplicate level `{}`: `{first}` has the same name",
                        level.name()
                    ),
                ));
            }
        }
    }
}
