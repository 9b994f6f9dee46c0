// Every field skipped: a Features struct needs at least one feature.
use model_check::Features;

#[derive(Features)]
struct Customer {
    #[features(skip)]
    customer_id: String,
}

fn main() {}
