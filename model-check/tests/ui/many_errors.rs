// Several mistakes in one struct are all reported in one compile.
use model_check::Features;

#[derive(Features)]
struct Customer {
    #[features(categorical)]
    monthly_charges: f64,
    #[features(range = 0..=1)]
    contract: String,
    history: Vec<f64>,
    #[features(sensitive)]
    female: bool,
}

fn main() {}
