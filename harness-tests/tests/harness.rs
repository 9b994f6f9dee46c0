//! Model tests run by `model_check::harness::main` (a `harness = false` target): the same
//! names and flags as libtest, so `cargo test --test harness` and
//! `cargo nextest run --test harness` list and run them alike.

use std::sync::LazyLock;

use model_check::prelude::*;

/// The Telco columns these tests read (`examples/data/telco_churn.csv`; other columns are
/// ignored).
#[derive(Features, serde::Deserialize, Debug, Clone)]
struct Customer {
    #[features(skip)]
    rownames: u32,
    #[features(protected)]
    senior_citizen: u8,
    contract: String,
}

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

static TELCO: LazyLock<Dataset<Customer>> = LazyLock::new(|| {
    Dataset::from_csv(
        format!("{ROOT}/examples/data/telco_churn.csv"),
        CsvOptions::classify("churn").id("rownames"),
    )
    .expect("telco loads")
});

/// scikit-learn's churn classifier, served from its committed predictions.
fn churn_model() -> impl Model<Input = Customer, Output = Probabilities> + 'static {
    PredictionTable::classifier_csv(
        ModelInfo::new("sklearn-logistic-regression", "oracle"),
        format!("{ROOT}/tests/oracles/telco_binary_predictions.csv"),
        "rownames",
    )
    .expect("the oracle predictions load")
    .keyed_by(|c: &Customer| c.rownames.to_string())
}

#[model_test(tags = ["smoke"])]
fn month_to_month_recall_is_at_least_half() -> Check {
    check(churn_model(), &*TELCO)
        .on(Cohort::category(Customer::CONTRACT, "Month-to-month"))
        .expect(recall("Yes").at_least(0.5))
}

mod fairness {
    use super::*;

    #[model_test(tags = ["fairness"])]
    fn senior_false_positive_rate_is_at_most_40_percent() -> Check {
        check(churn_model(), &*TELCO)
            .on(Cohort::equals(Customer::SENIOR_CITIZEN, 1))
            .expect(false_positive_rate("Yes").at_most(0.4))
    }
}

#[model_test(ignore = "fails on purpose: two-year customers' churn is missed")]
fn two_year_recall_is_at_least_half() -> Check {
    check(churn_model(), &*TELCO)
        .on(Cohort::category(Customer::CONTRACT, "Two year"))
        .expect(recall("Yes").at_least(0.5))
}

fn main() {
    model_check::harness::main()
}
