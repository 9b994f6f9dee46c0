// A failed derive reports only its own errors: code using the type or its handles adds none.
use model_check::prelude::*;

#[derive(Categorical, Clone, Copy)]
enum Contract {
    MonthToMonth,
    Fixed(u32),
}

#[derive(Features)]
struct Customer {
    contract: Contract,
    #[features(rnage = 0..=72)]
    tenure: u32,
}

fn levels<C: Categorical>() -> usize {
    C::LEVELS.len()
}

fn main() {
    let mut row = Customer {
        contract: Contract::MonthToMonth,
        tenure: 3,
    };
    row.set(Customer::TENURE, 12);
    let _ = Customer::CONTRACT.get(&row);
    let _ = Customer::schema().len() + levels::<Contract>();
}
