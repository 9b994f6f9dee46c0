// `categorical` on a float: a float has no natural levels.
use model_check::Features;

#[derive(Features)]
struct Customer {
    #[features(categorical)]
    monthly_charges: f64,
}

fn main() {}
