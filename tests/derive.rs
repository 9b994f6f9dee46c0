//! `#[derive(Features)]` and `#[derive(Categorical)]` end to end: the schema they declare,
//! the typed handles, and dynamic reads and writes for every kind of field.
//!
//! Expected values come from the attributes written below and from the `Features` contract
//! (`model_check::data::features`), never from the derive's own output.

use std::borrow::Cow;

use model_check::data::{FeatureValue, Kind, NumberType, ValueError};
use model_check::prelude::*;

#[derive(Categorical, Clone, Copy, Debug, PartialEq)]
enum Contract {
    #[features(rename = "Month-to-month")]
    MonthToMonth,
    #[features(rename = "One year")]
    OneYear,
    TwoYear,
}

#[derive(Categorical, Clone, Copy, Debug, PartialEq)]
enum Payment {
    Check,
    r#Card,
    #[features(rename = "Bank transfer")]
    Transfer,
}

mod rows {
    use super::{Contract, Payment};
    use model_check::prelude::*;

    /// One field per kind of feature the derive supports.
    #[derive(Features, Clone, Debug, PartialEq)]
    pub struct Customer {
        pub contract: Contract,
        #[features(range = 0..=72)]
        pub tenure: u32,
        pub monthly_charges: f64,
        pub total_charges: Option<f64>,
        #[features(protected, rename = "gender_female")]
        pub female: bool,
        pub payment: Option<Payment>,
        pub city: String,
        pub region: Option<String>,
        #[features(categorical)]
        pub senior: bool,
        #[features(categorical)]
        pub zip: u32,
        #[features(categorical)]
        pub segment: Option<u8>,
        #[features(skip)]
        pub customer_id: Vec<u8>,
        pub r#type: i8,
        #[features(range = -1.5..=2.5)]
        pub score: f32,
        #[features(protected)]
        #[features(range = 18..=99)]
        pub age: Option<u16>,
        pub(crate) visits: std::option::Option<i64>,
    }
}

use rows::Customer;

fn customer() -> Customer {
    Customer {
        contract: Contract::OneYear,
        tenure: 12,
        monthly_charges: 70.25,
        total_charges: None,
        female: true,
        payment: Some(Payment::Transfer),
        city: "Lyon".into(),
        region: None,
        senior: false,
        zip: 69001,
        segment: Some(3),
        customer_id: vec![7, 1],
        r#type: -4,
        score: 0.5,
        age: Some(41),
        visits: None,
    }
}

fn category(level: &str) -> Value {
    Value::Category(Cow::Owned(level.to_owned()))
}

/// The error `set_value` returns for `value` at the feature called `name`.
fn set_error(name: &str, value: Value) -> ValueError {
    let mut row = customer();
    let index = Customer::schema()
        .index_of(name)
        .expect("a feature of Customer");
    let error = row
        .set_value(index, value)
        .expect_err("the value does not fit");
    assert_eq!(row, customer(), "a failed set_value changes nothing");
    error
}

#[test]
fn schema_lists_features_in_field_order_without_skipped_fields() {
    let names: Vec<_> = Customer::schema().names().collect();
    assert_eq!(
        names,
        [
            "contract",
            "tenure",
            "monthly_charges",
            "total_charges",
            "gender_female",
            "payment",
            "city",
            "region",
            "senior",
            "zip",
            "segment",
            "type",
            "score",
            "age",
            "visits",
        ]
    );
    assert_eq!(Customer::SCHEMA.len(), 15);
    assert_eq!(Customer::schema().index_of("customer_id"), None);
}

#[test]
fn schema_names_the_rust_field_of_each_feature_and_every_field() {
    let schema = Customer::schema();
    // A renamed feature keeps its field's name, for loaders to map the column to it.
    let female = &schema[schema.index_of("gender_female").unwrap()];
    assert_eq!((female.name(), female.field()), ("gender_female", "female"));
    let kind = &schema[schema.index_of("type").unwrap()];
    assert_eq!(kind.field(), "type", "without r#");
    assert!(
        schema
            .iter()
            .filter(|f| f.name() != "gender_female")
            .all(|f| f.name() == f.field())
    );
    // Every field in declaration order, the skipped one included.
    assert_eq!(
        schema.fields(),
        [
            "contract",
            "tenure",
            "monthly_charges",
            "total_charges",
            "female",
            "payment",
            "city",
            "region",
            "senior",
            "zip",
            "segment",
            "customer_id",
            "type",
            "score",
            "age",
            "visits",
        ]
    );
}

#[test]
fn numeric_fields_declare_their_number_type_and_range() {
    let schema = Customer::schema();
    let numeric = |name: &str| schema[schema.index_of(name).unwrap()].kind();
    let float = NumberType::Float;
    let integer = NumberType::Integer;
    let cases = [
        ("tenure", integer, Some((0.0, 72.0))),
        ("monthly_charges", float, None),
        ("total_charges", float, None),
        ("gender_female", NumberType::Bool, None),
        ("type", integer, None),
        ("score", float, Some((-1.5, 2.5))),
        ("age", integer, Some((18.0, 99.0))),
        ("visits", integer, None),
    ];
    for (name, number, range) in cases {
        assert_eq!(numeric(name), Kind::Numeric { number, range }, "{name}");
    }
}

#[test]
fn categorical_fields_declare_their_levels() {
    let schema = Customer::schema();
    let levels = |name: &str| {
        let spec = schema[schema.index_of(name).unwrap()];
        assert!(spec.is_categorical(), "{name} is categorical");
        assert_eq!(spec.range(), None);
        spec.levels()
    };
    assert_eq!(
        levels("contract"),
        ["Month-to-month", "One year", "TwoYear"]
    );
    assert_eq!(levels("payment"), ["Check", "Card", "Bank transfer"]);
    for open in ["city", "region", "senior", "zip", "segment"] {
        assert_eq!(levels(open), [] as [&str; 0], "{open} has open levels");
    }
}

#[test]
fn option_fields_are_optional_and_protected_fields_are_flagged() {
    let schema = Customer::schema();
    let optional: Vec<_> = schema
        .iter()
        .filter(|f| f.is_optional())
        .map(|f| f.name())
        .collect();
    assert_eq!(
        optional,
        [
            "total_charges",
            "payment",
            "region",
            "segment",
            "age",
            "visits"
        ]
    );
    let protected: Vec<_> = schema.protected().map(|f| f.name()).collect();
    assert_eq!(protected, ["gender_female", "age"]);
}

#[test]
fn handles_carry_the_schema_index_and_feature_name() {
    assert_eq!(Customer::CONTRACT.index(), 0);
    assert_eq!(Customer::TENURE.index(), 1);
    assert_eq!(Customer::MONTHLY_CHARGES.index(), 2);
    assert_eq!(Customer::FEMALE.name(), "gender_female");
    // The handle of `r#type` is `TYPE`; the feature is `type`.
    assert_eq!(Customer::TYPE.index(), 11);
    assert_eq!(Customer::TYPE.name(), "type");
    // Indices count features only: the skipped field before `r#type` takes none.
    assert_eq!(Customer::VISITS.index(), 14);
    assert_eq!(
        format!("{:?}", Customer::SCORE),
        r#"Feature { name: "score", index: 12 }"#
    );
    for (index, spec) in Customer::schema().iter().enumerate() {
        assert_eq!(Customer::schema().index_of(spec.name()), Some(index));
    }
}

#[test]
fn handles_read_and_write_typed_fields() {
    let mut row = customer();
    assert_eq!(*row.get(Customer::TENURE), 12);
    assert_eq!(*Customer::CONTRACT.get(&row), Contract::OneYear);
    assert_eq!(row.get(Customer::CITY), "Lyon");

    row.set(Customer::TENURE, 30);
    Customer::PAYMENT.set(&mut row, None);
    row.set(Customer::TYPE, 9);
    Customer::TOTAL_CHARGES.set(&mut row, Some(1024.5));

    assert_eq!(row.tenure, 30);
    assert_eq!(row.payment, None);
    assert_eq!(row.r#type, 9);
    assert_eq!(row.total_charges, Some(1024.5));
}

#[test]
fn value_reads_every_kind_of_field() {
    let row = customer();
    let value = |feature: usize| row.value(feature);
    assert_eq!(value(Customer::CONTRACT.index()), category("One year"));
    assert_eq!(value(Customer::TENURE.index()), Value::Number(12.0));
    assert_eq!(
        value(Customer::MONTHLY_CHARGES.index()),
        Value::Number(70.25)
    );
    assert_eq!(value(Customer::TOTAL_CHARGES.index()), Value::Missing);
    assert_eq!(value(Customer::FEMALE.index()), Value::Number(1.0));
    assert_eq!(value(Customer::PAYMENT.index()), category("Bank transfer"));
    assert_eq!(value(Customer::CITY.index()), category("Lyon"));
    assert_eq!(value(Customer::REGION.index()), Value::Missing);
    // Category codes read as their decimal spelling.
    assert_eq!(value(Customer::SENIOR.index()), category("false"));
    assert_eq!(value(Customer::ZIP.index()), category("69001"));
    assert_eq!(value(Customer::SEGMENT.index()), category("3"));
    assert_eq!(value(Customer::TYPE.index()), Value::Number(-4.0));
    assert_eq!(value(Customer::SCORE.index()), Value::Number(0.5));
    assert_eq!(value(Customer::AGE.index()), Value::Number(41.0));
    assert_eq!(value(Customer::VISITS.index()), Value::Missing);
    assert_eq!(row.values().len(), 15);
    assert_eq!(row.values()[1], Value::Number(12.0));
}

#[test]
fn set_value_writes_every_kind_of_field() {
    let mut row = customer();
    let writes = [
        (Customer::CONTRACT.index(), category("Month-to-month")),
        (Customer::TENURE.index(), Value::Number(72.0)),
        (Customer::MONTHLY_CHARGES.index(), Value::Number(19.5)),
        (Customer::TOTAL_CHARGES.index(), Value::Number(8684.8)),
        (Customer::FEMALE.index(), Value::Number(0.0)),
        (Customer::PAYMENT.index(), Value::Missing),
        (Customer::CITY.index(), category("Nantes")),
        (Customer::REGION.index(), category("Pays de la Loire")),
        (Customer::SENIOR.index(), category("true")),
        (Customer::ZIP.index(), category("44000")),
        (Customer::SEGMENT.index(), Value::Missing),
        (Customer::TYPE.index(), Value::Number(-128.0)),
        (Customer::SCORE.index(), Value::Number(2.5)),
        (Customer::AGE.index(), Value::Missing),
        (Customer::VISITS.index(), Value::Number(3.0)),
    ];
    for (index, value) in &writes {
        row.set_value(*index, value.clone()).unwrap();
        assert_eq!(&row.value(*index), value, "round trip of feature {index}");
    }
    let expected = Customer {
        contract: Contract::MonthToMonth,
        tenure: 72,
        monthly_charges: 19.5,
        total_charges: Some(8684.8),
        female: false,
        payment: None,
        city: "Nantes".into(),
        region: Some("Pays de la Loire".into()),
        senior: true,
        zip: 44000,
        segment: None,
        customer_id: vec![7, 1],
        r#type: -128,
        score: 2.5,
        age: None,
        visits: Some(3),
    };
    assert_eq!(row, expected);
}

#[test]
fn set_value_rejects_a_value_of_the_wrong_kind() {
    let error = set_error("tenure", category("long"));
    assert_eq!(error.feature(), "tenure");
    assert_eq!(error.value(), &category("long"));
    assert_eq!(
        error.to_string(),
        r#"feature `tenure` cannot take the value "long": expected a number"#
    );

    let error = set_error("city", Value::Number(1.0));
    assert_eq!(
        error.to_string(),
        "feature `city` cannot take the value 1: expected a category"
    );
}

#[test]
fn set_value_rejects_a_fraction_or_out_of_type_number_in_an_integer() {
    let error = set_error("tenure", Value::Number(1.5));
    assert_eq!(error.feature(), "tenure");
    assert_eq!(
        error.to_string(),
        "feature `tenure` cannot take the value 1.5: not a whole number in the range of u32"
    );
    let error = set_error("type", Value::Number(128.0));
    assert_eq!(
        error.to_string(),
        "feature `type` cannot take the value 128: not a whole number in the range of i8"
    );
}

#[test]
fn set_value_rejects_an_undeclared_level() {
    let error = set_error("contract", category("Three year"));
    assert_eq!(error.feature(), "contract");
    assert_eq!(
        error.to_string(),
        r#"feature `contract` cannot take the value "Three year": not one of the declared levels"#
    );
    // Optional enums check levels too.
    let error = set_error("payment", category("Cash"));
    assert_eq!(error.feature(), "payment");
    let error = set_error("zip", category("69OO1"));
    assert_eq!(
        error.to_string(),
        r#"feature `zip` cannot take the value "69OO1": not a level of this u32 category code"#
    );
}

#[test]
fn set_value_rejects_missing_in_a_required_field() {
    let error = set_error("monthly_charges", Value::Missing);
    assert_eq!(error.feature(), "monthly_charges");
    assert_eq!(error.value(), &Value::Missing);
    assert_eq!(
        error.to_string(),
        "feature `monthly_charges` cannot take the value missing: expected a number"
    );
    let error = set_error("contract", Value::Missing);
    assert_eq!(
        error.to_string(),
        "feature `contract` cannot take the value missing: expected a category"
    );
}

#[test]
fn errors_name_the_renamed_feature() {
    let error = set_error("gender_female", Value::Number(2.0));
    assert_eq!(error.feature(), "gender_female");
    assert_eq!(
        error.to_string(),
        "feature `gender_female` cannot take the value 2: a boolean feature is 0 or 1"
    );
}

#[test]
#[should_panic(expected = "feature index 15 out of range for `Customer` (15 features)")]
fn value_panics_on_an_index_past_the_schema() {
    customer().value(15);
}

#[test]
#[should_panic(expected = "feature index 99 out of range for `Customer` (15 features)")]
fn set_value_panics_on_an_index_past_the_schema() {
    let _ = customer().set_value(99, Value::Missing);
}

#[test]
fn categorical_enums_list_and_parse_their_levels() {
    assert_eq!(Contract::LEVELS, ["Month-to-month", "One year", "TwoYear"]);
    assert_eq!(Contract::MonthToMonth.level(), "Month-to-month");
    assert_eq!(Contract::TwoYear.level(), "TwoYear");
    assert_eq!(Contract::from_level("One year"), Some(Contract::OneYear));
    assert_eq!(
        Contract::from_level("OneYear"),
        None,
        "the renamed level only"
    );
    // A raw variant name loses its `r#`.
    assert_eq!(Payment::Card.level(), "Card");
    assert_eq!(Payment::from_level("Card"), Some(Payment::Card));
}

#[test]
fn categorical_enums_convert_to_and_from_values() {
    assert_eq!(Contract::TwoYear.to_value(), category("TwoYear"));
    assert_eq!(
        Contract::from_value(category("One year")),
        Ok(Contract::OneYear)
    );
    assert_eq!(
        <Option<Payment>>::from_value(Value::Missing),
        Ok(None::<Payment>)
    );
    let error = Payment::from_value(Value::Number(1.0)).unwrap_err();
    assert_eq!(error.value(), &Value::Number(1.0));
}

#[test]
fn derives_compose_with_serde_and_local_types() {
    #[derive(Features, serde::Deserialize, Debug)]
    struct Reading {
        #[features(range = -40..=60, rename = "temperature_c")]
        #[serde(rename = "temp")]
        temperature: f64,
        #[serde(default)]
        #[features(skip)]
        note: Option<Vec<String>>,
    }

    let reading: Reading = serde_json::from_str(r#"{"temp": 21.5}"#).unwrap();
    assert_eq!(*reading.get(Reading::TEMPERATURE), 21.5);
    assert!(reading.note.is_none());
    assert_eq!(Reading::schema().len(), 1);
    assert_eq!(Reading::schema()[0].name(), "temperature_c");
    assert_eq!(Reading::schema()[0].range(), Some((-40.0, 60.0)));
}

#[test]
fn borrowed_categories_agree_with_values() {
    // Every feature: where `category` lends a level, it is `value`'s level (or missing);
    // where it cannot, `value` says.
    let mut c = customer();
    for round in 0..2 {
        for (i, spec) in Customer::SCHEMA.iter().enumerate() {
            match (c.category(i), c.value(i)) {
                (Some(Some(level)), Value::Category(v)) => assert_eq!(level, v, "{}", spec.name()),
                (Some(None), Value::Missing) => {}
                (None, _) => {}
                (lent, value) => panic!("{}: category {lent:?} but value {value:?}", spec.name()),
            }
        }
        // The text and enum features lend their levels.
        assert_eq!(c.category(Customer::CITY.index()), Some(Some("Lyon")));
        assert_eq!(
            c.category(Customer::CONTRACT.index()).map(|l| l.is_some()),
            Some(true)
        );
        assert_eq!(
            c.category(Customer::TENURE.index()),
            None,
            "a number lends nothing"
        );
        // Again with the optional ones present.
        if round == 0 {
            c.region = Some("Rhône".into());
            c.payment = None;
        }
    }
    assert_eq!(c.category(Customer::REGION.index()), Some(Some("Rhône")));
    assert_eq!(c.category(Customer::PAYMENT.index()), Some(None));
}
