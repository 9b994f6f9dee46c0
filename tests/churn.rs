//! End to end: what model-check finds in the churn example's real model (a smartcore
//! logistic regression on the Telco data, seeded split), asserted so that a change in the
//! framework or the model that alters a finding is caught.

// The test uses the model and the test split; the example also prints the rest.
#[allow(dead_code)]
#[path = "../examples/churn/model.rs"]
mod model;

use std::sync::LazyLock;

use model::{Customer, train};
use model_check::prelude::*;
use model_check::search::FlipSearch;

type Churn = Box<dyn Model<Input = Customer, Output = Probabilities> + Send + Sync>;

static TRAINED: LazyLock<(Churn, Dataset<Customer>)> = LazyLock::new(|| {
    let trained = train().expect("the churn model trains");
    (Box::new(trained.model), trained.test)
});

fn outcome(check: Check) -> Outcome {
    check.run(7).outcomes.remove(0)
}

fn on_test() -> CheckBuilder<&'static Churn> {
    check(&TRAINED.0, &TRAINED.1)
}

#[test]
fn held_out_accuracy_is_about_80_percent() {
    let o = outcome(on_test().expect(accuracy().at_least(0.75)));
    assert_eq!(o.verdict, Verdict::Pass);
    assert_eq!(o.evidence.n, 1761);
    let accuracy = o.evidence.estimate.unwrap();
    assert!((0.79..0.80).contains(&accuracy), "{accuracy}");
}

#[test]
fn churners_on_one_and_two_year_contracts_are_missed() {
    // 1 of 46 one-year churners is caught: 2.2% (95% CI 0.4%–11.3%).
    let one = outcome(
        on_test()
            .on(Cohort::category(Customer::CONTRACT, "One year"))
            .expect(recall("Yes").at_least(0.5)),
    );
    assert_eq!(o_counts(&one), (Some(1.0 / 46.0), 46));
    assert_eq!(one.verdict, Verdict::Fail);
    // None of the 10 two-year churners: 0% (95% CI 0%–27.8%), still a failure at 50%.
    let two = outcome(
        on_test()
            .on(Cohort::category(Customer::CONTRACT, "Two year"))
            .expect(recall("Yes").at_least(0.5)),
    );
    assert_eq!(o_counts(&two), (Some(0.0), 10));
    assert_eq!(two.verdict, Verdict::Fail);
    // Month-to-month churners are caught: 61% of 420.
    let monthly = outcome(
        on_test()
            .on(Cohort::category(Customer::CONTRACT, "Month-to-month"))
            .expect(recall("Yes").at_least(0.5)),
    );
    assert_eq!(monthly.verdict, Verdict::Pass);
    assert_eq!(monthly.evidence.n, 420);
}

fn o_counts(o: &Outcome) -> (Option<f64>, u64) {
    (o.evidence.estimate, o.evidence.n)
}

#[test]
fn protected_features_flip_some_predictions() {
    // The regression gives `female` and `senior_citizen` weight: near the decision boundary
    // toggling them flips the prediction — 8 and 50 of the 1761 test customers.
    let female = outcome(on_test().expect(flip(Customer::FEMALE).never()));
    assert_eq!(female.verdict, Verdict::Fail);
    assert_eq!(female.evidence.estimate, Some(8.0 / 1761.0));
    assert!(
        female
            .examples
            .iter()
            .all(|e| e.edits.len() == 1 && e.edits[0].target == "female")
    );
    let senior = outcome(on_test().expect(flip(Customer::SENIOR_CITIZEN).never()));
    assert_eq!(senior.verdict, Verdict::Fail);
    assert_eq!(senior.evidence.estimate, Some(50.0 / 1761.0));
}

#[test]
fn small_noise_changes_8_percent_of_answers() {
    let noise = outcome(
        on_test()
            .sample(500)
            .expect(invariant(noise(0.1)).max_failure_rate(0.05)),
    );
    assert_eq!(noise.verdict, Verdict::Fail, "{noise}");
    assert_eq!(noise.evidence.estimate, Some(40.0 / 500.0));
    // Failures shrink to fewer edits; most to tenure alone.
    let tenure_only = noise
        .examples
        .iter()
        .filter(|e| e.edits.len() == 1 && e.edits[0].target == "tenure")
        .count();
    assert!(tenure_only >= 2, "{noise}");
}

#[test]
fn long_two_year_customers_do_not_churn_and_tenure_never_raises_churn() {
    let cases = outcome(
        on_test().expect(
            unit_cases(200)
                .set(Customer::CONTRACT, "Two year".to_string())
                .range(Customer::TENURE, 48.0, 72.0)
                .predict("No"),
        ),
    );
    assert_eq!(cases.verdict, Verdict::Pass);
    let monotone = outcome(
        on_test()
            .sample(500)
            .expect(directional(shift(Customer::TENURE, 12.0)).must_not_raise("Yes")),
    );
    assert_eq!(monotone.verdict, Verdict::Pass);
    assert_eq!(
        monotone.evidence.n, 484,
        "16 sampled customers are already at 72 months"
    );
}

#[test]
fn tenure_flips_predictions_around_21_months() {
    let (model, test) = &*TRAINED;
    let rows = test.sample_rows(300, 7).unwrap();
    let flips = FlipSearch::new(Customer::TENURE)
        .run_on(model, test, &rows)
        .unwrap();
    assert_eq!(flips.flip_count(), 165);
    assert!(
        flips.model_calls <= 9,
        "log2(72) + 2 calls, batched across rows"
    );
    let summary = &flips.thresholds()[0];
    assert_eq!(summary.median, 21.5);
}

#[test]
fn a_random_forest_upgrade_loses_recall_among_seniors() {
    use model_check::baseline::{Baseline, BaselineRecord, UpdateMode};
    use model_check::expect::no_regression;

    let trained = train().unwrap();
    let forest = model::train_forest(&trained.train, "v2").unwrap();
    let seniors = Cohort::equals(Customer::SENIOR_CITIZEN, 1);
    let cohorts = [Cohort::all(), seniors.clone()];
    // A fixed name: the baseline's file name is part of what seeds the paired bootstrap.
    let file = std::env::temp_dir().join("model-check-e2e-churn-v1.json");
    let record = BaselineRecord::record(&trained.model, &trained.test, &cohorts).unwrap();
    std::fs::write(&file, record.to_json()).unwrap();
    let baseline = Baseline::path(&file).update_mode(UpdateMode::No).ci(true);
    let senior_recall = check(forest, trained.test.clone())
        .expect(
            no_regression(&baseline)
                .metric(recall("Yes"))
                .cohorts([seniors])
                .max_drop(0.02),
        )
        .run(7)
        .outcomes
        .remove(0);
    std::fs::remove_file(&file).ok();
    // 17 senior churners broken, 5 fixed: the paired 95% interval of the drop (2.5 to 17.5
    // points) lies wholly above the 2-point tolerance.
    assert_eq!(senior_recall.verdict, Verdict::Fail, "{senior_recall}");
    assert!(
        senior_recall
            .note
            .as_deref()
            .unwrap()
            .contains("5 fixed, 17 broken"),
        "{senior_recall}"
    );
}

#[test]
fn discovery_finds_the_customers_without_internet_first_as_one_pocket() {
    use model_check::discover::{SliceMetric, discover};
    let report = discover(&TRAINED.0, &TRAINED.1)
        .metric(SliceMetric::Recall("Yes".into()))
        .run()
        .unwrap();
    assert_eq!((report.rows, report.failures), (476, 218));
    assert_eq!(report.findings.len(), 33, "{report}");
    let first = &report.findings[0];
    assert_eq!(first.descriptions.len(), 7);
    assert_eq!(first.descriptions[0], "internet_service = No");
    assert_eq!((first.failures, first.n), (31, 31));
    assert!(first.adjusted_p < 1e-8);
    // No other finding is the same rows under another name.
    let same: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rows == first.rows)
        .collect();
    assert_eq!(same.len(), 1);
}

#[test]
fn monitoring_sees_drift_between_contracts_and_estimates_accuracy_without_labels() {
    let data = &TRAINED.1;
    let outcome = |c: Check| c.run(7).outcomes.remove(0);
    // The held-out rows: their tenure is where the training rows' is, within the bound.
    let all = model::train().unwrap();
    let same = outcome(
        check_data(all.test.clone())
            .against(all.train.clone())
            .expect(drift(Customer::TENURE).at_most(0.1)),
    );
    assert_eq!(same.verdict, Verdict::Pass, "{same}");
    // Estimated from the probabilities alone, within a point of what the labels say.
    let estimated = outcome(
        check(
            &TRAINED.0,
            Dataset::unlabelled(data.rows().to_vec()).unwrap(),
        )
        .expect(estimated_accuracy().at_least(0.75)),
    );
    let real = outcome(on_test().expect(accuracy().at_least(0.75)));
    let (e, r) = (
        estimated.evidence.estimate.unwrap(),
        real.evidence.estimate.unwrap(),
    );
    assert!((e - r).abs() < 0.01, "{e} vs {r}");
    assert!(estimated.evidence.interval.unwrap().contains(r));
}

#[test]
fn thirteen_held_out_rows_are_identical_to_training_rows() {
    let all = model::train().unwrap();
    let leak = check_data(all.test.clone())
        .against(all.train.clone())
        .expect(leaked_rows().none())
        .run(7)
        .outcomes
        .remove(0);
    assert_eq!(leak.verdict, Verdict::Fail);
    assert_eq!(leak.evidence.estimate, Some(13.0));
    assert_eq!(leak.evidence.n, 1761);
}

/// Section 8 of the example: tenure is by far the most important feature (log loss +0.28
/// when shuffled), `female` is not used (importance ≤ 0.005 on its Bonferroni interval), the
/// churn probability never rises with tenure on any held-out customer's ICE curve (over its
/// declared range, 0 to 72 months), and on the rows the model gets wrong, other customers'
/// internet service, online security or payment method lower the loss — the features that
/// push those customers the wrong way.
#[test]
fn tenure_is_what_the_model_learned_most_and_female_is_unused() {
    use model_check::explain::{Loss, permutation_importance};
    let (model, test) = &*TRAINED;
    let learned = permutation_importance(model, test)
        .loss(Loss::LogLoss)
        .seed(7)
        .run()
        .unwrap();
    let sorted = learned.sorted();
    assert_eq!(sorted[0].name, "tenure");
    assert!(sorted[0].interval.lo > 0.2, "{:?}", sorted[0]);
    assert!(sorted[0].interval.lo > sorted[1].interval.hi);
    let report = check(model, test.clone())
        .expect_all([
            importance(Customer::TENURE)
                .loss(Loss::LogLoss)
                .among_top(1),
            importance(Customer::FEMALE)
                .loss(Loss::LogLoss)
                .at_most(0.005),
        ])
        .run(7);
    assert!(report.passed(), "{report:?}");
    // The finding carries every feature's importance for a report to draw.
    let table = &report.outcomes[0].evidence.tables[0];
    assert_eq!(table.rows.len(), 19);
    assert_eq!(
        table.rows[0][0],
        model_check::expect::Cell::Text("tenure".into())
    );
    let shape = outcome(
        on_test().expect(
            monotone(Customer::TENURE)
                .target("Yes".to_string())
                .decreasing(),
        ),
    );
    assert_eq!(shape.verdict, Verdict::Pass, "{shape}");
    // The mispredictive features.
    let (right, wrong) = permutation_importance(model, test)
        .loss(Loss::LogLoss)
        .seed(7)
        .on_right_and_wrong()
        .unwrap();
    assert_eq!(right.rows + wrong.rows, 1761);
    assert_eq!(wrong.rows, 357);
    assert_eq!(wrong.sorted().last().unwrap().name, "internet_service");
    for name in ["internet_service", "online_security", "payment_method"] {
        assert!(wrong.of(name).unwrap().interval.hi < 0.0, "{name}");
    }
}

/// The churn model's accuracy as noise on its numbers grows from 0 to 1 standard deviation
/// (one seeded variant per held-out customer, Wilson intervals): it falls, and at 1 sd the
/// interval lies wholly below the clean accuracy's.
#[test]
fn accuracy_falls_as_noise_grows() {
    use model_check::explain::robustness_curve;
    use model_check::perturb::noise;
    let (model, test) = &*TRAINED;
    let curve = robustness_curve(model, test, &[0.0, 0.25, 0.5, 1.0], noise, 7).unwrap();
    for point in &curve {
        println!(
            "noise {:.2} sd: accuracy {:.4} {:?} (n = {})",
            point.strength, point.accuracy, point.interval, point.n
        );
    }
    assert_eq!(curve[0].n, 1761);
    assert!(
        curve
            .windows(2)
            .all(|w| w[1].accuracy <= w[0].accuracy + 0.01)
    );
    assert!(curve[3].interval.unwrap().hi < curve[0].interval.unwrap().lo);
}

/// Shapley values on Telco (19 features: the sampled estimator, Bonferroni across rows):
/// for customers of six years and more, tenure lowers the churn probability on every row
/// explained; for month-to-month customers of under a year, it raises it.
#[test]
fn tenure_lowers_churn_for_long_customers_and_raises_it_for_new_ones() {
    let long = outcome(
        on_test()
            .on(Cohort::range(Customer::TENURE, 72.0..))
            .expect(
                attribution(Customer::TENURE)
                    .target("Yes".to_string())
                    .negative()
                    .rows(10)
                    .background(50)
                    .permutations(16),
            ),
    );
    println!("{long}");
    assert_eq!(long.verdict, Verdict::Pass, "{long}");
    let new = outcome(
        on_test()
            .on(Cohort::range(Customer::TENURE, ..12.0)
                .and(Cohort::category(Customer::CONTRACT, "Month-to-month")))
            .expect(
                attribution(Customer::TENURE)
                    .target("Yes".to_string())
                    .positive()
                    .rows(10)
                    .background(50)
                    .permutations(16),
            ),
    );
    println!("{new}");
    assert_eq!(new.verdict, Verdict::Pass, "{new}");
}
