// Field types that are not a number, bool, String, Categorical enum or Option of these.
use model_check::Features;

#[derive(Features)]
struct Customer {
    tenure: f64,
    history: Vec<u8>,
    name: &'static str,
    charges: Option<Option<f64>>,
    location: (f64, f64),
}

fn main() {}
