// #[features(...)] on the struct itself instead of on a field.
use model_check::Features;

#[derive(Features)]
#[features(protected)]
struct Customer {
    tenure: f64,
}

fn main() {}
