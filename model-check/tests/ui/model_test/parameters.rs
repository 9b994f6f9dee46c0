// A model test with parameters.
use model_check::prelude::*;

#[model_test]
fn recall_holds(_threshold: f64, _cohort: &str) {}

fn main() {}
