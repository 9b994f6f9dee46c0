// #[derive(Features)] on a tuple struct: features need field names.
use model_check::Features;

#[derive(Features)]
struct Customer(f64, String);

fn main() {}
