// A generic model test.
use model_check::prelude::*;

#[model_test]
fn recall_holds<M: Clone>() {}

fn main() {}
