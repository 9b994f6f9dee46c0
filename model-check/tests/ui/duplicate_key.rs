// The same key twice, in one attribute or across two.
use model_check::Features;

#[derive(Features)]
struct Customer {
    #[features(range = 0..=72, range = 0..=100)]
    tenure: u32,
    #[features(protected)]
    #[features(protected)]
    female: bool,
}

fn main() {}
