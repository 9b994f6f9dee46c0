//! Cohorts on the Telco data: composition, tags, and one pass with batched predictions.

mod common;

use std::cell::Cell;

use approx::assert_abs_diff_eq;
use common::{Customer, oracle, telco};
use model_check::cohort::{BATCH_SIZE, CohortError};
use model_check::model::{Model, ModelError, ModelInfo, Probabilities};
use model_check::prelude::*;

/// Wraps a model and counts its calls and the rows it was asked about.
struct Counting<M> {
    inner: M,
    calls: Cell<usize>,
    rows: Cell<usize>,
}

impl<M: Model> Model for Counting<M> {
    type Input = M::Input;
    type Output = M::Output;
    fn info(&self) -> &ModelInfo {
        self.inner.info()
    }
    fn predict(&self, batch: &[M::Input]) -> Result<Vec<M::Output>, ModelError> {
        self.calls.set(self.calls.get() + 1);
        self.rows.set(self.rows.get() + batch.len());
        self.inner.predict(batch)
    }
}

fn sklearn_churn_model() -> Counting<impl Model<Input = Customer, Output = Probabilities>> {
    let table = PredictionTable::classifier_csv(
        ModelInfo::new("sklearn-lr", "oracle"),
        oracle("telco_binary_predictions.csv"),
        "rownames",
    )
    .unwrap();
    Counting {
        inner: table.keyed_by(|c: &Customer| c.rownames.to_string()),
        calls: Cell::new(0),
        rows: Cell::new(0),
    }
}

#[test]
fn many_cohorts_cost_one_prediction_per_row() {
    let mut data = telco("churn");
    data.tag_where("fiber", |c| c.internet_service == "Fiber optic");
    let model = sklearn_churn_model();
    let monthly = Cohort::category(Customer::CONTRACT, "Month-to-month");
    let seniors = Cohort::equals(Customer::SENIOR_CITIZEN, 1);
    let cohorts = vec![
        Cohort::all(),
        monthly.clone(),
        seniors.clone(),
        Cohort::tag("fiber"),
        monthly.clone().and(seniors.clone()),
        monthly.clone().or(seniors.clone()),
        monthly.clone().not(),
        Cohort::range(Customer::TENURE, 12.0..=24.0),
        Cohort::range(Customer::TOTAL_CHARGES, ..),
    ];
    let results = evaluate_classifier(&model, &data, &cohorts).unwrap();
    assert_eq!(
        model.rows.get(),
        data.len(),
        "every row is predicted exactly once"
    );
    assert_eq!(
        model.calls.get(),
        data.len().div_ceil(BATCH_SIZE),
        "in batches"
    );

    // Each cohort's metrics equal those computed on the cohort's rows alone.
    for (cohort, result) in cohorts.iter().zip(&results) {
        let rows = cohort.rows(&data).unwrap();
        assert_eq!(result.n(), rows.len() as u64, "{}", cohort.name());
        let alone =
            evaluate_classifier(&model, &data.subset(&rows).unwrap(), &[Cohort::all()]).unwrap();
        let alone = &alone[0].metrics;
        assert_eq!(
            result.metrics.confusion_matrix(),
            alone.confusion_matrix(),
            "{}",
            cohort.name()
        );
        assert_abs_diff_eq!(
            result.metrics.log_loss().unwrap(),
            alone.log_loss().unwrap(),
            epsilon = 1e-12
        );
    }

    // Set algebra holds on the real data.
    let n = |i: usize| results[i].n();
    assert_eq!(n(0), 7043);
    assert_eq!(n(1), 3875, "month-to-month customers");
    assert_eq!(n(2), 1142, "senior citizens");
    assert_eq!(n(5), n(1) + n(2) - n(4), "|A or B| = |A| + |B| - |A and B|");
    assert_eq!(n(6), n(0) - n(1), "not A");
    assert_eq!(n(3), 3096, "fiber-optic customers, by tag");
    // The 11 customers without total charges lie in no range, not even an unbounded one.
    assert_eq!(n(8), 7043 - 11);
}

#[test]
fn cohort_names_read_like_their_rules() {
    let monthly = Cohort::<Customer>::category(Customer::CONTRACT, "Month-to-month");
    let seniors = Cohort::equals(Customer::SENIOR_CITIZEN, 1);
    assert_eq!(monthly.name(), "contract = Month-to-month");
    assert_eq!(seniors.name(), "senior_citizen = 1");
    assert_eq!(
        monthly.clone().and(seniors.clone().not()).name(),
        "contract = Month-to-month and not senior_citizen = 1"
    );
    assert_eq!(
        monthly
            .clone()
            .or(seniors.clone())
            .and(Cohort::tag("new"))
            .name(),
        "(contract = Month-to-month or senior_citizen = 1) and tag new"
    );
    assert_eq!(monthly.named("monthly").name(), "monthly");
    assert_eq!(
        Cohort::<Customer>::range(Customer::TENURE, 0.0..12.0).name(),
        "tenure in [0, 12)"
    );
}

#[test]
fn an_empty_cohort_has_undefined_rates_not_zero() {
    let data = telco("churn");
    let model = sklearn_churn_model();
    let nobody = Cohort::range(Customer::TENURE, 100.0..);
    let results = evaluate_classifier(&model, &data, &[nobody]).unwrap();
    let m = &results[0].metrics;
    assert_eq!(m.n(), 0);
    assert_eq!(m.accuracy().rate(), None);
    assert_eq!(m.accuracy().wilson(), None);
    assert_eq!(m.roc_auc(1), None);
    assert_eq!(m.log_loss(), None);
}

#[test]
fn tags_survive_sampling_and_subsets() {
    let mut data = telco("churn");
    data.tag_where("seniors", |c| c.senior_citizen == 1);
    let sample = data.sample(500, 11).unwrap();
    assert_eq!(sample.len(), 500);
    let seniors = sample.tag("seniors").unwrap();
    assert!(
        seniors
            .iter()
            .all(|&i| sample.rows()[i].senior_citizen == 1)
    );
    let expected = sample
        .rows()
        .iter()
        .filter(|c| c.senior_citizen == 1)
        .count();
    assert_eq!(seniors.len(), expected);
    // Ids follow their rows.
    for (i, row) in sample.rows().iter().enumerate() {
        assert_eq!(sample.id(i), Some(row.rownames.to_string().as_str()));
    }
    // The same seed draws the same customers.
    assert_eq!(data.sample(500, 11).unwrap().ids(), sample.ids());
}

// ---------------------------------------------------------------------------------------
// A level no row has is a typo, not an empty cohort (issue 10).

#[derive(Categorical, Clone, Copy, Debug, PartialEq)]
enum Plan {
    Basic,
    Plus,
    // Declared, and held by no row below.
    Enterprise,
}

#[derive(Features, Clone, Debug)]
struct Member {
    race: String,
    smoker: String,
    plan: Plan,
    age: f64,
}

fn members() -> Dataset<Member> {
    let member = |race: &str, smoker: &str, plan| Member {
        race: race.into(),
        smoker: smoker.into(),
        plan,
        age: 40.0,
    };
    Dataset::from_rows(
        vec![
            member("Asian", "yes", Plan::Basic),
            member("White", "no", Plan::Plus),
            member("Black", "no", Plan::Basic),
            member("White", "yes", Plan::Plus),
        ],
        Labels::classes(["Yes", "No", "No", "Yes"]).unwrap(),
    )
    .unwrap()
    .named("members")
}

fn coin() -> impl Model<Input = Member, Output = Probabilities> {
    Classifier::from_fn(
        ModelInfo::new("coin", "1"),
        ["No", "Yes"],
        |b: &[Member]| Ok(vec![vec![0.5, 0.5]; b.len()]),
    )
    .unwrap()
}

#[test]
fn a_level_absent_from_the_dataset_is_an_error_listing_the_levels_present() {
    let data = members();
    let err = Cohort::category(Member::RACE, "Asain")
        .rows(&data)
        .unwrap_err();
    assert!(
        matches!(
            err,
            CohortError::UnknownLevel(ref unknown)
                if unknown.levels == ["Asian", "Black", "White"]
                    && !unknown.declared
                    && unknown.suggestion.as_deref() == Some("Asian")
        ),
        "{err:?}"
    );
    assert_eq!(err.cohort(), "race = Asain");
    assert_eq!(
        err.to_string(),
        "cohort `race = Asain`: no row of dataset `members` has `race` = \"Asain\" \
         (levels present: Asian, Black, White); did you mean \"Asian\"?"
    );
    // A case or whitespace slip names the level as the data spells it.
    for (typed, meant) in [("Yes", "yes"), ("  yes ", "yes"), ("NO", "no")] {
        let err = Cohort::category(Member::SMOKER, typed)
            .rows(&data)
            .unwrap_err();
        assert!(
            err.to_string().ends_with(&format!(
                "(levels present: no, yes); did you mean {meant:?}?"
            )),
            "{err}"
        );
    }
    // Nothing near: the levels only.
    let err = Cohort::category(Member::RACE, "Other")
        .rows(&data)
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("(levels present: Asian, Black, White)"),
        "{err}"
    );
    // Inside a composite cohort, in evaluation and in a check.
    let typo = || Cohort::category(Member::RACE, "Asain");
    assert!(
        typo().not().rows(&data).is_err(),
        "not a typo is not every row"
    );
    assert!(
        Cohort::all()
            .and(typo().or(Cohort::all()))
            .rows(&data)
            .is_err()
    );
    let err = evaluate_classifier(&coin(), &data, &[Cohort::all(), typo()]).unwrap_err();
    assert!(
        matches!(err, EvalError::Cohort(CohortError::UnknownLevel(_))),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("cohort `race = Asain`: "),
        "{err}"
    );
    let report = check(coin(), data.clone())
        .on(typo())
        .expect(accuracy().at_least(0.5))
        .run(1);
    assert_eq!(report.outcomes[0].verdict, Verdict::Error);
    assert!(
        report.outcomes[0]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("did you mean \"Asian\"")),
        "{:?}",
        report.outcomes[0].note
    );
}

#[test]
fn a_declared_level_without_rows_is_an_empty_cohort_and_an_undeclared_one_an_error() {
    let data = members();
    let enterprise = Cohort::category(Member::PLAN, "Enterprise");
    assert_eq!(enterprise.rows(&data).unwrap(), Vec::<usize>::new());
    let report = evaluate_classifier(&coin(), &data, &[enterprise]).unwrap();
    assert_eq!(report[0].n(), 0);
    assert_eq!(report[0].metrics.accuracy().rate(), None);
    let err = Cohort::category(Member::PLAN, "plus")
        .rows(&data)
        .unwrap_err();
    assert!(
        matches!(err, CohortError::UnknownLevel(ref unknown) if unknown.declared),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "cohort `plan = plus`: \"plus\" is not a level of `plan` (levels: Basic, Plus, Enterprise); did you mean \"Plus\"?"
    );
}

#[test]
fn a_level_present_in_the_data_is_checked_on_the_whole_dataset_before_sampling() {
    // One Asian member of four: a sample of one row may hold none, and the cohort is
    // still a cohort (the check samples the cohort's rows, not the dataset).
    let data = members();
    for seed in 0..8 {
        let report = check(coin(), data.clone())
            .on(Cohort::category(Member::RACE, "Asian"))
            .sample(1)
            .expect(accuracy().at_least(0.0))
            .run(seed);
        assert_ne!(report.outcomes[0].verdict, Verdict::Error, "{report:?}");
    }
    // The Telco contracts, as the data spells them.
    let telco = telco("churn");
    let err = Cohort::category(Customer::CONTRACT, "Month to month")
        .rows(&telco)
        .unwrap_err();
    assert!(
        err.to_string().ends_with(
            "(levels present: Month-to-month, One year, Two year); did you mean \"Month-to-month\"?"
        ),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// One cohort per level (issue 10).

#[test]
fn each_level_of_a_feature_is_a_cohort_evaluated_in_one_pass() {
    let data = telco("churn");
    let model = sklearn_churn_model();
    let contracts = Cohort::each(Customer::CONTRACT, &data).unwrap();
    let names: Vec<&str> = contracts.iter().map(Cohort::name).collect();
    assert_eq!(
        names,
        [
            "contract = Month-to-month",
            "contract = One year",
            "contract = Two year"
        ],
        "the levels present, sorted, named as Cohort::category names them"
    );
    let report = evaluate_classifier(&model, &data, &contracts).unwrap();
    assert_eq!(model.rows.get(), data.len(), "one pass");
    for (result, level) in report
        .iter()
        .zip(["Month-to-month", "One year", "Two year"])
    {
        let n = data.rows().iter().filter(|c| c.contract == level).count();
        assert_eq!(result.n(), n as u64, "{level}");
    }
    assert_eq!(report[0].n(), 3875);
    assert_eq!(
        report.iter().map(|r| r.n()).sum::<u64>(),
        data.len() as u64,
        "the levels partition the rows"
    );
}

#[test]
fn each_uses_declared_levels_in_order_and_refuses_numeric_features() {
    let data = members();
    // Declared levels, in declaration order, with or without rows.
    let plans = Cohort::each(Member::PLAN, &data).unwrap();
    let names: Vec<&str> = plans.iter().map(Cohort::name).collect();
    assert_eq!(names, ["plan = Basic", "plan = Plus", "plan = Enterprise"]);
    let report = evaluate_classifier(&coin(), &data, &plans).unwrap();
    assert_eq!(report.iter().map(|r| r.n()).collect::<Vec<_>>(), [2, 2, 0]);
    // Levels found in one dataset and absent from another are empty there, not typos.
    let races = Cohort::each(Member::RACE, &data).unwrap();
    assert_eq!(
        races.iter().map(Cohort::name).collect::<Vec<_>>(),
        ["race = Asian", "race = Black", "race = White"]
    );
    let whites = data.subset(&[1, 3]).unwrap();
    let report = evaluate_classifier(&coin(), &whites, &races).unwrap();
    assert_eq!(report.iter().map(|r| r.n()).collect::<Vec<_>>(), [0, 0, 2]);
    let err = Cohort::each(Member::AGE, &data).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cohort `each level of age`: feature `age` is numeric; select it with Cohort::range"
    );
}

#[test]
fn cohort_masks_kept_with_the_dataset_select_what_a_row_filter_selects() {
    // Masks of structural cohorts are computed once per dataset and kept (up to a limit):
    // asking again, asking for overlapping composites, and asking for more cohorts than are
    // kept must all select exactly the rows a plain filter over the rows selects.
    let data = telco("churn");
    let filter = |f: &dyn Fn(&Customer) -> bool| -> Vec<usize> {
        (0..data.len()).filter(|&i| f(&data.rows()[i])).collect()
    };
    let contracts = ["Month-to-month", "One year", "Two year"];
    for round in 0..2 {
        for (c, contract) in contracts.iter().enumerate() {
            for lo in (0..72).step_by(3) {
                let hi = lo + 12 + c as u32;
                let cohort = Cohort::category(Customer::CONTRACT, *contract)
                    .and(Cohort::range(Customer::TENURE, lo as f64..hi as f64))
                    .or(Cohort::category(Customer::INTERNET_SERVICE, "No").not());
                let expected = filter(&|x: &Customer| {
                    (x.contract == *contract && (lo..hi).contains(&x.tenure))
                        || x.internet_service != "No"
                });
                assert_eq!(
                    cohort.rows(&data).unwrap(),
                    expected,
                    "round {round}: {}",
                    cohort.name()
                );
            }
        }
    }
    // A predicate is never kept: two predicates over the same feature differ.
    let short = Cohort::predicate("short", |x: &Customer| x.tenure < 6);
    let long = Cohort::predicate("short", |x: &Customer| x.tenure > 60);
    assert_eq!(
        short.rows(&data).unwrap(),
        filter(&|x: &Customer| x.tenure < 6)
    );
    assert_eq!(
        long.rows(&data).unwrap(),
        filter(&|x: &Customer| x.tenure > 60)
    );
}
