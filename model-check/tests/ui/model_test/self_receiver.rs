// #[model_test] on a method with a `self` receiver.
use model_check::prelude::*;

struct Suite;

impl Suite {
    #[model_test]
    fn recall_holds(&self) {}
}

fn main() {}
