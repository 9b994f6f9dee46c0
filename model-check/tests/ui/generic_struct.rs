// A generic struct: the schema is a constant, so the field types must be known.
use model_check::Features;

#[derive(Features)]
struct Customer<T> {
    tenure: T,
}

fn main() {}
