//! Invariance and directional expectations on models whose answers are known analytically:
//! logistic scores over a small feature struct, so which variants must fail — and which
//! single edit a failure must shrink to — follows from the formula.

mod common;

use std::sync::Arc;

use model_check::data::seeded_rng;
use model_check::expect::{CheckReport, directional, invariant};
use model_check::model::{Model, ModelError, ModelInfo, Probabilities};
use model_check::perturb::{
    Augmenter, Editable, Noise, SwapProtected, noise, resample, shift, swap_protected,
};
use model_check::prelude::*;

#[derive(Categorical, Clone, Copy, Debug, PartialEq)]
enum Contract {
    #[features(rename = "Month-to-month")]
    Monthly,
    #[features(rename = "One year")]
    OneYear,
    #[features(rename = "Two year")]
    TwoYear,
}

/// Five numeric, non-protected features (`tenure`, `monthly_charges`, `total_charges`,
/// `support_calls`, `satisfaction`), a declared categorical, and two protected attributes.
#[derive(Features, Clone, Debug)]
struct Customer {
    #[features(range = 0..=72)]
    tenure: u32,
    monthly_charges: f64,
    total_charges: Option<f64>,
    #[features(range = 0..=10)]
    support_calls: u8,
    #[features(range = 0..=1)]
    satisfaction: f64,
    contract: Contract,
    #[features(protected)]
    female: bool,
    #[features(protected)]
    region: String,
}

const REGIONS: [&str; 3] = ["north", "south", "west"];

/// `n` customers spread over every feature's domain, deterministically; every seventh has a
/// missing `total_charges`.
fn customers(n: usize) -> Vec<Customer> {
    (0..n)
        .map(|i| {
            let tenure = ((i * 37) % 73) as u32;
            let monthly_charges = 20.0 + ((i * 53) % 100) as f64;
            Customer {
                tenure,
                monthly_charges,
                total_charges: (i % 7 != 0).then_some(monthly_charges * tenure as f64),
                support_calls: ((i * 7) % 11) as u8,
                satisfaction: ((i * 29) % 101) as f64 / 100.0,
                contract: [Contract::Monthly, Contract::OneYear, Contract::TwoYear][i % 3],
                female: (i / 2) % 2 == 0,
                region: REGIONS[i % 3].to_string(),
            }
        })
        .collect()
}

fn dataset(n: usize) -> Arc<Dataset<Customer>> {
    let rows = customers(n);
    let labels = Labels::classes(
        rows.iter()
            .map(|c| if c.tenure < 12 { "Yes" } else { "No" }),
    )
    .unwrap();
    Arc::new(Dataset::from_rows(rows, labels).unwrap())
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// A classifier over ["No", "Yes"] with P(Yes) = σ(z(customer)); `name` keeps models apart
/// in the predict-once cache.
fn logistic(
    name: &str,
    z: impl Fn(&Customer) -> f64 + 'static,
) -> impl Model<Input = Customer, Output = Probabilities> + 'static {
    Classifier::from_fn(
        ModelInfo::new(name, "1"),
        ["No", "Yes"],
        move |b: &[Customer]| {
            Ok(b.iter()
                .map(|c| {
                    let p = sigmoid(z(c));
                    vec![1.0 - p, p]
                })
                .collect())
        },
    )
    .unwrap()
}

fn tenure_score(c: &Customer) -> f64 {
    -0.05 * (c.tenure as f64 - 24.5)
}

/// Wraps a model and counts its calls.
struct Counting<M> {
    inner: M,
    calls: Arc<std::sync::atomic::AtomicU64>,
}

impl<M: Model> Model for Counting<M> {
    type Input = M::Input;
    type Output = M::Output;
    fn info(&self) -> &ModelInfo {
        self.inner.info()
    }
    fn predict(&self, batch: &[M::Input]) -> Result<Vec<M::Output>, ModelError> {
        self.calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.predict(batch)
    }
}

/// The edits an example kept: the `; `-separated parts before the predictions.
fn kept_edits(detail: &str) -> Vec<&str> {
    detail
        .split("; ")
        .take_while(|part| !part.starts_with("P("))
        .collect()
}

/// A number in the shrinking summary of an outcome note, after `before` ("from " → the
/// average edits before shrinking).
fn note_number(outcome: &Outcome, before: &str) -> f64 {
    let note = outcome.note.as_deref().unwrap();
    let note = &note[note.find("shrinking: ").expect("a shrinking summary")..];
    let rest = &note[note
        .find(before)
        .unwrap_or_else(|| panic!("{before:?} in {note}"))
        + before.len()..];
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits.parse().unwrap()
}

#[test]
fn a_model_reading_a_protected_feature_fails_swap_protected_and_one_ignoring_it_passes() {
    let data = dataset(300);
    let fair = check(logistic("fair", tenure_score), data.clone())
        .expect(invariant(swap_protected()))
        .run(1);
    let outcome = &fair.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Pass, "{outcome:#?}");
    // Enumerated, not sampled: per row, female's other value and region's two other values;
    // the rate counts rows (a row's variants are not independent trials).
    assert_eq!(outcome.evidence.n, 300);
    assert!(
        outcome
            .note
            .as_deref()
            .unwrap()
            .contains("0 of 900 variants"),
        "{:?}",
        outcome.note
    );
    assert_eq!(outcome.evidence.estimate, Some(0.0));

    let unfair = |c: &Customer| tenure_score(c) + 1.5 * f64::from(u8::from(c.female));
    let report = check(logistic("unfair", unfair), data.clone())
        .expect(invariant(swap_protected()))
        .run(1);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail);
    // The flips follow from the formula: the label changes when z and z with `female`
    // toggled fall on opposite sides of 0 (a tie predicts the first class, "No").
    let flips = data
        .rows()
        .iter()
        .filter(|c| {
            let toggled = Customer {
                female: !c.female,
                ..(*c).clone()
            };
            (unfair(c) > 0.0) != (unfair(&toggled) > 0.0)
        })
        .count();
    assert!(flips > 0);
    // Only `female` matters, so a row fails exactly when toggling it flips the label.
    assert_eq!(outcome.evidence.estimate, Some(flips as f64 / 300.0));
    assert_eq!(outcome.examples.len(), 5);
    for example in &outcome.examples {
        let edits = kept_edits(&example.detail);
        assert_eq!(edits.len(), 1, "{}", example.detail);
        assert!(
            edits[0] == "female: 0 → 1" || edits[0] == "female: 1 → 0",
            "{}",
            example.detail
        );
        assert!(example.detail.contains("(label "), "{}", example.detail);
    }
}

#[test]
fn swap_protected_can_be_limited_to_some_protected_features() {
    let data = dataset(300);
    // Reads the region (west raises churn) and ignores sex.
    let reads_region = |c: &Customer| tenure_score(c) + if c.region == "west" { 1.5 } else { 0.0 };
    let run = |swap: SwapProtected<Customer>| {
        check(logistic("reads-region", reads_region), data.clone())
            .expect(invariant(swap))
            .run(1)
            .outcomes
            .remove(0)
    };
    // The variants tested, from the note's "k of N variants".
    let variants = |outcome: &Outcome| {
        let words: Vec<&str> = outcome.note.as_deref().unwrap().split(' ').collect();
        words
            .windows(2)
            .find_map(|w| {
                (w[1].trim_end_matches(';') == "variants")
                    .then(|| w[0].parse::<usize>().ok())
                    .flatten()
            })
            .unwrap()
    };

    let everything = run(swap_protected());
    assert_eq!(everything.verdict, Verdict::Fail);
    assert_eq!(variants(&everything), 900);

    // Sex alone: one variant per row (its other value), and none changes the prediction.
    let sex = run(swap_protected().only(Customer::FEMALE));
    assert_eq!(sex.verdict, Verdict::Pass, "{sex:#?}");
    assert_eq!(variants(&sex), 300);
    assert_eq!(
        sex.expectation,
        "predictions keep their label under the protected feature female set to each of its other values"
    );

    // The region alone: its two other values per row, and every failure is a region swap.
    let region = run(swap_protected().only(Customer::REGION));
    assert_eq!(region.verdict, Verdict::Fail);
    assert_eq!(variants(&region), 600);
    assert_eq!(region.evidence.estimate, everything.evidence.estimate);
    for example in &region.examples {
        assert!(example.detail.starts_with("region: "), "{}", example.detail);
    }

    // Both, named: the same variants as every protected feature; a feature named twice
    // counts once.
    let both = swap_protected()
        .only(Customer::REGION)
        .only(Customer::FEMALE)
        .only(Customer::REGION);
    assert_eq!(
        both.describe(),
        "each of the protected features female, region set to each of its other values"
    );
    let rows = customers(30);
    let (all, named) = (swap_protected().fit(&rows), both.fit(&rows));
    for row in &rows {
        assert_eq!(all.enumerate(row), named.enumerate(row));
    }
    // The limit survives fitting, and applies when proposing too.
    let fitted = swap_protected().only(Customer::FEMALE).fit(&rows);
    let mut rng = seeded_rng(3);
    for row in &rows {
        let edits = fitted.propose(row, &mut rng).unwrap();
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].position, Customer::FEMALE.index());
        assert_eq!(fitted.enumerate(row).unwrap().len(), 1);
    }

    // A feature that is not protected is a setting error, not a silent no-op.
    let outcome = run(swap_protected().only(Customer::TENURE));
    assert_eq!(outcome.verdict, Verdict::Error, "{outcome:#?}");
    assert_eq!(
        outcome.note.as_deref().unwrap(),
        "swap_protected().only(tenure): `tenure` is not protected; mark it #[features(protected)], or use resample(..) for a feature that is not"
    );
}

#[test]
fn noise_failures_shrink_to_the_one_feature_the_model_reads() {
    let data = dataset(400);
    let calls = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let model = Counting {
        inner: logistic("charges-only", |c| (c.monthly_charges - 70.0) / 5.0),
        calls: calls.clone(),
    };
    let report = check(model, data.clone())
        .max_examples(10)
        .expect(invariant(noise(0.5)))
        .run(3);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail, "{outcome:#?}");
    assert_eq!(outcome.examples.len(), 10);
    for example in &outcome.examples {
        let edits = kept_edits(&example.detail);
        assert_eq!(edits.len(), 1, "{}", example.detail);
        assert!(
            edits[0].starts_with("monthly_charges: "),
            "{}",
            example.detail
        );
        // Every noisy feature but one was dropped.
        let proposed: usize = example
            .detail
            .rsplit("shrunk from ")
            .next()
            .unwrap()
            .trim_end_matches(" edits")
            .parse()
            .unwrap();
        assert!((2..=5).contains(&proposed), "{}", example.detail);
    }
    // 400 rows × 5 proposals; the rate counts the rows.
    assert_eq!(outcome.evidence.n, 400);
    let from = note_number(outcome, "from ");
    let to = note_number(outcome, " to ");
    let shrink_calls = note_number(outcome, "removed), ");
    assert!((2.0..=5.0).contains(&from), "{:?}", outcome.note);
    assert_eq!(to, 1.0);
    // One batched call per removal step: at most 4 steps per example.
    assert!(shrink_calls <= 40.0, "{:?}", outcome.note);
    // Originals in one call, all 2000 variants in one call, then shrinking.
    let made = calls.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(made, report.model_calls);
    assert_eq!(made, 2 + shrink_calls as u64);
    println!("{}", outcome.note.as_deref().unwrap());
    println!(
        "noise(0.5), charges-only model: {} examples shrunk from {from} to {to} edits on average in {shrink_calls} model calls",
        outcome.examples.len()
    );
}

#[test]
fn shrinking_stops_at_its_budget() {
    let data = dataset(200);
    let model = logistic("charges-only-budget", |c| (c.monthly_charges - 70.0) / 5.0);
    let report = check(model, data)
        .expect(invariant(noise(0.5)).shrink_budget(0))
        .run(3);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail);
    assert!(outcome.note.as_deref().unwrap().contains("0 model calls"));
    assert!(kept_edits(&outcome.examples[0].detail).len() >= 4);
}

#[test]
fn more_tenure_must_not_raise_churn() {
    let data = dataset(300);
    let more_tenure = || directional(shift(Customer::TENURE, 12.0)).must_not_raise("Yes");
    let at_the_bound = data.rows().iter().filter(|c| c.tenure == 72).count();
    assert!(at_the_bound > 0);

    let decreasing = check(logistic("decreasing", tenure_score), data.clone())
        .expect(more_tenure())
        .run(5);
    let outcome = &decreasing.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Pass, "{outcome:#?}");
    // One variant per row below the bound: the shift is enumerated, not sampled.
    assert_eq!(outcome.evidence.n as usize, 300 - at_the_bound);
    assert!(
        outcome
            .note
            .as_deref()
            .unwrap()
            .contains(&format!("{at_the_bound} rows with no applicable variant"))
    );

    let increasing = check(logistic("increasing", |c| -tenure_score(c)), data.clone())
        .expect(more_tenure())
        .run(5);
    let outcome = &increasing.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail);
    // σ is strictly increasing, so every shifted row raises P(Yes).
    assert_eq!(outcome.evidence.estimate, Some(1.0));
    let detail = &outcome.examples[0].detail;
    assert!(detail.starts_with("tenure: "), "{detail}");

    // A tolerance larger than any rise (12 × 0.05 × σ'(0) = 0.15) passes the same model.
    let tolerant = check(logistic("increasing", |c| -tenure_score(c)), data.clone())
        .expect(
            directional(shift(Customer::TENURE, 12.0))
                .must_not_raise("Yes")
                .tolerance(0.16),
        )
        .run(5);
    assert_eq!(tolerant.outcomes[0].verdict, Verdict::Pass);
    // ... and must_not_lower holds for it, fails for the decreasing one.
    let lower = |name: &'static str, sign: f64| {
        check(
            logistic(name, move |c| sign * tenure_score(c)),
            data.clone(),
        )
        .expect(directional(shift(Customer::TENURE, 12.0)).must_not_lower("Yes"))
        .run(5)
        .outcomes[0]
            .verdict
    };
    assert_eq!(lower("increasing", -1.0), Verdict::Pass);
    assert_eq!(lower("decreasing", 1.0), Verdict::Fail);
}

#[test]
fn within_bounds_probability_changes_that_the_label_rule_ignores() {
    let data = dataset(300);
    // |z| ≥ 0.1 everywhere (tenure is whole), and `female` moves z by 0.05: the label never
    // changes, and P(Yes) moves by at most 0.05 × σ'(0) = 0.0125.
    let score =
        |c: &Customer| -0.2 * (c.tenure as f64 - 24.5) + 0.05 * f64::from(u8::from(c.female));
    let run = |e: model_check::expect::Invariant<_>| {
        check(logistic("slightly-unfair", score), data.clone())
            .expect(e)
            .run(9)
            .outcomes
            .remove(0)
    };
    let label = run(invariant(swap_protected()));
    assert_eq!(label.verdict, Verdict::Pass, "{label:#?}");
    let loose = run(invariant(swap_protected()).within(0.0125));
    assert_eq!(loose.verdict, Verdict::Pass, "{loose:#?}");
    let tight = run(invariant(swap_protected()).within(0.01));
    assert_eq!(tight.verdict, Verdict::Fail);
    // Rows whose z is near 0 change most: |Δp| = |σ(z ± 0.05) − σ(z)| > 0.01 there.
    let expected = data
        .rows()
        .iter()
        .filter(|c| {
            let toggled = Customer {
                female: !c.female,
                ..(*c).clone()
            };
            (sigmoid(score(c)) - sigmoid(score(&toggled))).abs() > 0.01
        })
        .count();
    // A row fails when its `female` toggle does (the region swaps never do).
    assert_eq!(tight.evidence.estimate, Some(expected as f64 / 300.0));
    assert!(tight.examples[0].detail.starts_with("female: "));
}

#[test]
fn expect_label_on_a_constant_model() {
    let data = dataset(100);
    let constant = || logistic("constant", |_| 1.5);
    let yes = check(constant(), data.clone())
        .expect(invariant(noise(0.3)).expect_label("Yes"))
        .run(2);
    assert_eq!(yes.outcomes[0].verdict, Verdict::Pass);
    let no = check(constant(), data.clone())
        .expect(invariant(noise(0.3)).expect_label("No").multiplier(2))
        .run(2);
    let outcome = &no.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail);
    assert_eq!(outcome.evidence.n, 100, "rows, each with two variants");
    assert_eq!(outcome.evidence.estimate, Some(1.0));
    // Nothing the noise does matters to a constant model: every failure shrinks to one edit.
    assert!(
        outcome
            .examples
            .iter()
            .all(|e| kept_edits(&e.detail).len() == 1)
    );
}

#[test]
fn the_same_seed_gives_the_same_outcome_and_another_seed_other_variants() {
    let data = dataset(200);
    let run = |seed| {
        check(
            logistic("charges-only-seeded", |c| (c.monthly_charges - 70.0) / 5.0),
            data.clone(),
        )
        .expect(invariant(noise(0.5)))
        .run(seed)
        .outcomes
    };
    let first = run(11);
    assert_eq!(first, run(11));
    let other = run(12);
    assert_ne!(first[0].examples, other[0].examples);
}

#[test]
fn invalid_settings_are_error_outcomes_with_a_message() {
    let data = dataset(50);
    let model = || logistic("settings", tenure_score);
    let message = |report: CheckReport| {
        let outcome = &report.outcomes[0];
        assert_eq!(outcome.verdict, Verdict::Error, "{outcome:#?}");
        outcome.note.clone().unwrap()
    };
    let zero = message(
        check(model(), data.clone())
            .expect(invariant(noise(0.1)).multiplier(0))
            .run(1),
    );
    assert_eq!(zero, "multiplier must be at least 1 variant per row, got 0");
    let unknown = message(
        check(model(), data.clone())
            .expect(directional(shift(Customer::TENURE, 1.0)).must_not_raise("Maybe"))
            .run(1),
    );
    assert_eq!(
        unknown,
        "\"Maybe\" is not a class of model `settings@1` (classes: No, Yes)"
    );
    let unknown_label = message(
        check(model(), data.clone())
            .expect(invariant(noise(0.1)).expect_label("maybe"))
            .run(1),
    );
    assert!(unknown_label.starts_with("\"maybe\" is not a class"));
    let rate = message(
        check(model(), data.clone())
            .expect(invariant(noise(0.1)).max_failure_rate(1.5))
            .run(1),
    );
    assert_eq!(rate, "max_failure_rate(1.5) is outside [0, 1]");
    let eps = message(
        check(model(), data.clone())
            .expect(invariant(noise(0.1)).within(-0.1))
            .run(1),
    );
    assert_eq!(eps, "within(-0.1) is outside [0, 1]");
    let no_class = message(
        check(model(), data.clone())
            .expect(directional(shift(Customer::TENURE, 1.0)))
            .run(1),
    );
    assert!(no_class.contains("must_not_raise"));
}

#[test]
fn bad_augmenter_settings_are_error_outcomes_naming_the_setting() {
    let data = dataset(50);
    let calls = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let model = || Counting {
        inner: logistic("augmenter-settings", tenure_score),
        calls: calls.clone(),
    };
    let error = |report: CheckReport| {
        let outcome = &report.outcomes[0];
        assert_eq!(outcome.verdict, Verdict::Error, "{outcome:#?}");
        outcome.note.clone().unwrap()
    };
    let invariant_under = |augmenter: Noise<Customer>| {
        error(
            check(model(), data.clone())
                .expect(invariant(augmenter))
                .run(1),
        )
    };
    let scale = "noise(scale): must be a finite number of standard deviations, at least 0";
    assert_eq!(invariant_under(noise(-1.0)), format!("{scale}, got -1"));
    assert_eq!(
        invariant_under(noise(f64::NAN)),
        format!("{scale}, got NaN")
    );
    assert_eq!(
        invariant_under(noise(f64::INFINITY).on(Customer::TENURE)),
        format!("{scale}, got inf")
    );
    // Combined augmenters check both parts.
    let combined = error(
        check(model(), data.clone())
            .expect(invariant(swap_protected().then(noise(-0.5))))
            .run(1),
    );
    assert_eq!(combined, format!("{scale}, got -0.5"));

    let by = "shift(tenure, by): must be a finite number";
    for (amount, shown) in [(f64::NAN, "NaN"), (f64::NEG_INFINITY, "-inf")] {
        let directional = error(
            check(model(), data.clone())
                .expect(directional(shift(Customer::TENURE, amount)).must_not_raise("Yes"))
                .run(1),
        );
        assert_eq!(directional, format!("{by}, got {shown}"));
        let invariant = error(
            check(model(), data.clone())
                .expect(invariant(shift(Customer::TENURE, amount)))
                .run(1),
        );
        assert_eq!(invariant, format!("{by}, got {shown}"));
    }
    // A bad setting is found before the model is asked anything.
    assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 0);
}

#[derive(Features, Clone, Debug)]
struct Wide {
    x: f64,
    y: f64,
}

/// Forty rows with `x` spread evenly over [-1e308, 1e308] (the squares of such values
/// overflow an f64; their spread does not), labelled by its sign, and a model that reads
/// only that sign.
fn huge() -> (
    Dataset<Wide>,
    impl Model<Input = Wide, Output = Probabilities> + 'static,
) {
    let rows: Vec<Wide> = (0..40)
        .map(|i| Wide {
            x: 1e308 * (i as f64 / 19.5 - 1.0),
            y: i as f64,
        })
        .collect();
    let labels = Labels::classes(rows.iter().map(|r| if r.x > 0.0 { "up" } else { "down" }));
    let data = Dataset::from_rows(rows, labels.unwrap()).unwrap();
    let model = Classifier::from_fn(
        ModelInfo::new("sign", "1"),
        ["down", "up"],
        |b: &[Wide]| {
            Ok(b.iter()
                .map(|r| {
                    if r.x > 0.0 {
                        vec![0.1, 0.9]
                    } else {
                        vec![0.9, 0.1]
                    }
                })
                .collect())
        },
    )
    .unwrap();
    (data, model)
}

#[test]
fn noise_on_a_feature_whose_squares_overflow_is_drawn_or_refused_never_skipped() {
    let (data, model) = huge();
    let rows = data.rows().to_vec();
    let report = check(model, data.clone())
        .expect(invariant(noise(0.1).on(Wide::X)))
        .run(3);
    let outcome = &report.outcomes[0];
    assert_ne!(outcome.verdict, Verdict::Inconclusive, "{outcome:#?}");
    assert_ne!(outcome.verdict, Verdict::Error, "{outcome:#?}");

    // The sample sd of an even grid of 40 points with step 1e308 / 19.5:
    // step × sqrt(n (n + 1) / 12).
    let sd = 1e308 / 19.5 * (40.0f64 * 41.0 / 12.0).sqrt();
    let fitted = noise(0.1).on(Wide::X).fit(&rows);
    let mut rng = seeded_rng(8);
    let mut moves = Vec::new();
    for row in &rows {
        for _ in 0..50 {
            let Some(edits) = fitted.propose(row, &mut rng) else {
                continue;
            };
            assert_eq!(edits.len(), 1);
            let after = edits[0].after.as_number().unwrap();
            assert!((-1e308..=1e308).contains(&after), "{after}");
            // Away from the bounds nothing is clamped: the moves are N(0, (0.1 sd)²).
            if row.x.abs() < 0.5e308 {
                moves.push((after - row.x) / sd);
            }
        }
    }
    // The twenty rows in the middle get a variant from every draw.
    assert_eq!(moves.len(), 20 * 50);
    let var = moves.iter().map(|m| m * m).sum::<f64>() / moves.len() as f64;
    assert!(
        (var.sqrt() - 0.1).abs() < 0.01,
        "sd of the moves / sd = {}",
        var.sqrt()
    );

    // Noise of 10 × sd does not fit in an f64: an error naming the feature, not a silent
    // skip under a description that names it.
    let (data, model) = huge();
    let report = check(model, data)
        .expect(invariant(noise(10.0).on(Wide::X).on(Wide::Y)))
        .run(3);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Error, "{outcome:#?}");
    assert_eq!(
        outcome.note.as_deref().unwrap(),
        format!(
            "noise(10) on `x`: the noise's standard deviation (10 × sd, sd = {sd:.3e} in the fitted rows) is not a finite number; use a smaller scale, or rescale `x`"
        )
    );
    // A spread that is itself beyond f64::MAX (√2 × 1.7e308) is refused at any scale.
    let two = [
        Wide { x: 1.7e308, y: 0.0 },
        Wide {
            x: -1.7e308,
            y: 1.0,
        },
    ];
    let err = noise(0.01).fit(&two).check().unwrap_err();
    assert_eq!(err.setting(), "noise(0.01) on `x`");
    assert!(
        err.reason().contains("sd = inf in the fitted rows"),
        "{err}"
    );
    assert!(noise(0.01).on(Wide::Y).fit(&two).check().is_ok());
}

#[test]
fn a_tolerated_failure_rate_is_decided_on_its_wilson_interval() {
    let data = dataset(600);
    // Reads `female` only for tenure in 20..=29, where it decides the label for tenure
    // 25..=29: about 5/73 of the rows flip when it is toggled (none when the region is): the
    // rate counts those rows among the 600.
    let model = || {
        logistic("partly-unfair", |c| {
            let reads = (20..=29).contains(&c.tenure);
            tenure_score(c) + if reads && c.female { 1.0 } else { 0.0 }
        })
    };
    let decide = |rate: f64| {
        check(model(), data.clone())
            .expect(invariant(swap_protected()).max_failure_rate(rate))
            .run(4)
            .outcomes
            .remove(0)
    };
    let at_default = check(model(), data.clone())
        .expect(invariant(swap_protected()))
        .run(4);
    let e = &at_default.outcomes[0].evidence;
    let (rate, ci) = (e.estimate.unwrap(), e.interval.unwrap());
    assert!(rate > 0.0);
    let expected = Proportion::new((rate * 600.0).round() as u64, 600)
        .wilson()
        .unwrap();
    assert_eq!(ci, expected);

    assert_eq!(decide(ci.hi + 0.001).verdict, Verdict::Pass);
    assert_eq!(decide(ci.lo - 0.001).verdict, Verdict::Fail);
    let unsure = decide(rate + 0.002);
    assert_eq!(unsure.verdict, Verdict::Inconclusive);
    assert!(unsure.evidence.rows_needed.unwrap() > 600, "{unsure:?}");
    assert!(unsure.note.as_deref().unwrap().contains("would decide it"));
    // Examples are reported whatever the verdict.
    assert!(!decide(ci.hi + 0.001).examples.is_empty());
}

#[test]
fn variants_stay_inside_declared_ranges_and_levels() {
    let rows = customers(500);
    let observed = |f: fn(&Customer) -> f64| {
        rows.iter()
            .map(f)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                (lo.min(x), hi.max(x))
            })
    };
    let (charges_lo, charges_hi) = observed(|c| c.monthly_charges);
    let (total_lo, total_hi) = observed(|c| c.total_charges.unwrap_or(f64::NAN));
    let inside = |c: &Customer, original: &Customer| {
        assert!(c.tenure <= 72);
        assert!(c.support_calls <= 10);
        assert!((0.0..=1.0).contains(&c.satisfaction), "{c:?}");
        assert!(
            (charges_lo..=charges_hi).contains(&c.monthly_charges),
            "{c:?}"
        );
        match (c.total_charges, original.total_charges) {
            (Some(t), Some(_)) => assert!((total_lo..=total_hi).contains(&t), "{c:?}"),
            (None, None) => {}
            other => panic!("a missing value must stay missing: {other:?}"),
        }
        assert!(REGIONS.contains(&c.region.as_str()), "{c:?}");
    };

    let big_noise = noise(3.0).fit(&rows);
    let contract = resample(Customer::CONTRACT).fit(&rows);
    let region = resample(Customer::REGION).fit(&rows);
    let swap = swap_protected().fit(&rows);
    let longer = shift(Customer::TENURE, 50.0).fit(&rows);
    let mixed = noise(1.0)
        .on(Customer::TENURE)
        .then(swap_protected())
        .fit(&rows);
    let mut rng = seeded_rng(99);
    let mut edits_seen = 0;
    for row in &rows {
        for _ in 0..4 {
            for edits in [
                big_noise.propose(row, &mut rng),
                contract.propose(row, &mut rng),
                region.propose(row, &mut rng),
                swap.propose(row, &mut rng),
                longer.propose(row, &mut rng),
                mixed.propose(row, &mut rng),
            ]
            .into_iter()
            .flatten()
            {
                let mut positions: Vec<usize> = edits.iter().map(|e| e.position).collect();
                positions.sort_unstable();
                positions.dedup();
                assert_eq!(positions.len(), edits.len(), "distinct positions");
                for edit in &edits {
                    assert_ne!(edit.before, edit.after, "an edit changes something");
                    assert_eq!(row.value(edit.position), edit.before);
                }
                let variant = row.apply(&edits);
                for edit in &edits {
                    assert_eq!(variant.value(edit.position), edit.after, "the edit applies");
                }
                inside(&variant, row);
                edits_seen += edits.len();
            }
        }
        for edits in swap.enumerate(row).unwrap() {
            let variant = row.apply(&edits);
            inside(&variant, row);
            assert!(variant.female != row.female || variant.region != row.region);
        }
        let shifted = longer.enumerate(row).unwrap();
        assert_eq!(shifted.len(), usize::from(row.tenure < 72));
    }
    assert!(edits_seen > 10_000);
    // Resampling a declared category gives another declared level.
    let mut rng = seeded_rng(1);
    for row in &rows {
        let edits = contract.propose(row, &mut rng).unwrap();
        let level = edits[0].after.as_category().unwrap();
        assert!(Contract::LEVELS.contains(&level));
        assert_ne!(level, row.contract.level());
    }
    // Noise touches the five numeric, non-protected features and nothing else.
    let mut touched: Vec<&str> = Vec::new();
    let mut rng = seeded_rng(5);
    for row in &rows {
        for edit in big_noise.propose(row, &mut rng).unwrap() {
            touched.push(Customer::schema()[edit.position].name());
        }
    }
    touched.sort_unstable();
    touched.dedup();
    assert_eq!(
        touched,
        [
            "monthly_charges",
            "satisfaction",
            "support_calls",
            "tenure",
            "total_charges"
        ]
    );
    assert_eq!(
        noise::<Customer>(0.1).describe(),
        "Gaussian noise (0.1 × sd) on tenure, monthly_charges, total_charges, support_calls, satisfaction"
    );
}

#[test]
fn an_augmenter_with_nothing_to_change_is_inconclusive() {
    #[derive(Features, Clone, Debug)]
    struct Plain {
        x: f64,
    }
    let rows: Vec<Plain> = (0..20).map(|i| Plain { x: i as f64 }).collect();
    let labels = Labels::classes(rows.iter().map(|p| if p.x < 10.0 { "a" } else { "b" })).unwrap();
    let data = Dataset::from_rows(rows, labels).unwrap();
    let model = Classifier::from_fn(ModelInfo::new("plain", "1"), ["a", "b"], |b: &[Plain]| {
        Ok(b.iter().map(|_| vec![0.5, 0.5]).collect())
    })
    .unwrap();
    let report = check(model, data)
        .expect(invariant(swap_protected()))
        .run(1);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Inconclusive);
    assert!(
        outcome
            .note
            .as_deref()
            .unwrap()
            .contains("proposed no variant of any of the 20 selected rows"),
        "{:?}",
        outcome.note
    );
}

/// A smartcore logistic regression trained on the Telco churn data (as in
/// `examples/churn.rs`), tested on its held-out rows.
mod telco {
    use super::common::{Customer, telco};
    use super::*;
    fn trained() -> (
        impl Model<Input = Customer, Output = Probabilities> + 'static,
        Arc<Dataset<Customer>>,
    ) {
        // Trained on a fifth of the data: the fit runs unoptimised in a test build.
        let (train, test) = telco("churn").split(0.2, 42).unwrap();
        let model = super::common::telco_logistic(
            &train,
            ModelInfo::new("telco-logistic-regression", "perturbation-test"),
        );
        (model, Arc::new(test))
    }

    /// Shrinking on a real model: noise on every numeric feature and a resampled contract,
    /// shrunk to the edits that flip the prediction. Prints the figures for the issue note.
    #[test]
    fn shrinking_on_a_trained_churn_model() {
        let (model, test) = trained();
        // Borrowed for the whole test binary, so two checks can share it.
        let model: &'static _ = Box::leak(Box::new(model));
        let report = check(model, test.clone())
            .sample(1000)
            .max_examples(20)
            .expect(
                invariant(
                    noise(0.3)
                        .then(resample(Customer::CONTRACT))
                        .then(resample(Customer::PAYMENT_METHOD)),
                )
                .max_failure_rate(0.2),
            )
            .run(42);
        let outcome = &report.outcomes[0];
        assert_ne!(outcome.verdict, Verdict::Error, "{outcome:#?}");
        assert_eq!(outcome.examples.len(), 20);
        let from = note_number(outcome, "from ");
        let to = note_number(outcome, " to ");
        assert!(to < from, "{:?}", outcome.note);
        for example in &outcome.examples {
            assert!(!kept_edits(&example.detail).is_empty());
        }
        println!("telco noise+resample: {}", outcome.note.as_deref().unwrap());
        for example in outcome.examples.iter().take(5) {
            println!("  row {}: {}", example.row, example.detail);
        }
        println!("  {} model calls in all", report.model_calls);

        // Protected attributes: each variant is one swap, so nothing is left to shrink.
        let swapped = check(model, test.clone())
            .sample(1000)
            .expect(invariant(swap_protected()))
            .run(42);
        let outcome = &swapped.outcomes[0];
        assert_eq!(
            outcome.evidence.n, 1000,
            "rows; female and senior_citizen swapped in each"
        );
        assert!(
            outcome
                .note
                .as_deref()
                .unwrap()
                .contains("of 2000 variants"),
            "{:?}",
            outcome.note
        );
        for example in &outcome.examples {
            let edits = kept_edits(&example.detail);
            assert_eq!(edits.len(), 1, "{}", example.detail);
            assert!(
                edits[0].starts_with("female: ") || edits[0].starts_with("senior_citizen: "),
                "{}",
                example.detail
            );
        }
        println!(
            "telco swap_protected: {:?}, {:?}",
            outcome.evidence.estimate,
            outcome.note.as_deref()
        );
        for example in outcome.examples.iter().take(3) {
            println!("  row {}: {}", example.row, example.detail);
        }
    }
}

#[test]
fn a_directional_test_that_requires_a_change_fails_a_model_that_ignores_it() {
    let data = dataset(300);
    let more_tenure = || directional(shift(Customer::TENURE, 12.0));
    // Reads tenure: twelve more months lower P(Yes) for every row.
    let reads = || logistic("reads-tenure", |c| (12.0 - f64::from(c.tenure)) / 6.0);
    // Ignores tenure: nothing moves.
    let ignores = || logistic("ignores-tenure", |c| (c.monthly_charges - 70.0) / 10.0);

    // "Must not raise" cannot tell them apart: both pass.
    let not_raised = |c: Check| c.run(1).outcomes.remove(0).verdict;
    assert_eq!(
        not_raised(check(reads(), data.clone()).expect(more_tenure().must_not_raise("Yes"))),
        Verdict::Pass
    );
    assert_eq!(
        not_raised(check(ignores(), data.clone()).expect(more_tenure().must_not_raise("Yes"))),
        Verdict::Pass
    );
    // "Must lower" can.
    let lowered = check(reads(), data.clone())
        .expect(more_tenure().must_lower("Yes"))
        .run(1)
        .outcomes
        .remove(0);
    assert_eq!(lowered.verdict, Verdict::Pass, "{lowered}");
    let ignored = check(ignores(), data.clone())
        .expect(more_tenure().must_lower("Yes"))
        .run(1)
        .outcomes
        .remove(0);
    assert_eq!(ignored.verdict, Verdict::Fail, "{ignored}");
    assert_eq!(ignored.evidence.estimate, Some(1.0), "every row stays put");
    assert_eq!(
        ignored.expectation,
        format!(
            "P(Yes) falls under {}",
            shift(Customer::TENURE, 12.0).describe()
        )
    );

    // With a minimum change and a tolerated rate, decided on the Wilson interval of rows:
    // near the top of its range tenure is clamped at 72, so some rows cannot move by much.
    let by = |delta: f64, rate: f64| {
        check(reads(), data.clone())
            .expect(
                more_tenure()
                    .must_lower("Yes")
                    .by(delta)
                    .max_failure_rate(rate),
            )
            .run(1)
            .outcomes
            .remove(0)
    };
    let lenient = by(0.0001, 0.5);
    assert_eq!(lenient.verdict, Verdict::Pass, "{lenient}");
    let strict = by(0.9, 0.05);
    assert_eq!(strict.verdict, Verdict::Fail, "{strict}");
    assert!(
        strict.expectation.contains("falls by at least 0.9"),
        "{}",
        strict.expectation
    );
    // Out-of-range settings are errors.
    let bad = check(reads(), data.clone())
        .expect(more_tenure().must_raise("Yes").by(1.5))
        .run(1)
        .outcomes
        .remove(0);
    assert_eq!(bad.verdict, Verdict::Error);
}
