// A second test attribute: #[test] under #[model_test].
use model_check::prelude::*;

#[model_test]
#[test]
fn recall_holds() {}

fn main() {}
