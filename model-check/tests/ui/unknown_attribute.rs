// A misspelt key in #[features(...)].
use model_check::Features;

#[derive(Features)]
struct Customer {
    #[features(protect)]
    female: bool,
    #[features(range = 0..=72, default = 1)]
    tenure: u32,
}

fn main() {}
