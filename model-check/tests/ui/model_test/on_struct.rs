// #[model_test] on a struct.
use model_check::prelude::*;

#[model_test]
struct Suite {
    threshold: f64,
}

fn main() {}
