// #[ignore] written as its own attribute instead of #[model_test(ignore)].
use model_check::prelude::*;

#[model_test]
#[ignore]
fn needs_data() {}

#[model_test(seed = 7)]
#[ignore = "needs a GPU"]
fn needs_gpu() {}

fn main() {}
