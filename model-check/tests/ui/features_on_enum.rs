// #[derive(Features)] on an enum: an enum is a categorical value, not a row.
use model_check::Features;

#[derive(Features)]
enum Contract {
    MonthToMonth,
    OneYear,
}

fn main() {}
