//! The rules that relate attribute keys to each other, to the field type, or to other
//! fields: what `attr` and `ast` cannot see one key or one field at a time.

use crate::ast::{Enum, FeatureKind, Field, NumberType, Struct};
use crate::attr::ATTR;
use crate::errors::Errors;
use crate::ty::Base;
use std::collections::HashMap;

impl Field<'_> {
    /// Records every rule the field breaks on its own: keys that contradict `skip` or the
    /// field type.
    pub fn validate(&self, errors: &mut Errors) {
        if self.attrs.skip.is_some() {
            for key in self.attrs.keys.iter().filter(|key| *key != "skip") {
                errors.push(syn::Error::new(
                    key.span(),
                    format!(
                        "`{key}` cannot be combined with `skip`: a skipped field is not a feature"
                    ),
                ));
            }
            return;
        }
        let Some(class) = &self.class else { return };
        if let (Some(key), Base::Float) = (&self.attrs.categorical, &class.base) {
            errors.push(syn::Error::new(
                key.span(),
                "a float cannot be categorical; use an integer code, a String or a \
                 #[derive(Categorical)] enum",
            ));
            return;
        }
        if let Some(key) = &self.attrs.range_key {
            let what = match self.kind() {
                _ if self.is_categorical() => "categorical",
                Some(FeatureKind::Numeric(NumberType::Bool)) => "a bool",
                _ => return,
            };
            errors.push(syn::Error::new(
                key.span(),
                format!(
                    "a range needs a numeric feature; `{}` is {what}",
                    self.name()
                ),
            ));
        }
    }
}

impl Struct<'_> {
    /// Records every rule the struct breaks across fields (each field was checked as it was
    /// read).
    pub fn validate(&self, errors: &mut Errors) {
        if self.features().next().is_none() {
            errors.push(syn::Error::new_spanned(
                self.ident,
                format!(
                    "a Features struct needs at least one feature: a field not marked #[{ATTR}(skip)]"
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
                        "duplicate feature name `{}`: field `{first}` already has it",
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
                        "duplicate level `{}`: variant `{first}` already has it",
                        level.name()
                    ),
                ));
            }
        }
    }
}
