// The same argument twice.
use model_check::prelude::*;

#[model_test(seed = 1, ignore, seed = 2)]
fn recall_holds() {}

fn main() {}
