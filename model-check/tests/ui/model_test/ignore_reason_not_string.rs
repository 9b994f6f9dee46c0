// An ignore reason that is not a string literal.
use model_check::prelude::*;

#[model_test(ignore = slow)]
fn recall_holds() {}

fn main() {}
