// An `async` model test.
use model_check::prelude::*;

#[model_test]
async fn recall_holds() {}

fn main() {}
