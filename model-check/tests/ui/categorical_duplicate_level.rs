// Two variants with the same level name after `rename`.
use model_check::Categorical;

#[derive(Categorical)]
enum Contract {
    #[features(rename = "OneYear")]
    Annual,
    OneYear,
}

fn main() {}
