// A negative seed.
use model_check::prelude::*;

#[model_test(seed = -7)]
fn recall_holds() {}

fn main() {}
