// #[derive(Categorical)] on an enum with no variants: a category needs levels.
use model_check::Categorical;

#[derive(Categorical)]
enum Contract {}

fn main() {}
