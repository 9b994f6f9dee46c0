// #[derive(Features)] on a unit struct: there are no fields to describe.
use model_check::Features;

#[derive(Features)]
struct Customer;

fn main() {}
