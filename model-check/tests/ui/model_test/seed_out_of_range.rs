// A seed that does not fit a u64.
use model_check::prelude::*;

#[model_test(seed = 18446744073709551616)]
fn recall_holds() {}

fn main() {}
