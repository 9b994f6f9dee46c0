// A misspelt argument.
use model_check::prelude::*;

#[model_test(sed = 7, tags = ["fairness"])]
fn recall_holds() {}

fn main() {}
