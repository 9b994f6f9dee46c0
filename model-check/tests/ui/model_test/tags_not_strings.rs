// Tags that are not an array of string literals.
use model_check::prelude::*;

#[model_test(tags = "fairness")]
fn not_an_array() {}

#[model_test(tags = [fairness, "slow", 3])]
fn not_strings() {}

fn main() {}
