// Ranges that are not `LO..=HI` with numeric literals and LO <= HI.
use model_check::Features;

const MAX: u32 = 72;

#[derive(Features)]
struct Customer {
    #[features(range = 0..72)]
    tenure: u32,
    #[features(range = 100..=0)]
    charges: f64,
    #[features(range = 18..)]
    age: u8,
    #[features(range = 0..=MAX)]
    months: u32,
}

fn main() {}
