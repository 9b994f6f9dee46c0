// Two fields whose typed handles would both be `Customer::MONTHLY_CHARGES`.
#![allow(non_snake_case)]
use model_check::Features;

#[derive(Features)]
struct Customer {
    monthly_charges: f64,
    monthlyCharges: f64,
}

fn main() {}
