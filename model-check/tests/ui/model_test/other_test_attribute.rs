// Another crate's test attribute (here a stand-in for #[tokio::test]) under #[model_test].
use model_check::prelude::*;

mod tokio {
    pub use core::prelude::v1::test;
}

#[model_test(tags = ["fairness"])]
#[tokio::test]
fn recall_holds() {}

fn main() {}
