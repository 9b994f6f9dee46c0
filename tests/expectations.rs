//! Unit cases, per-row confidence thresholds and cohort gaps, on models whose truth is known,
//! composed with cohorts, tags and sampling; and their invalid settings.

use model_check::expect::{Outcome, confidence, gap, unit_cases};
use model_check::prelude::*;

#[derive(Features, Clone, Debug)]
struct Customer {
    contract: String,
    #[features(range = 0..=72)]
    tenure: u32,
    #[features(protected)]
    group: String,
}

/// 600 customers: contracts, tenures and two groups in fixed proportions.
fn customers() -> Dataset<Customer> {
    let rows: Vec<Customer> = (0..600u32)
        .map(|i| Customer {
            contract: ["Month-to-month", "One year", "Two year"][(i % 3) as usize].into(),
            tenure: (i * 7) % 73,
            group: if i % 4 == 0 { "b" } else { "a" }.into(),
        })
        .collect();
    let labels = rows
        .iter()
        .map(|c| if c.tenure < 24 { "Yes" } else { "No" });
    Dataset::from_rows(
        rows.clone(),
        Labels::with_classes(["No", "Yes"], labels).unwrap(),
    )
    .unwrap()
    .with_ids((0..600).map(|i| format!("c{i}")))
    .unwrap()
}

/// Churn when tenure is short; in group `b` also (wrongly) when tenure is below 40.
fn model() -> impl Model<Input = Customer, Output = Probabilities> + 'static {
    Classifier::from_fn(
        ModelInfo::new("tenure-rule", "1"),
        ["No", "Yes"],
        |b: &[Customer]| {
            Ok(b.iter()
                .map(|c| {
                    let cutoff = if c.group == "b" { 40 } else { 24 };
                    if c.tenure < cutoff {
                        vec![0.3, 0.7]
                    } else {
                        vec![0.95, 0.05]
                    }
                })
                .collect())
        },
    )
    .unwrap()
}

fn run(check: Check) -> Outcome {
    let report = check.run(11);
    assert_eq!(report.outcomes.len(), 1);
    report.outcomes.into_iter().next().unwrap()
}

#[test]
fn unit_cases_pin_features_and_draw_the_rest_from_real_rows() {
    let long = run(check(model(), customers()).expect(
        unit_cases(300)
            .set(Customer::CONTRACT, "Two year".to_string())
            .range(Customer::TENURE, 48.0, 72.0)
            .predict("No"),
    ));
    assert_eq!(long.verdict, Verdict::Pass, "{long:?}");
    assert_eq!(long.evidence.n, 300);
    assert_eq!(long.evidence.estimate, Some(0.0));

    let short = run(check(model(), customers()).expect(
        unit_cases(300)
            .range(Customer::TENURE, 0.0, 20.0)
            .predict("No"),
    ));
    assert_eq!(short.verdict, Verdict::Fail);
    assert_eq!(
        short.evidence.estimate,
        Some(1.0),
        "every short-tenure case predicts Yes"
    );
    assert_eq!(short.examples.len(), 5);
    assert!(
        short.examples[0].detail.contains("tenure = "),
        "{:?}",
        short.examples[0]
    );
    assert!(short.examples[0].id.as_deref().unwrap().starts_with('c'));

    // Tenure 30 to 36: group a says No, group b says Yes; a quarter of rows are group b.
    let mixed = run(check(model(), customers()).expect(
        unit_cases(400)
            .range(Customer::TENURE, 30.0, 36.0)
            .predict("No")
            .pass_rate(0.6),
    ));
    assert_eq!(mixed.verdict, Verdict::Pass, "{mixed:?}");
    let failure_rate = mixed.evidence.estimate.unwrap();
    assert!((failure_rate - 0.25).abs() < 0.06, "{failure_rate}");
    let strict = run(check(model(), customers()).expect(
        unit_cases(400)
            .range(Customer::TENURE, 30.0, 36.0)
            .predict("No")
            .pass_rate(0.95),
    ));
    assert_eq!(strict.verdict, Verdict::Fail);
}

#[test]
fn unit_cases_draw_other_features_from_the_cohort() {
    // Only group b rows as sources: every case in tenure [30, 36] predicts Yes.
    let outcome = run(check(model(), customers())
        .on(Cohort::category(Customer::GROUP, "b"))
        .expect(
            unit_cases(100)
                .range(Customer::TENURE, 30.0, 36.0)
                .predict("Yes"),
        ));
    assert_eq!(outcome.verdict, Verdict::Pass, "{outcome:?}");
}

#[test]
fn unit_case_settings_are_checked() {
    let error = |e: model_check::expect::UnitCases<Customer>| {
        let outcome = run(check(model(), customers()).expect(e));
        assert_eq!(outcome.verdict, Verdict::Error);
        outcome.note.unwrap()
    };
    assert!(
        error(
            unit_cases(10)
                .range(Customer::CONTRACT, 0.0, 1.0)
                .predict("No")
        )
        .contains("a range on the categorical feature `contract`")
    );
    assert!(error(unit_cases(0).predict("No")).contains("at least one case"));
    assert!(error(unit_cases(10)).contains("expected label"));
    assert!(
        error(
            unit_cases(10)
                .range(Customer::TENURE, 60.0, 100.0)
                .predict("No")
        )
        .contains("leaves its declared range [0, 72]")
    );
    assert!(error(unit_cases(10).predict("Maybe")).contains("\"Maybe\" is not a class"));
    assert!(error(unit_cases(10).predict("No").pass_rate(1.5)).contains("outside [0, 1]"));
}

#[test]
fn confidence_thresholds_count_rows_below_them() {
    // Group b rows with tenure in [24, 40) are predicted Yes at 0.7: the only rows below 0.8.
    let data = customers();
    let below = data
        .rows()
        .iter()
        .filter(|c| c.group == "b" || c.tenure < 24)
        .filter(|c| c.tenure < if c.group == "b" { 40 } else { 24 })
        .count();
    let outcome = run(check(model(), data.clone()).expect(confidence(0.8)));
    assert_eq!(outcome.verdict, Verdict::Fail);
    assert_eq!(outcome.evidence.estimate, Some(below as f64 / 600.0));
    assert!(outcome.examples[0].detail.starts_with("P(Yes) = 0.700"));

    let lenient = run(check(model(), data.clone()).expect(confidence(0.6)));
    assert_eq!(lenient.verdict, Verdict::Pass);

    // Of the true label: rows whose truth the model gets wrong have P(truth) = 0.3.
    let wrong = data
        .rows()
        .iter()
        .filter(|c| c.group == "b" && (24..40).contains(&c.tenure))
        .count();
    let truth = run(check(model(), data).expect(confidence(0.5).of_true_label().pass_rate(0.9)));
    assert_eq!(truth.evidence.estimate, Some(wrong as f64 / 600.0));
    assert_eq!(truth.verdict, Verdict::Pass, "{truth:?}");
}

#[test]
fn gaps_across_a_protected_feature_are_decided_on_newcombe_intervals() {
    // Group b's false-positive rate is far higher: No-customers with tenure 24..40 are
    // flagged only in group b.
    let unfair = run(check(model(), customers()).expect(
        gap(false_positive_rate("Yes"))
            .across(Customer::GROUP)
            .at_most(0.05),
    ));
    assert_eq!(unfair.verdict, Verdict::Fail, "{unfair:?}");
    let ci = unfair.evidence.interval.unwrap();
    assert!(ci.lo > 0.05 || ci.hi < -0.05);
    assert!(
        unfair
            .note
            .as_deref()
            .unwrap()
            .contains("false-positive rate of `Yes`")
    );

    // Recall is perfect in both groups: no gap, and enough rows to say so.
    let fair =
        run(check(model(), customers())
            .expect(gap(recall("Yes")).across(Customer::GROUP).at_most(0.1)));
    assert_eq!(fair.verdict, Verdict::Pass, "{fair:?}");

    // A sample of 40 rows cannot show a 10-point gap either way.
    let small = run(check(model(), customers())
        .sample(40)
        .expect(gap(accuracy()).across(Customer::GROUP).at_most(0.1)));
    assert_eq!(small.verdict, Verdict::Inconclusive, "{small:?}");
}

#[test]
fn gaps_between_two_cohorts_and_on_tags() {
    let mut data = customers();
    data.tag_where("long", |c| c.tenure >= 36);
    let outcome = run(check(model(), data).on(Cohort::tag("long")).expect(
        gap(accuracy())
            .between(
                Cohort::category(Customer::GROUP, "a"),
                Cohort::category(Customer::GROUP, "b"),
            )
            .at_most(0.2),
    ));
    // Within the tag, group b errs only for tenure 36..40.
    assert_ne!(outcome.verdict, Verdict::Error, "{outcome:?}");
    assert_eq!(outcome.cohort, "tag long");
}

#[test]
fn gap_settings_are_checked() {
    let error = |e: model_check::expect::Gap<Customer>| {
        let outcome = run(check(model(), customers()).expect(e));
        assert_eq!(outcome.verdict, Verdict::Error);
        outcome.note.unwrap()
    };
    assert!(error(gap(roc_auc("Yes")).across(Customer::GROUP).at_most(0.1)).contains("not one"));
    assert!(error(gap(accuracy()).across(Customer::GROUP)).contains("tolerance"));
    assert!(error(gap(accuracy()).at_most(0.1)).contains("needs groups"));
    assert!(error(gap(accuracy()).across(Customer::GROUP).at_most(2.0)).contains("outside [0, 1]"));
}

#[test]
fn metric_thresholds_compose_with_cohorts_tags_and_samples() {
    let mut data = customers();
    data.tag_where("group_b", |c| c.group == "b");
    let on_tag = run(check(model(), data.clone())
        .on(Cohort::tag("group_b"))
        .expect(accuracy().at_least(0.9)));
    assert_eq!(
        on_tag.verdict,
        Verdict::Fail,
        "group b is misjudged on tenure 24..40"
    );
    let sampled = check(model(), data.clone())
        .on(Cohort::category(Customer::GROUP, "a"))
        .sample(100)
        .expect(accuracy().at_least(0.9))
        .run(5);
    assert_eq!(sampled.outcomes[0].verdict, Verdict::Pass);
    assert_eq!(sampled.outcomes[0].evidence.n, 100);
    assert_eq!(sampled.outcomes[0].cohort, "group = a (sample of 100)");
    // Same seed, same sample; another seed, another.
    let again = check(model(), data.clone())
        .on(Cohort::category(Customer::GROUP, "a"))
        .sample(100)
        .expect(log_loss().at_most(1.0))
        .run(5);
    let other = check(model(), data)
        .on(Cohort::category(Customer::GROUP, "a"))
        .sample(100)
        .expect(log_loss().at_most(1.0))
        .run(6);
    assert_ne!(
        again.outcomes[0].evidence.interval,
        other.outcomes[0].evidence.interval
    );
}

#[test]
fn a_threshold_outside_what_the_metric_can_take_is_a_setting_error() {
    let error_note = |c: Check| {
        let report = c.run(1);
        let o = &report.outcomes[0];
        assert_eq!(o.verdict, Verdict::Error, "{o}");
        o.note.clone().unwrap()
    };
    // A log loss is never negative: `at_most(-1)` could never pass.
    assert_eq!(
        error_note(check(model(), customers()).expect(log_loss().at_most(-1.0))),
        "threshold -1 for log loss is outside [0, ∞), the values it can take"
    );
    assert_eq!(
        error_note(check(model(), customers()).expect(recall("Yes").at_least(1.5))),
        "threshold 1.5 for recall of `Yes` is outside [0, 1], the values it can take"
    );
    assert_eq!(
        error_note(check(model(), customers()).expect(accuracy().at_least(f64::NAN))),
        "threshold NaN for accuracy is not a finite number"
    );
    // Regression metrics: errors are never negative, R² is at most 1.
    let values = || {
        Dataset::from_inputs(
            (0..50).map(f64::from).collect(),
            Labels::values((0..50).map(f64::from).collect()).unwrap(),
        )
        .unwrap()
    };
    let identity =
        || Regressor::from_fn(ModelInfo::new("identity", "1"), |x: &[f64]| Ok(x.to_vec()));
    assert_eq!(
        error_note(check(identity(), values()).expect(mae().at_most(-0.5))),
        "threshold -0.5 for MAE is outside [0, ∞), the values it can take"
    );
    assert_eq!(
        error_note(check(identity(), values()).expect(r2().at_least(1.2))),
        "threshold 1.2 for R² is outside (−∞, 1], the values it can take"
    );
    // A negative R² threshold is meaningful (worse than the mean) and accepted.
    assert_eq!(
        check(identity(), values())
            .expect(r2().at_least(-0.5))
            .run(1)
            .outcomes[0]
            .verdict,
        Verdict::Pass
    );
}

#[test]
fn a_numeric_feature_is_compared_in_bins_not_value_by_value() {
    // The non-churners, over whom the rate is counted, have 49 tenures: 1,176 pairs of tiny
    // groups. Refused, with the fix named.
    let refused = run(check(model(), customers()).expect(
        gap(false_positive_rate("Yes"))
            .across(Customer::TENURE)
            .at_most(0.05),
    ));
    assert_eq!(refused.verdict, Verdict::Error);
    let note = refused.note.unwrap();
    assert!(
        note.contains("`tenure` is numeric with 49 distinct values (1176 pairs)"),
        "{note}"
    );
    assert!(note.contains(".across_bins(tenure, [edges])"), "{note}");

    // In bins: group `b` is flagged up to a tenure of 40, so customers of 24 to 40 months
    // (no churner among them) are flagged far more often than those of 40 and more.
    let binned = run(check(model(), customers()).expect(
        gap(false_positive_rate("Yes"))
            .across_bins(Customer::TENURE, [24.0, 40.0])
            .at_most(0.05),
    ));
    assert_eq!(binned.verdict, Verdict::Fail, "{binned}");
    let table = &binned.evidence.tables[0];
    // Below 24 months every customer churns: no false positives to count, no group.
    assert_eq!(table.rows.len(), 1);
    assert_eq!(
        table.rows[0][0],
        model_check::expect::Cell::Text("24 ≤ tenure < 40 − tenure ≥ 40".into())
    );

    // Bad edges are a setting error.
    let bad = run(check(model(), customers()).expect(
        gap(false_positive_rate("Yes"))
            .across_bins(Customer::TENURE, [40.0, 24.0])
            .at_most(0.05),
    ));
    assert_eq!(bad.verdict, Verdict::Error);
    assert!(
        bad.note
            .unwrap()
            .contains("must be finite, distinct and sorted")
    );
}

#[test]
fn a_one_sided_gap_fails_only_the_stated_direction() {
    let b = || Cohort::category(Customer::GROUP, "b").named("group b");
    let a = || Cohort::category(Customer::GROUP, "a").named("group a");
    let fpr = || gap(false_positive_rate("Yes"));
    // Group b is flagged more often: "b exceeds a by at most 5 points" fails.
    let worse =
        run(check(model(), customers()).expect(fpr().between(b(), a()).one_sided().at_most(0.05)));
    assert_eq!(worse.verdict, Verdict::Fail, "{worse}");
    assert_eq!(
        worse.expectation,
        "false-positive rate of `Yes` of group b exceeds that of group a by at most 5 points"
    );
    assert!(worse.evidence.p_value.unwrap() < 1e-6);
    // The other way round the gap is negative: a faring better never fails.
    let better =
        run(check(model(), customers()).expect(fpr().between(a(), b()).one_sided().at_most(0.05)));
    assert_eq!(better.verdict, Verdict::Pass, "{better}");
    assert!(better.evidence.estimate.unwrap() < -0.05);
    // Two-sided, the same pair fails.
    let two_sided = run(check(model(), customers()).expect(fpr().between(a(), b()).at_most(0.05)));
    assert_eq!(two_sided.verdict, Verdict::Fail);
    // One-sided across a feature's values has no stated order.
    let across =
        run(check(model(), customers())
            .expect(fpr().across(Customer::GROUP).one_sided().at_most(0.05)));
    assert_eq!(across.verdict, Verdict::Error);
}
