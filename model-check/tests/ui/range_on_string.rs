// A range on a String field: a categorical feature has levels, not a range.
use model_check::Features;

#[derive(Features)]
struct Customer {
    #[features(range = 0..=10)]
    contract: String,
}

fn main() {}
