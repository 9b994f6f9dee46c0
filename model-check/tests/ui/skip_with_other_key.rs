// `skip` with another key: a skipped field is not a feature, so the other key means nothing.
use model_check::Features;

#[derive(Features)]
struct Customer {
    tenure: f64,
    #[features(skip, protected)]
    customer_id: String,
}

fn main() {}
