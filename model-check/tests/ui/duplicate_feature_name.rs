// Two features with the same name after `rename`.
use model_check::Features;

#[derive(Features)]
struct Customer {
    tenure: u32,
    #[features(rename = "tenure")]
    months: u32,
}

fn main() {}
