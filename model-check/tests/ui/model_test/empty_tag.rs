// An empty tag.
use model_check::prelude::*;

#[model_test(tags = ["fairness", ""])]
fn recall_holds() {}

fn main() {}
