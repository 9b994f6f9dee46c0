// A range on a bool, and on an integer declared `categorical`.
use model_check::Features;

#[derive(Features)]
struct Customer {
    #[features(range = 0..=1)]
    female: bool,
    #[features(categorical, range = 0..=99999)]
    zip: u32,
}

fn main() {}
