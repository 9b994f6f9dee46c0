// A seed that is not an integer literal.
use model_check::prelude::*;

const SEED: u64 = 7;

#[model_test(seed = "7")]
fn quoted() {}

#[model_test(seed = SEED)]
fn constant() {}

#[model_test(seed = 7i32)]
fn suffixed() {}

fn main() {}
