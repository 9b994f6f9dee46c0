// A typed handle has its field's visibility: a private field's handle is private.
mod rows {
    use model_check::Features;

    #[derive(Features)]
    pub struct Customer {
        pub tenure: f64,
        income: f64,
    }
}

fn main() {
    let _ = rows::Customer::TENURE;
    let _ = rows::Customer::INCOME;
}
