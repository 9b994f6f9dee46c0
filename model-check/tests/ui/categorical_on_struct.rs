// #[derive(Categorical)] on a struct: only a field-less enum has levels.
use model_check::Categorical;

#[derive(Categorical)]
struct Contract {
    months: u32,
}

fn main() {}
