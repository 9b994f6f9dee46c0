mod models;
use model_check::prelude::*;
use models::*;
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let train = load_reviews("food_reviews_train.csv")?;
    let test = load_reviews("food_reviews_test.csv")?;
    let t = Trained::on(&train)?;
    println!(
        "vocab {} thr {}",
        t.nb.vocabulary_size(),
        t.vader.threshold()
    );
    for w in [
        "very",
        "really",
        "not",
        "great",
        "good",
        "the",
        "taste",
        "was",
        "awful",
        "would",
        "buy",
        "again",
        "never",
        "i'm",
        "having",
        "a",
        "day",
        "normal",
        "regular",
        "typical",
        "usual",
        "ordinary",
        "fine",
        "okay",
        "ok",
        "decent",
        "don't",
        "love",
        "like",
        "recommend",
        "soup",
        "coffee",
        "tea",
        "pasta",
        "extremely",
        "so",
        "but",
        "delicious",
        "bad",
        "terrible",
        "stale",
        "bland",
    ] {
        println!(
            "{w}: nb {:?} vader {:?}",
            t.nb.weight(w).map(|x| (x * 100.0).round() / 100.0),
            t.vader.valence(w)
        );
    }
    dbg_sums(&t, &train);
    let nb = naive_bayes_model(&t.nb);
    let vd = vader_model(&t.vader);
    for r in evaluate_classifier(&nb, &test, &[Cohort::all()])? {
        println!("nb {:#}", r.metrics.accuracy());
    }
    for r in evaluate_classifier(&vd, &test, &[Cohort::all()])? {
        println!("vader {:#}", r.metrics.accuracy());
    }
    for r in evaluate_classifier(&nb, &train, &[Cohort::all()])? {
        println!("nb train {:#}", r.metrics.accuracy());
    }
    for r in evaluate_classifier(&vd, &train, &[Cohort::all()])? {
        println!("vader train {:#}", r.metrics.accuracy());
    }
    Ok(())
}
#[allow(dead_code)]
fn dbg_sums(t: &Trained, train: &Dataset<String>) {
    let mut v: Vec<(f64, bool)> = train
        .rows()
        .iter()
        .enumerate()
        .map(|(i, x)| (t.vader.sum(x), train.labels().class_of(i) == Some("great")))
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (s, g) in v.iter().filter(|(s, _)| (*s - 1.5).abs() < 0.35) {
        print!("{s:?}:{} ", *g as u8);
    }
    println!("\nthr {:?}", t.vader.threshold());
}
