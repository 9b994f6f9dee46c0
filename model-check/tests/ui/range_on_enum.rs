// A range on a field whose type is a #[derive(Categorical)] enum.
use model_check::{Categorical, Features};

#[derive(Categorical)]
enum Contract {
    MonthToMonth,
    OneYear,
}

#[derive(Features)]
struct Customer {
    #[features(range = 0..=1)]
    contract: Contract,
}

fn main() {}
