//! Text augmenters: typos, synonyms, name and place swaps, numbers, contractions,
//! punctuation and case.
//!
//! Each one implements [`Augmenter<String>`](Augmenter) and proposes its variant as edits of
//! whitespace-separated tokens (see [`Editable` for `String`](super::Editable)), so a failing
//! variant shrinks to the fewest changed tokens. A token is edited in its word and keeps the
//! punctuation around it: a typo in `"great!"` gives `"graet!"`, a synonym of `"Cheap,"`
//! keeps the capital and the comma. Every choice is drawn from the generator passed to
//! `propose`, so a seed reproduces the variant; `fit` learns nothing and returns a copy.
//!
//! | augmenter | changes | tokens |
//! |---|---|---|
//! | [`typos(n)`](typos) | swap, drop, insert or substitute (QWERTY neighbour) a character | `n` words of 3+ letters |
//! | [`synonyms()`](synonyms) | a word → a synonym from the [lexicon](super::Lexicon) | 1 (`.tokens(n)`) |
//! | [`swap_names()`](swap_names) | a first name → another of the same gender (and a last name after it) | every name |
//! | [`swap_places()`](swap_places) | a city → another city, a country → another country | every place |
//! | [`swap_words(..)`](swap_words) | a word of a list → another word of the list | every match |
//! | [`change_numbers(r)`](change_numbers) | a number → another within ±`r` (integers stay integers) | every number |
//! | [`contractions()`](contractions) | "do not" ↔ "don't", "it is" ↔ "it's", … | every site |
//! | [`punctuation()`](punctuation) | a trailing "." or "!" added, removed or changed | the last |
//! | [`change_case()`](change_case) | a word lower-cased, upper-cased, or its first letter flipped | 1 (`.tokens(n)`) |
//!
//! ```
//! use model_check::data::seeded_rng;
//! use model_check::perturb::{Augmenter, Editable, change_numbers, typos};
//!
//! let review = "These 1.25 ounce bags of cashews are the perfect size snack.".to_string();
//! let augmenter = typos(1).then(change_numbers(0.2));
//! let edits = augmenter.propose(&review, &mut seeded_rng(7)).unwrap();
//! assert_eq!(edits.len(), 2); // one typo, one number
//! let variant = review.apply(&edits);
//! assert_ne!(variant, review);
//! // The same seed proposes the same variant.
//! assert_eq!(augmenter.propose(&review, &mut seeded_rng(7)).unwrap(), edits);
//! ```

mod contraction;
mod names;
mod numbers;
mod punctuation_case;
mod synonym;
mod tokens;
mod typo;
mod word_lists;

pub use contraction::{Contractions, contractions};
pub use names::{SwapNames, swap_names};
pub use numbers::{ChangeNumbers, change_numbers};
pub use punctuation_case::{ChangeCase, Punctuation, change_case, punctuation};
pub use synonym::{Synonyms, synonyms};
pub use typo::{Typo, Typos, typos};
pub use word_lists::{SwapWords, swap_places, swap_words};
