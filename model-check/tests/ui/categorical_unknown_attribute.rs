// A key other than `rename` on a Categorical variant.
use model_check::Categorical;

#[derive(Categorical)]
enum Contract {
    #[features(rename = "Month-to-month", protected)]
    MonthToMonth,
    OneYear,
}

fn main() {}
