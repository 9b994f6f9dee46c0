// #[should_panic] on a model test.
use model_check::prelude::*;

#[model_test]
#[should_panic]
fn recall_fails() {}

fn main() {}
