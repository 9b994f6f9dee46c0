// `const`, `unsafe` and `extern` qualifiers on model tests.
use model_check::prelude::*;

#[model_test]
const fn constant() {}

#[model_test]
unsafe fn not_safe() {}

#[model_test]
extern "C" fn foreign() {}

fn main() {}
