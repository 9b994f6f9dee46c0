// #[derive(Categorical)] on a generic enum.
use model_check::Categorical;

#[derive(Categorical)]
enum Contract<T> {
    Monthly,
    Other(T),
}

fn main() {}
