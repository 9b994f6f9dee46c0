//! Typed tabular features.
//!
//! `#[derive(Features)]` on a struct with named fields describes each field once: its name,
//! whether it is numeric or categorical, its declared range, whether it may be missing and
//! whether it is a protected (sensitive) attribute. Everything that perturbs, searches or
//! encodes rows works through this description, so a feature name is checked by the compiler
//! (`Customer::TENURE`, never `"tenure"`) and a perturbation cannot leave the declared domain.
//!
//! Two views of a row exist side by side:
//!
//! - **typed handles**, [`Feature<R, T>`], one associated const per field, for code that knows
//!   the feature it wants (`Customer::TENURE.get(&row)` is an `&f64`);
//! - **dynamic values**, [`Value`], indexed by position in the [`Schema`], for generic
//!   machinery that walks every feature (noise, flip search, encoding).
//!
//! ```
//! use model_check::prelude::*;
//!
//! #[derive(Features, Clone, Debug)]
//! struct Customer {
//!     contract: String,
//!     #[features(range = 0..=72)]
//!     tenure: u32,
//!     monthly_charges: f64,
//!     total_charges: Option<f64>,
//!     #[features(protected)]
//!     female: bool,
//! }
//!
//! let mut c = Customer {
//!     contract: "Month-to-month".into(),
//!     tenure: 3,
//!     monthly_charges: 70.35,
//!     total_charges: None,
//!     female: true,
//! };
//! assert_eq!(*c.get(Customer::TENURE), 3);
//! c.set(Customer::TENURE, 12);
//! assert_eq!(c.value(Customer::TENURE.index()), Value::Number(12.0));
//! assert_eq!(c.value(Customer::TOTAL_CHARGES.index()), Value::Missing);
//!
//! let schema = Customer::schema();
//! assert_eq!(schema.len(), 5);
//! assert_eq!(schema.protected().map(|f| f.name()).collect::<Vec<_>>(), ["female"]);
//! assert_eq!(schema[Customer::TENURE.index()].range(), Some((0.0, 72.0)));
//! ```

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// How a numeric feature is stored in its struct field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberType {
    /// `f32` or `f64`.
    Float,
    /// Any primitive integer type.
    Integer,
    /// `bool`, seen by models as 0 or 1.
    Bool,
}

/// Whether a feature is a number or one of a set of categories.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A number, with an optional declared inclusive range.
    Numeric {
        /// The field's Rust number type.
        number: NumberType,
        /// `#[features(range = LO..=HI)]`, if declared.
        range: Option<(f64, f64)>,
    },
    /// A category. `levels` lists the declared levels (a field-less enum); it is empty for
    /// open sets such as `String` fields, whose levels are learned from data.
    Categorical {
        /// Declared levels, in declaration order; empty when open.
        levels: &'static [&'static str],
    },
}

/// The description of one feature: name, kind, and flags.
///
/// Built by `#[derive(Features)]` with the `const` constructors below.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeatureSpec {
    name: &'static str,
    field: &'static str,
    kind: Kind,
    optional: bool,
    protected: bool,
}

impl FeatureSpec {
    /// A numeric feature.
    pub const fn numeric(name: &'static str, number: NumberType) -> Self {
        FeatureSpec {
            name,
            field: name,
            kind: Kind::Numeric {
                number,
                range: None,
            },
            optional: false,
            protected: false,
        }
    }

    /// A categorical feature; pass an empty slice for an open set of levels.
    pub const fn categorical(name: &'static str, levels: &'static [&'static str]) -> Self {
        FeatureSpec {
            name,
            field: name,
            kind: Kind::Categorical { levels },
            optional: false,
            protected: false,
        }
    }

    /// Declares the inclusive range of a numeric feature.
    ///
    /// # Panics
    ///
    /// In const evaluation (a compile error for derived schemas) when the feature is
    /// categorical or when `lo > hi`.
    pub const fn with_range(mut self, lo: f64, hi: f64) -> Self {
        assert!(lo <= hi, "a feature range needs LO <= HI");
        match self.kind {
            Kind::Numeric { number, .. } => {
                self.kind = Kind::Numeric {
                    number,
                    range: Some((lo, hi)),
                };
                self
            }
            Kind::Categorical { .. } => panic!("a categorical feature cannot have a range"),
        }
    }

    /// Names the Rust field that holds the feature, when it differs from the feature's name
    /// (`#[features(rename = "Age")] age: u32`). Loaders use it to hand the column called
    /// [`name`](Self::name) to the field.
    ///
    /// ```
    /// use model_check::data::{FeatureSpec, NumberType};
    ///
    /// let spec = FeatureSpec::numeric("Age", NumberType::Integer).with_field("age");
    /// assert_eq!((spec.name(), spec.field()), ("Age", "age"));
    /// assert_eq!(FeatureSpec::numeric("tenure", NumberType::Float).field(), "tenure");
    /// ```
    pub const fn with_field(mut self, field: &'static str) -> Self {
        self.field = field;
        self
    }

    /// Marks the feature as possibly missing (an `Option` field).
    pub const fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// Marks the feature as a protected (sensitive) attribute.
    pub const fn protected(mut self) -> Self {
        self.protected = true;
        self
    }

    /// The feature's name as it appears in data files and reports.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The Rust field that holds the feature (without `r#`); the feature's name unless
    /// renamed.
    pub const fn field(&self) -> &'static str {
        self.field
    }

    /// Numeric or categorical, with range or levels.
    pub const fn kind(&self) -> Kind {
        self.kind
    }

    /// Whether the feature is numeric.
    pub const fn is_numeric(&self) -> bool {
        matches!(self.kind, Kind::Numeric { .. })
    }

    /// Whether the feature is categorical.
    pub const fn is_categorical(&self) -> bool {
        matches!(self.kind, Kind::Categorical { .. })
    }

    /// The declared range of a numeric feature.
    pub const fn range(&self) -> Option<(f64, f64)> {
        match self.kind {
            Kind::Numeric { range, .. } => range,
            Kind::Categorical { .. } => None,
        }
    }

    /// The declared levels of a categorical feature (empty when open or numeric).
    pub const fn levels(&self) -> &'static [&'static str] {
        match self.kind {
            Kind::Categorical { levels } => levels,
            Kind::Numeric { .. } => &[],
        }
    }

    /// Whether the value may be missing.
    pub const fn is_optional(&self) -> bool {
        self.optional
    }

    /// Whether this is a protected (sensitive) attribute.
    pub const fn is_protected(&self) -> bool {
        self.protected
    }
}

/// The ordered list of a row type's features.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features)]
/// struct Point { x: f64, label: String }
///
/// let schema = Point::schema();
/// assert_eq!(schema.index_of("label"), Some(1));
/// assert!(schema[0].is_numeric());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schema {
    features: &'static [FeatureSpec],
    fields: &'static [&'static str],
}

impl Schema {
    /// Wraps a static list of feature descriptions.
    pub const fn new(features: &'static [FeatureSpec]) -> Self {
        Schema {
            features,
            fields: &[],
        }
    }

    /// Lists every field of the row struct in declaration order, `#[features(skip)]` fields
    /// included (the derive does this). Loaders use it to line serde's field names up with
    /// the features; without it they match by name only.
    ///
    /// ```
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features)]
    /// struct Row {
    ///     #[features(skip)]
    ///     id: String,
    ///     #[features(rename = "Age")]
    ///     age: u32,
    /// }
    ///
    /// assert_eq!(Row::schema().fields(), ["id", "age"]);
    /// assert_eq!(Row::schema()[0].field(), "age");
    /// # let _ = Row { id: String::new(), age: 0 }.id;
    /// ```
    pub const fn with_fields(mut self, fields: &'static [&'static str]) -> Self {
        self.fields = fields;
        self
    }

    /// Every field of the row struct in declaration order, skipped fields included; empty
    /// when the schema was built without [`with_fields`](Self::with_fields).
    pub const fn fields(&self) -> &'static [&'static str] {
        self.fields
    }

    /// The number of features.
    pub const fn len(&self) -> usize {
        self.features.len()
    }

    /// Whether there are no features.
    pub const fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// The features in declaration order.
    pub fn iter(&self) -> std::slice::Iter<'static, FeatureSpec> {
        self.features.iter()
    }

    /// The position of the feature called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.features.iter().position(|f| f.name == name)
    }

    /// The protected features.
    pub fn protected(&self) -> impl Iterator<Item = &'static FeatureSpec> + use<> {
        self.features.iter().filter(|f| f.protected)
    }

    /// The feature names in order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.features.iter().map(|f| f.name)
    }
}

impl std::ops::Index<usize> for Schema {
    type Output = FeatureSpec;
    fn index(&self, index: usize) -> &FeatureSpec {
        &self.features[index]
    }
}

impl IntoIterator for &Schema {
    type Item = &'static FeatureSpec;
    type IntoIter = std::slice::Iter<'static, FeatureSpec>;
    fn into_iter(self) -> Self::IntoIter {
        self.features.iter()
    }
}

/// One feature's value, seen dynamically.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A numeric value (`bool` is 0 or 1).
    Number(f64),
    /// A categorical level.
    Category(Cow<'static, str>),
    /// A missing value of an optional feature.
    Missing,
}

impl Value {
    /// The number, if this is a numeric value.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(x) => Some(*x),
            _ => None,
        }
    }

    /// The level, if this is a categorical value.
    pub fn as_category(&self) -> Option<&str> {
        match self {
            Value::Category(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(x) => write!(f, "{x}"),
            Value::Category(s) => write!(f, "{s:?}"),
            Value::Missing => f.write_str("missing"),
        }
    }
}

/// A value that does not fit a feature.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueError {
    feature: &'static str,
    value: Value,
    reason: &'static str,
}

impl ValueError {
    /// A value that does not fit, and why; for `FeatureValue` implementations of user types.
    /// The derived code attaches the feature's name.
    pub fn new(value: Value, reason: &'static str) -> Self {
        ValueError {
            feature: "",
            value,
            reason,
        }
    }

    /// The feature that rejected the value.
    pub fn feature(&self) -> &'static str {
        self.feature
    }

    /// The rejected value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Attaches the feature name to an error raised by a [`FeatureValue`] conversion.
    pub fn for_feature(mut self, feature: &'static str) -> Self {
        self.feature = feature;
        self
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "feature `{}` cannot take the value {}: {}",
            self.feature, self.value, self.reason
        )
    }
}

impl std::error::Error for ValueError {}

fn reject<T>(value: Value, reason: &'static str) -> Result<T, ValueError> {
    Err(ValueError {
        feature: "",
        value,
        reason,
    })
}

/// A type that can be a feature: converts to and from a [`Value`].
///
/// Implemented for the primitive numbers, `bool`, `String`, `Option` of these, and, through
/// `#[derive(Categorical)]`, field-less enums.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a feature",
    note = "features are numbers, bool, String, #[derive(Categorical)] enums, or Option of these; mark other fields #[features(skip)]"
)]
pub trait FeatureValue: Sized {
    /// This value seen dynamically.
    fn to_value(&self) -> Value;
    /// This value's level, borrowed, when it is a category that can be read without a
    /// copy: `Some(Some(level))`, `Some(None)` when missing; `None` when it cannot (a
    /// number, or a category that must be built), and [`to_value`](Self::to_value) says.
    fn category(&self) -> Option<Option<&str>> {
        None
    }
    /// Converts back; fails when the value does not fit the type (a fraction into an integer,
    /// a level into a number, a missing value into a required field).
    fn from_value(value: Value) -> Result<Self, ValueError>;
}

impl FeatureValue for f64 {
    fn to_value(&self) -> Value {
        Value::Number(*self)
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Number(x) => Ok(x),
            other => reject(other, "expected a number"),
        }
    }
}

impl FeatureValue for f32 {
    fn to_value(&self) -> Value {
        Value::Number(f64::from(*self))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Number(x) if x.is_finite() && x.abs() <= f64::from(f32::MAX) => Ok(x as f32),
            Value::Number(_) => reject(value, "outside the range of f32"),
            other => reject(other, "expected a number"),
        }
    }
}

macro_rules! int_feature {
    ($($t:ty),*) => {$(
        impl FeatureValue for $t {
            fn to_value(&self) -> Value {
                Value::Number(*self as f64)
            }
            fn from_value(value: Value) -> Result<Self, ValueError> {
                match value {
                    // Through i128, which holds every value of every type here exactly, so the
                    // bounds are exact (`i64::MAX as f64` rounds up to 2^63).
                    Value::Number(x)
                        if x.fract() == 0.0
                            && x.abs() < 1e38
                            && (<$t>::MIN as i128..=<$t>::MAX as i128).contains(&(x as i128)) =>
                    {
                        Ok(x as $t)
                    }
                    Value::Number(_) => reject(value, concat!("not a whole number in the range of ", stringify!($t))),
                    other => reject(other, "expected a number"),
                }
            }
        }

        impl CategoryCode for $t {
            fn to_category(&self) -> Value {
                Value::Category(Cow::Owned(self.to_string()))
            }
            fn from_category(value: Value) -> Result<Self, ValueError> {
                match &value {
                    Value::Category(s) => match s.parse::<$t>() {
                        Ok(x) => Ok(x),
                        Err(_) => reject(value, concat!("not a level of this ", stringify!($t), " category code")),
                    },
                    _ => reject(value, "expected a category"),
                }
            }
        }
    )*};
}
int_feature!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl FeatureValue for bool {
    fn to_value(&self) -> Value {
        Value::Number(if *self { 1.0 } else { 0.0 })
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Number(0.0) => Ok(false),
            Value::Number(1.0) => Ok(true),
            Value::Number(_) => reject(value, "a boolean feature is 0 or 1"),
            other => reject(other, "expected a number"),
        }
    }
}

impl CategoryCode for bool {
    fn to_category(&self) -> Value {
        Value::Category(Cow::Borrowed(if *self { "true" } else { "false" }))
    }
    fn from_category(value: Value) -> Result<Self, ValueError> {
        match value.as_category() {
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            _ => reject(value, "a boolean category is \"true\" or \"false\""),
        }
    }
}

impl FeatureValue for String {
    fn to_value(&self) -> Value {
        Value::Category(Cow::Owned(self.clone()))
    }
    fn category(&self) -> Option<Option<&str>> {
        Some(Some(self))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Category(s) => Ok(s.into_owned()),
            other => reject(other, "expected a category"),
        }
    }
}

impl<T: FeatureValue> FeatureValue for Option<T> {
    fn category(&self) -> Option<Option<&str>> {
        match self {
            None => Some(None),
            Some(value) => value.category(),
        }
    }
    fn to_value(&self) -> Value {
        match self {
            Some(x) => x.to_value(),
            None => Value::Missing,
        }
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Missing => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// A number or `bool` used as a category code (`#[features(categorical)]` on such a field):
/// its levels are the decimal spellings of its values.
pub trait CategoryCode: Sized {
    /// The code as a categorical value.
    fn to_category(&self) -> Value;
    /// Parses a categorical value back into the code.
    fn from_category(value: Value) -> Result<Self, ValueError>;
}

impl<T: CategoryCode> CategoryCode for Option<T> {
    fn to_category(&self) -> Value {
        match self {
            Some(x) => x.to_category(),
            None => Value::Missing,
        }
    }
    fn from_category(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Missing => Ok(None),
            other => T::from_category(other).map(Some),
        }
    }
}

/// A field-less enum used as a categorical feature; implemented by `#[derive(Categorical)]`.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Categorical, Clone, Copy, Debug, PartialEq)]
/// enum Contract {
///     #[features(rename = "Month-to-month")]
///     MonthToMonth,
///     #[features(rename = "One year")]
///     OneYear,
///     #[features(rename = "Two year")]
///     TwoYear,
/// }
///
/// assert_eq!(Contract::LEVELS, ["Month-to-month", "One year", "Two year"]);
/// assert_eq!(Contract::OneYear.level(), "One year");
/// assert_eq!(Contract::from_level("Two year"), Some(Contract::TwoYear));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a categorical feature type",
    note = "add #[derive(Categorical)] to the enum, or mark the field #[features(skip)]"
)]
pub trait Categorical: Sized + 'static {
    /// Every level's name, in declaration order.
    const LEVELS: &'static [&'static str];
    /// This value's level name.
    fn level(&self) -> &'static str;
    /// The value whose level is called `name`.
    fn from_level(name: &str) -> Option<Self>;
}

/// Converts a categorical enum to a [`Value`]; used by derived code.
#[doc(hidden)]
pub fn categorical_to_value<C: Categorical>(c: &C) -> Value {
    Value::Category(Cow::Borrowed(c.level()))
}

/// Converts a [`Value`] to a categorical enum; used by derived code.
#[doc(hidden)]
pub fn categorical_from_value<C: Categorical>(value: Value) -> Result<C, ValueError> {
    match &value {
        Value::Category(s) => match C::from_level(s) {
            Some(c) => Ok(c),
            None => reject(value, "not one of the declared levels"),
        },
        _ => reject(value, "expected a category"),
    }
}

/// A struct whose fields are features; implemented by `#[derive(Features)]`.
///
/// See the [module documentation](self) for an example.
pub trait Features: Sized {
    /// The description of every feature, in field order (skipped fields excluded).
    const SCHEMA: Schema;

    /// The description of every feature.
    fn schema() -> Schema {
        Self::SCHEMA
    }

    /// The value of the feature at `index` in the schema.
    ///
    /// # Panics
    ///
    /// When `index` is out of bounds for the schema; indices come from the schema or from a
    /// typed handle.
    fn value(&self, index: usize) -> Value;

    /// The level of the categorical feature at `index`, borrowed, when it can be read
    /// without a copy (what cohorts compare, row after row): `Some(Some(level))`,
    /// `Some(None)` when missing, `None` when only [`value`](Self::value) can say (the
    /// default; `#[derive(Features)]` implements it for text and enum fields).
    fn category(&self, index: usize) -> Option<Option<&str>> {
        let _ = index;
        None
    }

    /// Sets the feature at `index` from a dynamic value; fails, changing nothing, when the
    /// value does not fit the field.
    ///
    /// # Panics
    ///
    /// When `index` is out of bounds for the schema.
    fn set_value(&mut self, index: usize, value: Value) -> Result<(), ValueError>;

    /// Reads a feature through its typed handle.
    fn get<T>(&self, feature: Feature<Self, T>) -> &T {
        (feature.get)(self)
    }

    /// Writes a feature through its typed handle.
    fn set<T>(&mut self, feature: Feature<Self, T>, value: T) {
        *(feature.get_mut)(self) = value;
    }

    /// Every feature's value, in schema order.
    fn values(&self) -> Vec<Value> {
        (0..Self::SCHEMA.len()).map(|i| self.value(i)).collect()
    }
}

/// A typed handle on one feature of the row type `R`, whose field has type `T`.
///
/// Generated by `#[derive(Features)]` as an associated const per field, named after the
/// field in upper case (`Customer::MONTHLY_CHARGES`).
pub struct Feature<R, T> {
    index: usize,
    get: fn(&R) -> &T,
    get_mut: fn(&mut R) -> &mut T,
    _row: PhantomData<fn(&R) -> &T>,
}

impl<R, T> Feature<R, T> {
    /// A handle on the feature at `index` of `R`'s schema; used by derived code.
    #[doc(hidden)]
    pub const fn new(index: usize, get: fn(&R) -> &T, get_mut: fn(&mut R) -> &mut T) -> Self {
        Feature {
            index,
            get,
            get_mut,
            _row: PhantomData,
        }
    }

    /// The position of this feature in the schema.
    pub const fn index(&self) -> usize {
        self.index
    }

    /// Reads the feature of `row`.
    pub fn get<'r>(&self, row: &'r R) -> &'r T {
        (self.get)(row)
    }

    /// Writes the feature of `row`.
    pub fn set(&self, row: &mut R, value: T) {
        *(self.get_mut)(row) = value;
    }
}

impl<R: Features, T> Feature<R, T> {
    /// This feature's description.
    pub fn spec(&self) -> &'static FeatureSpec {
        let schema = R::SCHEMA;
        &schema.features[self.index]
    }

    /// This feature's name.
    pub fn name(&self) -> &'static str {
        self.spec().name()
    }
}

impl<R, T> Clone for Feature<R, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R, T> Copy for Feature<R, T> {}

impl<R: Features, T> fmt::Debug for Feature<R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Feature")
            .field("name", &self.name())
            .field("index", &self.index)
            .finish()
    }
}

impl<R, T> PartialEq for Feature<R, T> {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}

impl<R, T> Eq for Feature<R, T> {}
