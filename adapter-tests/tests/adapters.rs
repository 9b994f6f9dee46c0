//! The `smartcore` and `linfa` adapters on the Telco churn data: each framework's model is
//! trained, wrapped, and checked against the framework itself — the adapter's labels are the
//! framework's `predict` on every row, probabilities are rows summing to one, batches of any
//! size give the same outputs, and model-check's accuracy (or MAE) is the one computed by hand
//! from the framework's own predictions.

use model_check::adapters::Flat;
use model_check::adapters::linfa::{LinfaClassifier, LinfaRegressor, ndarray};
use model_check::adapters::smartcore::{SmartcoreClassifier, SmartcoreRegressor, Votes};
use model_check::prelude::*;
use serde::Deserialize;
use smartcore::ensemble::random_forest_classifier::{
    RandomForestClassifier, RandomForestClassifierParameters,
};
use smartcore::ensemble::random_forest_regressor::{
    RandomForestRegressor, RandomForestRegressorParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::linear_regression::LinearRegression;
use smartcore::linear::logistic_regression::LogisticRegression;
use smartcore::tree::decision_tree_classifier::{
    DecisionTreeClassifier, DecisionTreeClassifierParameters,
};

const TELCO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/data/telco_churn.csv"
);
const SEED: u64 = 42;

/// Part of a Telco customer: numbers, a gap (`total_charges`), and categories to one-hot.
#[derive(Features, Deserialize, Debug, Clone)]
struct Customer {
    senior_citizen: u8,
    partner: u8,
    tenure: u32,
    internet_service: String,
    contract: String,
    paperless_billing: u8,
    monthly_charges: f64,
    total_charges: Option<f64>,
}

/// The same customer without its contract, which is the label of a three-class model.
#[derive(Features, Deserialize, Debug, Clone)]
struct Subscriber {
    senior_citizen: u8,
    tenure: u32,
    internet_service: String,
    paperless_billing: u8,
    monthly_charges: f64,
    total_charges: Option<f64>,
}

/// The same customer without its monthly charges, the target of the regressors.
#[derive(Features, Deserialize, Debug, Clone)]
struct Account {
    senior_citizen: u8,
    tenure: u32,
    internet_service: String,
    contract: String,
    phone_service: u8,
}

fn split<R: Features + for<'de> Deserialize<'de> + Clone>(
    options: CsvOptions,
) -> (Dataset<R>, Dataset<R>) {
    let data: Dataset<R> = Dataset::from_csv(TELCO, options.id("rownames")).unwrap();
    data.split(0.75, SEED).unwrap()
}

fn dense<R: Features>(encoder: &Encoder<R>, rows: &[R]) -> DenseMatrix<f64> {
    DenseMatrix::new(
        rows.len(),
        encoder.width(),
        encoder.encode_flat(rows),
        false,
    )
    .unwrap()
}

fn class_labels<R>(data: &Dataset<R>) -> Vec<i32> {
    let indices = data.labels().class_indices().unwrap();
    indices.iter().map(|&c| c as i32).collect()
}

/// `(label, name)` pairs for smartcore: the class indices, ascending, and their names.
fn smartcore_classes<R>(data: &Dataset<R>) -> Vec<(i32, String)> {
    let names = data.labels().class_names().unwrap();
    names
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, n)| (i as i32, n))
        .collect()
}

/// The checks every classifier adapter passes on `data`, given the class the framework's own
/// `predict` gives each row.
fn check_classifier<R, M>(model: &M, data: &Dataset<R>, framework: &[String])
where
    R: Features + Clone,
    M: Model<Input = R, Output = Probabilities>,
{
    let rows = data.rows();
    let whole = model.predict(rows).unwrap();
    assert_eq!(whole.len(), rows.len());

    // The adapter's labels are the framework's, row by row.
    let disagree = (0..rows.len())
        .filter(|&r| whole[r].label() != framework[r])
        .count();
    assert_eq!(disagree, 0, "{}: {disagree} rows disagree", model.info());

    // Probabilities: rows in [0, 1] summing to one.
    for p in &whole {
        assert!(p.as_slice().iter().all(|q| (0.0..=1.0).contains(q)));
        assert!(
            (p.as_slice().iter().sum::<f64>() - 1.0).abs() < 1e-9,
            "{p:?}"
        );
    }

    // Any batching gives the same outputs, bit for bit.
    for size in [1, 7, 256, rows.len() + 1] {
        let batched: Vec<Probabilities> = rows
            .chunks(size)
            .flat_map(|chunk| model.predict(chunk).unwrap())
            .collect();
        assert_eq!(batched, whole, "{}: batches of {size}", model.info());
    }
    assert!(model.predict(&[]).unwrap().is_empty());

    // model-check's accuracy is the framework's, counted by hand.
    let truth = data.labels().class_names().unwrap();
    let indices = data.labels().class_indices().unwrap();
    let correct = (0..rows.len())
        .filter(|&r| framework[r] == truth[indices[r] as usize])
        .count() as u64;
    let metrics = evaluate_classifier(model, data, &[Cohort::all()]).unwrap();
    let accuracy = metrics[0].metrics.accuracy();
    assert_eq!(
        (accuracy.successes(), accuracy.n()),
        (correct, rows.len() as u64)
    );
    assert_eq!(accuracy.rate(), Some(correct as f64 / rows.len() as f64));
}

/// smartcore's `predict` as class names.
fn named<R>(data: &Dataset<R>, predicted: Vec<i32>) -> Vec<String> {
    let names = data.labels().class_names().unwrap();
    predicted
        .into_iter()
        .map(|c| names[c as usize].clone())
        .collect()
}

#[test]
fn smartcore_logistic_regression_is_smartcore() {
    let (train, test) = split::<Customer>(CsvOptions::classify("churn"));
    let encoder = Encoder::fit_standardized(&train);
    let x = dense(&encoder, train.rows());
    let lr = LogisticRegression::fit(&x, &class_labels(&train), Default::default()).unwrap();
    let own_train = named(&train, lr.predict(&x).unwrap());
    let own_test = named(&test, lr.predict(&dense(&encoder, test.rows())).unwrap());

    let model = SmartcoreClassifier::new(
        ModelInfo::new("smartcore-logit", "1"),
        lr,
        smartcore_classes(&train),
        encoder,
    )
    .unwrap();
    assert_eq!(model.classes().names(), ["No", "Yes"]);
    check_classifier(&model, &train, &own_train);
    check_classifier(&model, &test, &own_test);
    // A real model, not a constant one.
    let accuracy = evaluate_classifier(&model, &test, &[Cohort::all()]).unwrap()[0]
        .metrics
        .accuracy();
    assert!(accuracy.rate().unwrap() > 0.75, "{accuracy:?}");
}

#[test]
fn smartcore_multinomial_logistic_regression_is_smartcore() {
    let (train, test) = split::<Subscriber>(CsvOptions::classify("contract"));
    let encoder = Encoder::fit_standardized(&train);
    let x = dense(&encoder, train.rows());
    let lr = LogisticRegression::fit(&x, &class_labels(&train), Default::default()).unwrap();
    let own = named(&test, lr.predict(&dense(&encoder, test.rows())).unwrap());

    let model = SmartcoreClassifier::new(
        ModelInfo::new("smartcore-contract", "1"),
        lr,
        smartcore_classes(&train),
        encoder,
    )
    .unwrap();
    assert_eq!(model.classes().len(), 3);
    check_classifier(&model, &test, &own);
}

#[test]
fn smartcore_classes_are_checked() {
    let (train, _) = split::<Customer>(CsvOptions::classify("churn"));
    let encoder = Encoder::fit(&train);
    let x = dense(&encoder, train.rows());
    let y = class_labels(&train);
    let fit = || LogisticRegression::fit(&x, &y, Default::default()).unwrap();
    let info = ModelInfo::new("lr", "1");
    // Not ascending, and not the labels the model was trained on.
    let err = SmartcoreClassifier::<Vec<f64>, _, _, _>::new(
        info.clone(),
        fit(),
        [(1, "Yes"), (0, "No")],
        Flat,
    )
    .unwrap_err();
    assert!(err.to_string().contains("ascending"), "{err}");
    let err = SmartcoreClassifier::<Vec<f64>, _, _, _>::new(
        info.clone(),
        fit(),
        [(0, "No"), (2, "Yes")],
        Flat,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("trained on labels [0, 1]"),
        "{err}"
    );
    // A row of the wrong width is an error, not a panic.
    let model = SmartcoreClassifier::new(info, fit(), [(0, "No"), (1, "Yes")], Flat).unwrap();
    assert!(model.predict(&[vec![1.0, 2.0], vec![1.0]]).is_err());
}

#[test]
fn smartcore_decision_tree_is_smartcore() {
    let (train, test) = split::<Customer>(CsvOptions::classify("churn"));
    let encoder = Encoder::fit(&train);
    let x = dense(&encoder, train.rows());
    let parameters = DecisionTreeClassifierParameters {
        seed: Some(SEED),
        ..Default::default()
    }
    .with_max_depth(6)
    .with_min_samples_leaf(5);
    let tree = DecisionTreeClassifier::fit(&x, &class_labels(&train), parameters).unwrap();
    let own = named(&test, tree.predict(&dense(&encoder, test.rows())).unwrap());

    let model = SmartcoreClassifier::new(
        ModelInfo::new("smartcore-tree", "1"),
        tree,
        smartcore_classes(&train),
        encoder,
    )
    .unwrap();
    check_classifier(&model, &test, &own);
}

#[test]
fn smartcore_random_forest_is_smartcore() {
    let (train, test) = split::<Customer>(CsvOptions::classify("churn"));
    let encoder = Encoder::fit(&train);
    let x = dense(&encoder, train.rows());
    let parameters = RandomForestClassifierParameters::default()
        .with_n_trees(15)
        .with_max_depth(6)
        .with_seed(SEED);
    let forest = RandomForestClassifier::fit(&x, &class_labels(&train), parameters).unwrap();
    let own = named(
        &test,
        forest.predict(&dense(&encoder, test.rows())).unwrap(),
    );

    let model = SmartcoreClassifier::new(
        ModelInfo::new("smartcore-forest", "1"),
        forest,
        smartcore_classes(&train),
        encoder,
    )
    .unwrap();
    check_classifier(&model, &test, &own);
}

#[test]
fn smartcore_tree_votes_are_shares_of_trees() {
    use rand::{RngExt, SeedableRng};

    let (train, test) = split::<Customer>(CsvOptions::classify("churn"));
    let encoder = Encoder::fit(&train);
    let x = encoder.encode_flat(train.rows());
    let width = encoder.width();
    let y = class_labels(&train);
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(SEED);
    let mut trees = Vec::new();
    for t in 0..9 {
        let sample: Vec<usize> = (0..train.len())
            .map(|_| rng.random_range(0..train.len()))
            .collect();
        let xs: Vec<f64> = sample
            .iter()
            .flat_map(|&r| x[r * width..(r + 1) * width].iter().copied())
            .collect();
        let ys: Vec<i32> = sample.iter().map(|&r| y[r]).collect();
        let xs = DenseMatrix::new(sample.len(), width, xs, false).unwrap();
        let parameters = DecisionTreeClassifierParameters {
            seed: Some(SEED + t),
            ..Default::default()
        }
        .with_max_depth(6);
        trees.push(DecisionTreeClassifier::fit(&xs, &ys, parameters).unwrap());
    }
    // The majority of the trees' own predictions, by hand (9 trees, two classes: no ties).
    let x_test = dense(&encoder, test.rows());
    let mut yes = vec![0usize; test.len()];
    for tree in &trees {
        for (v, label) in yes.iter_mut().zip(tree.predict(&x_test).unwrap()) {
            *v += usize::from(label == 1);
        }
    }
    let own = named(&test, yes.iter().map(|&v| i32::from(v > 4)).collect());

    let model = SmartcoreClassifier::new(
        ModelInfo::new("smartcore-votes", "1"),
        Votes::new(trees).unwrap(),
        smartcore_classes(&train),
        encoder,
    )
    .unwrap();
    check_classifier(&model, &test, &own);
    let out = model.predict(test.rows()).unwrap();
    for (p, v) in out.iter().zip(&yes) {
        assert_eq!(p.of("Yes"), Some(*v as f64 / 9.0));
    }
}

/// The checks every regressor adapter passes on `data`, given the framework's predictions.
fn check_regressor<R, M>(model: &M, data: &Dataset<R>, framework: &[f64])
where
    R: Features + Clone,
    M: Model<Input = R, Output = f64>,
{
    let rows = data.rows();
    let whole = model.predict(rows).unwrap();
    assert_eq!(whole, framework, "{}", model.info());
    for size in [1, 7, 256, rows.len() + 1] {
        let batched: Vec<f64> = rows
            .chunks(size)
            .flat_map(|chunk| model.predict(chunk).unwrap())
            .collect();
        assert_eq!(batched, whole, "{}: batches of {size}", model.info());
    }
    let targets = data.labels().targets().unwrap();
    let mae = framework
        .iter()
        .zip(targets)
        .map(|(p, y)| (p - y).abs())
        .sum::<f64>()
        / rows.len() as f64;
    let metrics = evaluate_regressor(model, data, &[Cohort::all()]).unwrap();
    let got = metrics[0].metrics.mae().unwrap();
    assert!((got - mae).abs() <= 1e-9 * mae, "{got} vs {mae}");
}

#[test]
fn smartcore_regressors_are_smartcore() {
    let (train, test) = split::<Account>(CsvOptions::regress("monthly_charges"));
    let encoder = Encoder::fit(&train);
    let x = dense(&encoder, train.rows());
    let y = train.labels().targets().unwrap().to_vec();
    let x_test = dense(&encoder, test.rows());

    let ols = LinearRegression::fit(&x, &y, Default::default()).unwrap();
    let own = ols.predict(&x_test).unwrap();
    let model = SmartcoreRegressor::new(ModelInfo::new("smartcore-ols", "1"), ols, encoder.clone());
    check_regressor(&model, &test, &own);

    let parameters = RandomForestRegressorParameters::default()
        .with_n_trees(10)
        .with_max_depth(6)
        .with_seed(SEED);
    let forest = RandomForestRegressor::fit(&x, &y, parameters).unwrap();
    let own = forest.predict(&x_test).unwrap();
    let model = SmartcoreRegressor::new(ModelInfo::new("smartcore-rf", "1"), forest, encoder);
    check_regressor(&model, &test, &own);
}

/// The encoded rows as linfa's (ndarray 0.16) matrix.
fn array<R: Features>(encoder: &Encoder<R>, rows: &[R]) -> ndarray::Array2<f64> {
    ndarray::Array2::from_shape_vec((rows.len(), encoder.width()), encoder.encode_flat(rows))
        .unwrap()
}

fn class_names<R>(data: &Dataset<R>) -> ndarray::Array1<String> {
    let names = data.labels().class_names().unwrap();
    let indices = data.labels().class_indices().unwrap();
    indices.iter().map(|&c| names[c as usize].clone()).collect()
}

#[test]
fn linfa_logistic_regression_is_linfa() {
    use linfa::prelude::*;

    let (train, test) = split::<Customer>(CsvOptions::classify("churn"));
    let encoder = Encoder::fit_standardized(&train);
    let dataset = linfa::Dataset::new(array(&encoder, train.rows()), class_names(&train));
    let fitted = linfa_logistic::LogisticRegression::default()
        .alpha(1.0)
        .max_iterations(200)
        .fit(&dataset)
        .unwrap();
    let own: Vec<String> = fitted.predict(&array(&encoder, test.rows())).to_vec();

    let model = LinfaClassifier::new(ModelInfo::new("linfa-logit", "1"), fitted, encoder).unwrap();
    assert_eq!(model.classes().names(), ["No", "Yes"]);
    check_classifier(&model, &test, &own);
    // Wrong width: an error naming both widths, not linfa's panic.
    let wrong =
        LinfaClassifier::new(ModelInfo::new("w", "1"), model.model().clone(), Flat).unwrap();
    let err = wrong.predict(&[vec![1.0]]).unwrap_err();
    assert!(err.to_string().contains("1 columns"), "{err}");
}

#[test]
fn linfa_multinomial_logistic_regression_is_linfa() {
    use linfa::prelude::*;

    let (train, test) = split::<Subscriber>(CsvOptions::classify("contract"));
    let encoder = Encoder::fit_standardized(&train);
    let dataset = linfa::Dataset::new(array(&encoder, train.rows()), class_names(&train));
    let fitted = linfa_logistic::MultiLogisticRegression::default()
        .max_iterations(100)
        .fit(&dataset)
        .unwrap();
    let own: Vec<String> = fitted.predict(&array(&encoder, test.rows())).to_vec();

    let model =
        LinfaClassifier::new(ModelInfo::new("linfa-contract", "1"), fitted, encoder).unwrap();
    assert_eq!(model.classes().len(), 3);
    check_classifier(&model, &test, &own);
}

#[test]
fn linfa_regressor_is_linfa() {
    use linfa::prelude::*;

    let (train, test) = split::<Account>(CsvOptions::regress("monthly_charges"));
    let encoder = Encoder::fit(&train);
    let y = ndarray::Array1::from(train.labels().targets().unwrap().to_vec());
    let dataset = linfa::Dataset::new(array(&encoder, train.rows()), y);
    let fitted = linfa_linear::LinearRegression::new().fit(&dataset).unwrap();
    let own = fitted.predict(&array(&encoder, test.rows())).to_vec();

    let model = LinfaRegressor::new(ModelInfo::new("linfa-ols", "1"), fitted, encoder);
    check_regressor(&model, &test, &own);
}
