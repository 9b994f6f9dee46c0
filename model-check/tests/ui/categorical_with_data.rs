// #[derive(Categorical)] on an enum whose variants carry data.
use model_check::Categorical;

#[derive(Categorical)]
enum Contract {
    MonthToMonth,
    Fixed(u32),
    Custom { months: u32 },
}

fn main() {}
