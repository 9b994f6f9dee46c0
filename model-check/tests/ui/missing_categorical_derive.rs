// An enum field whose type does not #[derive(Categorical)].
use model_check::Features;

enum Contract {
    MonthToMonth,
    OneYear,
}

#[derive(Features)]
struct Customer {
    contract: Contract,
}

fn main() {}
