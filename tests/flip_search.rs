//! Prediction flips (counterfactual search) on models whose truth is known in closed form:
//! bisection finds the logistic threshold `x* = −b/a` within a logarithmic number of batched
//! model calls, protected features that a model reads fail `never()`, categories flip only
//! to and from the level a model keys on, and flips over several features shrink to exactly
//! the features that matter. Ends with a real model: a smartcore logistic regression trained
//! on the Telco churn data, whose shrunk flips are checked against the model itself.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use model_check::data::DataError;
use model_check::expect::{FlipExpectation, Method, flip};
use model_check::model::{Model, ModelError, ModelInfo, Probabilities};
use model_check::prelude::*;
use model_check::search::{Direction, FlipReport, FlipSearch, SearchStatus};

/// Wraps a model and counts its calls, independently of the search's own count.
struct Counted<M> {
    inner: M,
    calls: Arc<AtomicU64>,
}

impl<M: Model> Model for Counted<M> {
    type Input = M::Input;
    type Output = M::Output;
    fn info(&self) -> &ModelInfo {
        self.inner.info()
    }
    fn predict(&self, batch: &[M::Input]) -> Result<Vec<M::Output>, ModelError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.inner.predict(batch)
    }
}

fn counted<M: Model>(inner: M) -> (Counted<M>, Arc<AtomicU64>) {
    let calls = Arc::new(AtomicU64::new(0));
    (
        Counted {
            inner,
            calls: calls.clone(),
        },
        calls,
    )
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// `[P(No), P(Yes)]` for `P(Yes) = σ(z)`.
fn yes_no(z: f64) -> Vec<f64> {
    let p = sigmoid(z);
    vec![1.0 - p, p]
}

fn classifier<R: 'static>(
    name: &str,
    score: impl Fn(&R) -> f64 + 'static,
) -> impl Model<Input = R, Output = Probabilities> + 'static {
    Classifier::from_fn(
        ModelInfo::new(name, "1"),
        ["No", "Yes"],
        move |b: &[R]| Ok(b.iter().map(|r| yes_no(score(r))).collect()),
    )
    .expect("two classes")
}

// ---------------------------------------------------------------------------------------
// Bisection on a logistic model: the threshold in closed form, and the number of calls.

#[derive(Features, Clone, Debug)]
struct Point {
    #[features(range = -10.0..=10.0)]
    x: f64,
}

const A: f64 = 1.7;
const B: f64 = -2.3;
/// Where `σ(A·x + B) = 1/2`.
const X_STAR: f64 = -B / A;
const RANGE: f64 = 20.0;

/// The calls a one-feature search may make: one for the original rows, one for both ends of
/// the range (every row in the same batch), and `⌈log2(range / tolerance)⌉` bisection steps
/// shared by all rows.
fn call_bound(tolerance: f64) -> u64 {
    (1.0f64 / tolerance).log2().ceil() as u64 + 2
}

fn points(n: usize) -> Vec<Point> {
    // Spread over the range, never on the threshold itself.
    (0..n)
        .map(|i| Point {
            x: -9.9 + 19.8 * (i as f64 + 0.5) / n as f64,
        })
        .filter(|p| (p.x - X_STAR).abs() > 1e-3)
        .collect()
}

fn check_logistic_thresholds(report: &FlipReport, rows: &[Point], tolerance: f64) {
    let tol = tolerance * RANGE;
    assert_eq!(report.flip_count(), rows.len(), "every row flips");
    for (row, point) in report.rows.iter().zip(rows) {
        assert_eq!(row.status, SearchStatus::Complete);
        let change = &row.flip.as_ref().unwrap().changes[0];
        let threshold = change.threshold.unwrap();
        assert!(
            (threshold - X_STAR).abs() <= tol,
            "x = {}: threshold {threshold}, closed form {X_STAR}, tolerance {tol}",
            point.x
        );
        // The flipping value lies just past the threshold, on the other side from the row.
        let to = change.to.as_number().unwrap();
        assert!((to - X_STAR).abs() <= tol);
        assert_eq!(to > X_STAR, point.x < X_STAR);
        let expected = if point.x < X_STAR {
            Direction::Up
        } else {
            Direction::Down
        };
        assert_eq!(change.direction, Some(expected));
        assert!((change.distance - (to - point.x).abs() / RANGE).abs() < 1e-12);
    }
}

#[test]
fn bisection_finds_the_logistic_threshold_in_logarithmic_calls() {
    for tolerance in [1e-6, 1e-9] {
        for n in [1, 500] {
            let rows = if n == 1 {
                vec![Point { x: -7.25 }]
            } else {
                points(n)
            };
            let (model, calls) = counted(classifier("logistic", |p: &Point| A * p.x + B));
            let report = FlipSearch::new(Point::X)
                .tolerance(tolerance)
                .run(&model, &rows)
                .unwrap();
            check_logistic_thresholds(&report, &rows, tolerance);
            let bound = call_bound(tolerance);
            println!(
                "logistic bisection: {} rows, tolerance {tolerance:e} of the range: {} model calls (bound ⌈log2(1/tol)⌉ + 2 = {bound})",
                rows.len(),
                report.model_calls
            );
            assert_eq!(report.model_calls, calls.load(Ordering::Relaxed));
            assert!(
                report.model_calls <= bound,
                "{} > {bound}",
                report.model_calls
            );
            assert!(!report.budget_exhausted);
            let summary = &report.thresholds()[0];
            assert_eq!((summary.feature, summary.rows), ("x", rows.len()));
            assert!((summary.median - X_STAR).abs() <= tolerance * RANGE);
        }
    }
}

#[derive(Features, Clone, Debug)]
struct Tenure {
    #[features(range = 0..=72)]
    tenure: u32,
}

#[test]
fn integer_features_bisect_to_adjacent_integers() {
    // P(Yes) = σ(2.3 − 0.31 · tenure): churns below 7.42 months, so 7 churns and 8 does not.
    let model = classifier("tenure-logit", |t: &Tenure| 2.3 - 0.31 * t.tenure as f64);
    let rows: Vec<Tenure> = (0..=72)
        .step_by(3)
        .map(|tenure| Tenure { tenure })
        .collect();
    let report = FlipSearch::new(Tenure::TENURE).run(&model, &rows).unwrap();
    assert_eq!(report.flip_count(), rows.len());
    for (row, t) in report.rows.iter().zip(&rows) {
        let change = &row.flip.as_ref().unwrap().changes[0];
        assert_eq!(change.threshold, Some(7.5));
        let to = change.to.as_number().unwrap();
        assert_eq!(to, if t.tenure <= 7 { 8.0 } else { 7.0 });
    }
    // ⌈log2(72)⌉ = 7 halvings, plus the original rows and both ends.
    println!(
        "integer bisection: {} rows, {} model calls (bound 9)",
        rows.len(),
        report.model_calls
    );
    assert!(report.model_calls <= 7 + 2);
    assert_eq!(
        report.thresholds()[0].to_string(),
        format!(
            "tenure flips at 7.5 (median; quartiles 7.5–7.5) in {0} of {0} rows",
            rows.len()
        )
    );
}

// ---------------------------------------------------------------------------------------
// Protected features.

#[derive(Categorical, Clone, Copy, Debug, PartialEq)]
enum Plan {
    Basic,
    Plus,
    Gold,
}

#[derive(Features, Clone, Debug)]
struct Customer {
    #[features(range = 0..=72)]
    tenure: u32,
    #[features(range = 0.0..=150.0)]
    monthly: f64,
    #[features(protected)]
    female: bool,
    plan: Plan,
}

fn customers(n: usize) -> Dataset<Customer> {
    let plans = [Plan::Basic, Plan::Plus, Plan::Gold];
    let rows: Vec<Customer> = (0..n)
        .map(|i| Customer {
            tenure: ((i * 37) % 73) as u32,
            monthly: 20.0 + ((i * 53) % 100) as f64,
            female: i % 2 == 0,
            plan: plans[i % 3],
        })
        .collect();
    let labels = Labels::classes(
        rows.iter()
            .map(|c| if c.tenure < 12 { "Yes" } else { "No" }),
    )
    .unwrap();
    Dataset::from_rows(rows, labels).unwrap()
}

/// Churn score: short tenure and high charges churn.
fn churn_score(c: &Customer) -> f64 {
    1.5 - 0.12 * c.tenure as f64 + 0.02 * c.monthly
}

const FEMALE_WEIGHT: f64 = 0.8;

fn reads_female(c: &Customer) -> f64 {
    churn_score(c) + if c.female { FEMALE_WEIGHT } else { 0.0 }
}

#[test]
fn a_model_reading_a_protected_feature_fails_never() {
    let data = Arc::new(customers(300));
    // The rows whose label changes with `female`, in closed form.
    let analytic = data
        .rows()
        .iter()
        .filter(|c| {
            let other = Customer {
                female: !c.female,
                ..(*c).clone()
            };
            (reads_female(c) > 0.0) != (reads_female(&other) > 0.0)
        })
        .count();
    assert!(analytic > 0);

    let report = FlipSearch::new(Customer::FEMALE)
        .run(&classifier("reads-female", reads_female), data.rows())
        .unwrap();
    assert_eq!(report.flip_count(), analytic);
    assert_eq!(
        report.model_calls, 2,
        "the original rows, then every row's other value at once"
    );

    let run = check(classifier("reads-female", reads_female), data.clone())
        .expect(flip(Customer::FEMALE).never())
        .run(7);
    let outcome = &run.outcomes[0];
    println!(
        "{}: {:?}\n  {:?}",
        outcome.expectation, outcome.note, outcome.examples
    );
    assert_eq!(
        outcome.expectation,
        "no prediction flips when `female` changes"
    );
    assert_eq!(outcome.verdict, Verdict::Fail);
    assert_eq!(outcome.evidence.n, 300);
    assert_eq!(outcome.evidence.estimate, Some(analytic as f64 / 300.0));
    assert_eq!(outcome.examples.len(), 5);
    // The distances to the flips, for the report: a changed `bool` is 1 away, so every
    // flipping row sits in the last of the ten bins.
    let table = &outcome.evidence.tables[0];
    assert_eq!(table.name, "distance to the nearest flip");
    let counts: Vec<f64> = table
        .rows
        .iter()
        .map(|r| match r[2] {
            model_check::expect::Cell::Number(x) => x,
            _ => panic!("a count"),
        })
        .collect();
    assert_eq!(counts.len(), 10);
    assert_eq!(counts[9], analytic as f64);
    assert_eq!(counts.iter().sum::<f64>(), analytic as f64);
    let example = &outcome.examples[0];
    let c = &data.rows()[example.row];
    let flipped = Customer {
        female: !c.female,
        ..c.clone()
    };
    let (from, to) = if c.female { (1, 0) } else { (0, 1) };
    let class = if reads_female(&flipped) > 0.0 {
        "Yes"
    } else {
        "No"
    };
    let p = |c: &Customer| {
        let yes = sigmoid(reads_female(c));
        if class == "Yes" { yes } else { 1.0 - yes }
    };
    // The example is structured: the edit, and the score before and after (which the
    // sentence is derived from).
    assert_eq!(example.edits.len(), 1);
    let edit = &example.edits[0];
    assert_eq!(
        (
            edit.target.as_str(),
            edit.before.as_str(),
            edit.after.as_str()
        ),
        ("female", from.to_string().as_str(), to.to_string().as_str())
    );
    let score = example.score.as_ref().expect("a flip has scores");
    assert_eq!(score.name, format!("P({class})"));
    assert!((score.before - p(c)).abs() < 1e-12);
    assert!((score.after - p(&flipped)).abs() < 1e-12);
    assert_eq!(score.label_after.as_deref(), Some(class));
    assert!(
        example.detail.starts_with(&format!(
            "female: {from} → {to}; P({class}) {:.3} → {:.3}",
            p(c),
            p(&flipped)
        )),
        "{}",
        example.detail
    );
}

#[test]
fn a_model_ignoring_a_protected_feature_passes_never() {
    let data = Arc::new(customers(300));
    let run = check(classifier("fair", churn_score), data)
        .expect(flip(Customer::FEMALE).never())
        .run(7);
    let outcome = &run.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Pass, "{:?}", outcome.note);
    assert_eq!(outcome.evidence.estimate, Some(0.0));
    assert_eq!(outcome.evidence.n, 300);
    assert_eq!(outcome.evidence.method, Method::wilson());
    let ci = outcome.evidence.interval.unwrap();
    // Wilson interval of 0 of 300: [0, z²/(n + z²)].
    let z2 = model_check::metrics::Z_95.powi(2);
    assert_eq!(ci.lo, 0.0);
    assert!((ci.hi - z2 / (300.0 + z2)).abs() < 1e-12);
    assert!(outcome.examples.is_empty());
    // The predictions of the original rows come from the predict-once cache; the search
    // itself makes one call.
    assert!(
        outcome
            .note
            .as_deref()
            .unwrap()
            .ends_with("1 model call in 1 round for the search (budget 256 rounds)")
    );

    // Composes with sampling: the sample's rows are searched.
    let sampled = check(classifier("fair", churn_score), Arc::new(customers(300)))
        .sample(100)
        .expect(flip(Customer::FEMALE).never())
        .run(7);
    assert_eq!(sampled.outcomes[0].verdict, Verdict::Pass);
    assert_eq!(sampled.outcomes[0].evidence.n, 100);
    assert_eq!(sampled.outcomes[0].cohort, "all (sample of 100)");
}

// ---------------------------------------------------------------------------------------
// Categorical features.

#[test]
fn a_model_keyed_on_one_level_flips_only_to_and_from_it() {
    let data = customers(90);
    let gold = |c: &Customer| if c.plan == Plan::Gold { 3.0 } else { -3.0 };
    let report = FlipSearch::new(Customer::PLAN)
        .run(&classifier("gold", gold), data.rows())
        .unwrap();
    assert_eq!(
        report.flip_count(),
        90,
        "every row flips by changing its plan"
    );
    for (row, c) in report.rows.iter().zip(data.rows()) {
        let change = &row.flip.as_ref().unwrap().changes[0];
        assert_eq!(change.distance, 1.0);
        assert_eq!(change.threshold, None);
        if c.plan == Plan::Gold {
            assert_eq!(change.from.as_category(), Some("Gold"));
            assert_ne!(change.to.as_category(), Some("Gold"));
        } else {
            assert_eq!(change.to.as_category(), Some("Gold"));
        }
    }
    // To `Yes` only: gold rows already predict it and are not searched.
    let report = FlipSearch::new(Customer::PLAN)
        .to("Yes")
        .run(&classifier("gold", gold), data.rows())
        .unwrap();
    assert_eq!(report.searched(), 60);
    assert_eq!(report.flip_count(), 60);
    assert!(
        report
            .flipped()
            .all(|r| r.flip.as_ref().unwrap().changes[0].to.as_category() == Some("Gold"))
    );
    assert_eq!(
        report
            .rows
            .iter()
            .filter(|r| r.status == SearchStatus::AlreadyTarget)
            .count(),
        30
    );
}

// ---------------------------------------------------------------------------------------
// Several features: search, then shrink.

#[derive(Features, Clone, Debug)]
struct Box4 {
    #[features(range = 0.0..=1.0)]
    x: f64,
    #[features(range = 0.0..=1.0)]
    y: f64,
    #[features(range = 0.0..=1.0)]
    z: f64,
    plan: Plan,
}

fn box_rows(n: usize) -> Vec<Box4> {
    (0..n)
        .map(|i| Box4 {
            x: 0.1 + 0.3 * ((i * 7) % 10) as f64 / 10.0,
            y: 0.1 + 0.3 * ((i * 3) % 10) as f64 / 10.0,
            z: ((i * 11) % 10) as f64 / 10.0,
            plan: [Plan::Basic, Plan::Plus, Plan::Gold][i % 3],
        })
        .collect()
}

fn search4() -> FlipSearch<Box4> {
    FlipSearch::new(Box4::X)
        .and(Box4::Y)
        .and(Box4::Z)
        .and(Box4::PLAN)
        .seed(11)
}

#[test]
fn a_flip_that_needs_two_features_shrinks_to_exactly_those_two() {
    // Yes only when x > 0.5 and y > 0.5: no single feature flips any row.
    let both = |b: &Box4| if b.x > 0.5 && b.y > 0.5 { 4.0 } else { -4.0 };
    let rows = box_rows(30);
    let report = search4().run(&classifier("and", both), &rows).unwrap();
    let tol = 1e-6;
    assert_eq!(report.flip_count(), rows.len());
    let mut from = 0;
    for (row, b) in report.rows.iter().zip(&rows) {
        assert_eq!(row.status, SearchStatus::Complete);
        assert!(row.single_feature.is_empty());
        let flip = row.flip.as_ref().unwrap();
        let names: Vec<&str> = flip.changes.iter().map(|c| c.name).collect();
        assert_eq!(names, ["x", "y"], "row {}", row.row);
        for change in &flip.changes {
            assert!((change.threshold.unwrap() - 0.5).abs() <= tol);
            assert_eq!(change.direction, Some(Direction::Up));
        }
        // The smallest such change moves both just past 0.5.
        let nearest = (0.5 - b.x) + (0.5 - b.y);
        assert!(
            (flip.distance - nearest).abs() <= 2.0 * tol,
            "{} vs {nearest}",
            flip.distance
        );
        from += flip.shrunk_from.unwrap();
    }
    println!(
        "AND of two features: {} rows flipped; random points changed {:.2} features on average, shrunk to 2; {} model calls",
        rows.len(),
        from as f64 / rows.len() as f64,
        report.model_calls
    );
    assert!(report.model_calls <= 256);
}

#[test]
fn a_flip_either_feature_makes_shrinks_to_one_feature() {
    // Yes when x > 0.8 or y > 0.6: each flips alone; the nearer one is the smallest change.
    let either = |b: &Box4| if b.x > 0.8 || b.y > 0.6 { 4.0 } else { -4.0 };
    let rows = box_rows(30);
    let report = search4().run(&classifier("or", either), &rows).unwrap();
    for (row, b) in report.rows.iter().zip(&rows) {
        let flip = row.flip.as_ref().unwrap();
        assert_eq!(flip.changes.len(), 1);
        let (dx, dy) = (0.8 - b.x, 0.6 - b.y);
        let expected = if dx < dy { "x" } else { "y" };
        assert_eq!(flip.changes[0].name, expected, "x = {}, y = {}", b.x, b.y);
        assert_eq!(row.single_feature.len(), 2, "both flip alone");
    }

    // Yes when x or y is inside (0.45, 0.55): neither end of a range flips, so only the
    // random search finds it, over several features; shrinking drops all but one, and
    // bisects it back to the edge of the band.
    let band = |b: &Box4| {
        let inside = |v: f64| v > 0.45 && v < 0.55;
        if inside(b.x) || inside(b.y) {
            4.0
        } else {
            -4.0
        }
    };
    let report = search4()
        .random_points(256)
        .budget(512)
        .run(&classifier("band", band), &rows)
        .unwrap();
    let mut shrunk = 0;
    for (row, b) in report.rows.iter().zip(&rows) {
        let Some(flip) = row.flip.as_ref() else {
            continue;
        };
        assert_eq!(flip.changes.len(), 1, "row {}: {flip}", row.row);
        let change = &flip.changes[0];
        let from = if change.name == "x" { b.x } else { b.y };
        assert!(from < 0.45);
        assert!(
            (change.threshold.unwrap() - 0.45).abs() <= 1e-6,
            "{change:?}"
        );
        assert!(flip.shrunk_from.unwrap() >= 1);
        shrunk += 1;
    }
    println!(
        "band model: {shrunk} of {} rows flipped and shrunk to one feature; {} model calls",
        rows.len(),
        report.model_calls
    );
    assert!(shrunk >= rows.len() * 9 / 10);
}

// ---------------------------------------------------------------------------------------
// Budget, determinism, settings.

#[test]
fn running_out_of_budget_is_reported() {
    let rows = points(100);
    let (model, calls) = counted(classifier("logistic", |p: &Point| A * p.x + B));
    let report = FlipSearch::new(Point::X)
        .budget(5)
        .run(&model, &rows)
        .unwrap();
    assert!(report.budget_exhausted);
    // One call for the original rows, then at most the budget.
    assert_eq!(calls.load(Ordering::Relaxed), 6);
    assert_eq!(report.model_calls, 6);
    assert_eq!(report.unfinished().len(), rows.len());
    // The flips are real, located only to 20 / 2^4 = 1.25.
    for row in &report.rows {
        assert_eq!(row.status, SearchStatus::OutOfBudget);
        let t = row.flip.as_ref().unwrap().changes[0].threshold.unwrap();
        assert!((t - X_STAR).abs() <= 1.25);
    }

    // Running out while shrinking: the flips found are real, but not minimal.
    let both = |b: &Box4| if b.x > 0.5 && b.y > 0.5 { 4.0 } else { -4.0 };
    let boxes = box_rows(30);
    let report = search4()
        .budget(10)
        .run(&classifier("and", both), &boxes)
        .unwrap();
    assert!(report.budget_exhausted);
    assert!(report.model_calls <= 11);
    assert!(report.flip_count() > 0);
    for (row, b) in report.rows.iter().zip(&boxes) {
        assert_eq!(row.status, SearchStatus::OutOfBudget);
        if let Some(flip) = &row.flip {
            let mut changed = b.clone();
            for c in &flip.changes {
                changed.set_value(c.feature, c.to.clone()).unwrap();
            }
            assert!(both(&changed) > 0.0, "{flip}");
        }
    }

    // A model that never flips, with too small a budget to finish the combination search:
    // never() cannot pass, and says why.
    let data = Arc::new(customers(50));
    let run = check(classifier("fair", churn_score), data)
        .expect(flip(Customer::FEMALE).and(Customer::PLAN).never().budget(2))
        .run(3);
    let outcome = &run.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Inconclusive, "{:?}", outcome.note);
    assert!(
        outcome
            .note
            .as_deref()
            .unwrap()
            .starts_with("the budget (2 rounds) ran out with 50 of 50 rows not fully searched"),
        "{:?}",
        outcome.note
    );
}

#[test]
fn the_same_seed_gives_the_same_result() {
    let both = |b: &Box4| if b.x > 0.5 && b.y > 0.5 { 4.0 } else { -4.0 };
    let rows = box_rows(20);
    let model = classifier("and", both);
    let a = search4().seed(5).run(&model, &rows).unwrap();
    let b = search4().seed(5).run(&model, &rows).unwrap();
    assert_eq!(a, b);

    let data =
        Arc::new(Dataset::from_rows(rows, Labels::classes(vec!["No"; 20]).unwrap()).unwrap());
    let expectation = || flip(Box4::X).and(Box4::Y).and(Box4::Z).min_distance(0.6);
    let first = check(classifier("and", both), data.clone())
        .expect(expectation())
        .run(9);
    let again = check(classifier("and", both), data)
        .expect(expectation())
        .run(9);
    assert_eq!(first.outcomes, again.outcomes);
    // Row i has x = 0.1 + 0.03·(7i mod 10) and y = 0.1 + 0.03·(3i mod 10); the two residues
    // sum to 10 unless i is a multiple of 10, so moving both to 0.5 costs 1 − x − y = 0.5,
    // else 0.8.
    let outcome = &first.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail);
    assert!((outcome.evidence.estimate.unwrap() - 0.5).abs() <= 2e-6);
    assert_eq!(outcome.examples.len(), 5);
    for example in &outcome.examples {
        assert_ne!(example.row % 10, 0);
        assert!(
            example.remarks == ["distance 0.5"] && example.detail.ends_with("; distance 0.5"),
            "{}",
            example.detail
        );
    }
}

#[test]
fn invalid_settings_are_clear_errors() {
    let rows = points(10);
    let model = classifier("logistic", |p: &Point| A * p.x + B);
    let setting = |e: EvalError| match e {
        EvalError::Data(DataError::Setting { reason }) => reason,
        other => panic!("not a setting error: {other}"),
    };
    let empty = FlipSearch::<Point>::over(Vec::new())
        .run(&model, &rows)
        .unwrap_err();
    assert!(setting(empty).contains("the feature list is empty"));
    let unknown = FlipSearch::new(Point::X)
        .to("Maybe")
        .run(&model, &rows)
        .unwrap_err();
    assert_eq!(
        setting(unknown),
        "target label \"Maybe\" is not a class of the model (classes: No, Yes)"
    );
    let tolerance = FlipSearch::new(Point::X)
        .tolerance(0.0)
        .run(&model, &rows)
        .unwrap_err();
    assert!(setting(tolerance).contains("tolerance"));
    let budget = FlipSearch::new(Point::X)
        .budget(0)
        .run(&model, &rows)
        .unwrap_err();
    assert!(setting(budget).contains("budget"));
    let outside = FlipSearch::<Point>::over([3])
        .run(&model, &rows)
        .unwrap_err();
    assert!(setting(outside).contains("outside the schema"));

    let data = Arc::new(customers(20));
    let error = |e: FlipExpectation<Customer>| {
        let run = check(classifier("fair", churn_score), data.clone())
            .expect(e)
            .run(1);
        assert_eq!(run.outcomes[0].verdict, Verdict::Error);
        run.outcomes[0].note.clone().unwrap()
    };
    assert_eq!(
        error(flip(Customer::FEMALE).max_rate(1.5)),
        "a maximum flip rate is in [0, 1], got 1.5"
    );
    assert_eq!(
        error(flip(Customer::FEMALE).min_distance(-0.1)),
        "a minimum flipping distance is a finite number at least 0, got -0.1"
    );
    assert!(error(flip(Customer::FEMALE).to("Churn").never()).contains("\"Churn\" is not a class"));
}

#[test]
fn the_flip_rate_is_decided_by_its_wilson_interval() {
    let data = Arc::new(customers(300));
    let model = || classifier("reads-female", reads_female);
    let rate = FlipSearch::new(Customer::FEMALE)
        .run(&model(), data.rows())
        .unwrap()
        .flip_rate();
    let ci = rate.wilson().unwrap();
    println!("female flip rate: {rate}");
    let verdict = |r: f64| {
        check(model(), data.clone())
            .expect(flip(Customer::FEMALE).max_rate(r))
            .run(1)
            .outcomes[0]
            .clone()
    };
    assert_eq!(verdict(ci.hi + 0.01).verdict, Verdict::Pass);
    assert_eq!(verdict(ci.lo - 0.01).verdict, Verdict::Fail);
    let between = verdict(rate.rate().unwrap());
    assert_eq!(between.verdict, Verdict::Inconclusive);
    assert!(
        between
            .note
            .unwrap()
            .starts_with("the flip rate equals the threshold")
    );
    let straddles = verdict((rate.rate().unwrap() + ci.hi) / 2.0);
    assert_eq!(straddles.verdict, Verdict::Inconclusive);
    assert!(straddles.evidence.rows_needed.unwrap() > 300);
    assert_eq!(
        straddles.expectation,
        format!(
            "at most {}% of predictions flip when `female` changes",
            model_check_percent((rate.rate().unwrap() + ci.hi) / 2.0)
        )
    );

    // Composes with cohorts: within one plan, with a target.
    let gold = check(model(), data.clone())
        .on(Cohort::equals(Customer::PLAN, Plan::Gold))
        .expect(flip(Customer::TENURE).to("Yes").max_rate(1.0))
        .run(1);
    assert_eq!(gold.outcomes[0].verdict, Verdict::Pass);
    assert!(
        gold.outcomes[0]
            .note
            .as_deref()
            .unwrap()
            .contains("tenure flips at")
    );
}

/// The percentage as the expectation shows it: at most five significant digits.
fn model_check_percent(rate: f64) -> String {
    let x = 100.0 * rate;
    let decimals = (4 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{x:.decimals$}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

// ---------------------------------------------------------------------------------------
// A real model: smartcore logistic regression on the Telco churn data.

mod real {
    use super::common::{Customer, telco};
    use super::*;
    /// A churn model trained on a sample of 1500 of 75% of Telco (the whole 75% takes
    /// seconds to fit in a debug build), and the held-out 25%.
    fn churn_model() -> (
        impl Model<Input = Customer, Output = Probabilities>,
        Dataset<Customer>,
    ) {
        let (train, test) = telco("churn").split(0.75, 42).unwrap();
        let train = train.sample(1500, 42).unwrap();
        let model = super::common::telco_logistic(
            &train,
            ModelInfo::new("churn-logistic-regression", "smartcore-0.7"),
        );
        (model, test)
    }

    #[test]
    fn flips_of_a_real_churn_model_are_minimal() {
        let (model, test) = churn_model();
        let rows = test.sample_rows(300, 7).unwrap();
        let search = FlipSearch::new(Customer::TENURE)
            .and(Customer::MONTHLY_CHARGES)
            .and(Customer::CONTRACT)
            .and(Customer::INTERNET_SERVICE)
            .and(Customer::FEMALE)
            .seed(7);
        let report = search.run_on(&model, &test, &rows).unwrap();
        let several: Vec<_> = report
            .flipped()
            .filter_map(|r| r.flip.as_ref())
            .filter(|f| f.shrunk_from.is_some())
            .collect();
        let single = report.flip_count() - several.len();
        println!(
            "Telco logistic regression, {} rows, features tenure, monthly_charges, contract, internet_service, female:",
            rows.len()
        );
        println!(
            "  {} rows flip: {single} by one feature, {} only by several ({} model calls, budget exhausted: {})",
            report.flip_count(),
            several.len(),
            report.model_calls,
            report.budget_exhausted
        );
        if !several.is_empty() {
            let before: usize = several.iter().map(|f| f.shrunk_from.unwrap()).sum();
            let after: usize = several.iter().map(|f| f.changes.len()).sum();
            println!(
                "  shrinking: {:.2} → {:.2} changed features on average; mean distance {:.3}",
                before as f64 / several.len() as f64,
                after as f64 / several.len() as f64,
                several.iter().map(|f| f.distance).sum::<f64>() / several.len() as f64
            );
        }
        for summary in report.thresholds() {
            println!("  {summary}");
        }
        assert!(report.flip_count() > 0);

        // The model reads `female` a little: a never() check on the whole test split fails,
        // and each counterexample flips when only `female` changes.
        let (model2, _) = churn_model();
        let test = Arc::new(test);
        let run = check(model2, test.clone())
            .expect(flip(Customer::FEMALE).never())
            .run(7);
        let outcome = &run.outcomes[0];
        println!(
            "  {}: {} (rate {:?} of {}, {:?})\n  note: {}",
            outcome.expectation,
            outcome.verdict.label(),
            outcome.evidence.estimate,
            outcome.evidence.n,
            outcome.evidence.interval,
            outcome.note.as_deref().unwrap_or("")
        );
        for example in &outcome.examples {
            println!("    row {:>5}  {}", example.row, example.detail);
            let original = test.rows()[example.row].clone();
            let mut changed = original.clone();
            changed.female = 1 - changed.female;
            let p = model.predict(&[original, changed]).unwrap();
            assert_ne!(p[0].predicted(), p[1].predicted());
        }
        if outcome.evidence.estimate.unwrap() > 0.0 {
            assert_eq!(outcome.verdict, Verdict::Fail);
            assert!(!outcome.examples.is_empty());
        }

        // Check every flip against the model itself: it flips, and it is 1-minimal —
        // undoing any one of its changes undoes the flip.
        let originals = model
            .predict(
                &rows
                    .iter()
                    .map(|&r| test.rows()[r].clone())
                    .collect::<Vec<_>>(),
            )
            .unwrap();
        for (row, original) in report.rows.iter().zip(&originals) {
            assert_eq!(row.original, *original);
            let Some(flip) = &row.flip else { continue };
            let base = &test.rows()[row.row];
            let apply = |skip: Option<usize>| {
                let mut changed = base.clone();
                for (i, c) in flip.changes.iter().enumerate() {
                    if Some(i) != skip {
                        changed.set_value(c.feature, c.to.clone()).unwrap();
                    }
                }
                model.predict(&[changed]).unwrap().remove(0).predicted()
            };
            assert_ne!(
                apply(None),
                original.predicted(),
                "row {} does not flip",
                row.row
            );
            if flip.changes.len() > 1 {
                for i in 0..flip.changes.len() {
                    assert_eq!(
                        apply(Some(i)),
                        original.predicted(),
                        "row {}: {flip}",
                        row.row
                    );
                }
            }
            // A tenure threshold separates adjacent months that predict differently.
            for change in flip.changes.iter().filter(|c| c.name == "tenure") {
                let t = change.threshold.unwrap();
                assert_eq!(t.fract(), 0.5);
            }
        }
    }
}

#[test]
fn the_budget_counts_rounds_so_any_number_of_rows_finishes() {
    // 61,000 rows: fifteen batches a round. Under a budget of calls the default (256) ran out
    // with most rows unfinished; rounds do not grow with rows.
    let rows = points(61_000);
    let (model, calls) = counted(classifier("logistic", |p: &Point| A * p.x + B));
    let report = FlipSearch::new(Point::X).run(&model, &rows).unwrap();
    assert!(!report.budget_exhausted);
    assert!(report.unfinished().is_empty());
    // ⌈log2(range / tolerance)⌉ + 2 = 22 rounds at 1e-6, whatever the number of rows.
    assert!(report.rounds <= 24, "{} rounds", report.rounds);
    assert_eq!(report.model_calls, calls.load(Ordering::Relaxed));
    // Each round's rows go in batches of 4,096: fifteen for the original rows, at most thirty
    // a round (the first tries both ends of the range for every row: 122,000 inputs).
    println!(
        "{} rounds, {} model calls",
        report.rounds, report.model_calls
    );
    assert!(
        report.model_calls <= 15 + 30 * report.rounds,
        "{} calls in {} rounds",
        report.model_calls,
        report.rounds
    );
    for row in &report.rows {
        let t = row.flip.as_ref().unwrap().changes[0].threshold.unwrap();
        assert!((t - X_STAR).abs() <= 1e-6 * 20.0, "{t}");
    }
}
