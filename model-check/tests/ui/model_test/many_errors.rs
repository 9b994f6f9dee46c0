// Several mistakes in one model test are all reported in one compile.
use model_check::prelude::*;

#[model_test(seed = -1, tags = ["fairness", "fairness"], flaky)]
#[ignore]
async fn recall_holds(_threshold: f64) {}

fn main() {}
