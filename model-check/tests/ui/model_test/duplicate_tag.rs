// The same tag twice.
use model_check::prelude::*;

#[model_test(tags = ["fairness", "slow", "fairness"])]
fn recall_holds() {}

fn main() {}
