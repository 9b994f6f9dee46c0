//! Names: a first name swapped for another of the same gender, and a last name after it
//! for another last name ([`SwapNames`], built by [`swap_names`]).

use std::sync::LazyLock;

use rand::seq::IndexedRandom;

use crate::data::SeededRng;
use crate::perturb::lexicon::{Gender, Lexicon};
use crate::perturb::{Augmenter, Edit};

use super::tokens::{Token, is_all_caps, is_capitalised, starts_sentence, tokenize};

/// First names swapped for names of the same gender; built by [`swap_names`].
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, SwapNames, swap_names};
///
/// let augmenter: SwapNames = swap_names();
/// assert!(augmenter.propose(&"Will this work?".to_string(), &mut seeded_rng(0)).is_none());
/// ```
#[derive(Debug, Clone)]
pub struct SwapNames {
    last_names: bool,
}

/// Replaces every first name in the text by another first name of the same gender (from
/// CheckList's lists of 5,393 men's and 8,052 women's names), and a last name that follows a
/// first name by another last name; the same name gets the same replacement throughout.
/// `None` for a text without a name.
///
/// Names are recognised without a named-entity tagger, by rules that favour precision: a
/// capitalised word on a first-name list, not an English word at the start of a sentence
/// ("Will this work?"), not inside a run of capitalised words unless the next one is a last
/// name ("Honey Roasted Almonds" is a product; "Maria Garcia" a person), not a country, and
/// not after "in" or "near" ("in Paris"), nor a city after "from", "to" or "at" ("from
/// Houston"). Replacement names that are also English words ("Honey", "May") are never
/// drawn.
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Editable, Gender, Lexicon, swap_names};
///
/// let review = "My wife Maria loves these, and so does Maria's sister Jennifer Smith.".to_string();
/// let edits = swap_names().propose(&review, &mut seeded_rng(5)).unwrap();
/// assert_eq!(edits.len(), 4); // Maria, Maria's, Jennifer, Smith
/// let variant = review.apply(&edits);
/// let new_name = variant.split(' ').nth(2).unwrap();
/// assert_eq!(Lexicon::gender_of(new_name), Some(Gender::Female));
/// assert!(variant.contains(&format!("{new_name}'s sister")));
/// assert_eq!(swap_names().describe(), "first names swapped for others of the same gender, last names for other last names");
/// ```
pub fn swap_names() -> SwapNames {
    SwapNames { last_names: true }
}

impl SwapNames {
    /// Leaves last names alone.
    ///
    /// ```
    /// use model_check::data::seeded_rng;
    /// use model_check::perturb::{Augmenter, swap_names};
    ///
    /// let edits = swap_names().first_names_only()
    ///     .propose(&"Ask Maria Garcia.".to_string(), &mut seeded_rng(5))
    ///     .unwrap();
    /// assert_eq!(edits.len(), 1);
    /// assert_eq!(edits[0].position, 1);
    /// ```
    pub fn first_names_only(mut self) -> Self {
        self.last_names = false;
        self
    }
}

/// A first name found in a text: its token, gender, and the token of a last name after it.
struct NameSite {
    first: usize,
    gender: Gender,
    last: Option<usize>,
}

/// First names that reviews mostly use as other words.
const NOT_NAMES: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Ginger",
    "Honey",
    "Candy",
    "Cherry",
    "Jasmine",
    "Brie",
    "Chardonnay",
    "Tea",
    "Cinnamon",
    "Earl",
    "Grey",
    "Gray",
    "Olive",
    "Rosemary",
    "Basil",
    "Sage",
    "Pepper",
    "Coco",
    "Cookie",
    "Sugar",
    "Berry",
    "Apple",
    "Ruby",
    "Amber",
    "Hazel",
    "Summer",
    "Autumn",
    "Winter",
    "Christmas",
    "Easter",
    "Hong",
    "Kong",
    "San",
    "Diego",
    "Santa",
    "Mark",
];

fn find_names(tokens: &[Token<'_>]) -> Vec<NameSite> {
    let mut sites = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let (name, possessive) = token.base();
        let Some(gender) = Lexicon::gender_of(name) else {
            continue;
        };
        // Words that are first names but, in reviews, far more often a month, a day, a
        // nationality or a food ("May", "Sunday", "Thai", "Ginger"): not swapped.
        if NOT_NAMES.contains(&name) || Lexicon::nationalities().iter().any(|n| n == name) {
            continue;
        }
        // After a dash or an ampersand a capital may start a heading, as in a sentence; so
        // does a word glued to the end of the previous sentence or an HTML break ("/>My").
        let sentence_start = starts_sentence(tokens, i)
            || tokens[i.saturating_sub(1)].core.is_empty()
            || token.prefix.ends_with(['>', '.', '!', '?']);
        if sentence_start && Lexicon::is_english_word(&name.to_lowercase()) {
            continue;
        }
        // "in Paris", "from Houston", "Germany": a place, not a person.
        let previous = i
            .checked_sub(1)
            .map(|p| tokens[p].core.to_lowercase())
            .unwrap_or_default();
        if PLACE_PREPOSITIONS.contains(&previous.as_str())
            || Lexicon::countries().iter().any(|c| c == name)
            || (["from", "to", "at"].contains(&previous.as_str())
                && Lexicon::cities().iter().any(|c| c == name))
        {
            continue;
        }
        // After a capitalised word mid-sentence: part of a longer proper name ("Pea Berry").
        if !sentence_start && i > 0 {
            let previous = &tokens[i - 1];
            if previous.suffix.is_empty()
                && is_capitalised(previous.core)
                && previous.core != "I"
                && !starts_sentence(tokens, i - 1)
            {
                continue;
            }
        }
        let mut last = None;
        if let Some(next) = tokens.get(i + 1)
            && token.suffix.is_empty()
            && next.prefix.is_empty()
            && is_capitalised(next.core)
        {
            let (surname, _) = next.base();
            if !possessive.is_empty() || !Lexicon::is_last_name(surname) || is_all_caps(surname) {
                // "Bob's Red Mill", "Berry Farm": a brand, not a person.
                continue;
            }
            last = Some(i + 1);
        }
        sites.push(NameSite {
            first: i,
            gender,
            last,
        });
    }
    sites
}

/// Words after which a capitalised word is a place ("in Paris").
const PLACE_PREPOSITIONS: &[&str] = &["in", "near", "around", "visiting", "outside"];

/// Replacement names: alphabetic, and not English words.
static FIRST_NAME_POOLS: LazyLock<[Vec<&'static str>; 2]> = LazyLock::new(|| {
    [Gender::Female, Gender::Male].map(|gender| name_pool(Lexicon::all_first_names(gender)))
});
static LAST_NAME_POOL: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| name_pool(Lexicon::all_last_names()));

fn name_pool(names: &'static [String]) -> Vec<&'static str> {
    names
        .iter()
        .filter(|name| {
            name.chars().all(char::is_alphabetic) && !Lexicon::is_english_word(&name.to_lowercase())
        })
        .map(String::as_str)
        .collect()
}

/// A name of `pool` other than `name`, the same for every occurrence of `name`.
fn replacement(
    name: &str,
    pool: &[&'static str],
    chosen: &mut Vec<(String, &'static str)>,
    rng: &mut SeededRng,
) -> &'static str {
    if let Some((_, new)) = chosen.iter().find(|(old, _)| old == name) {
        return new;
    }
    let new = loop {
        let candidate = *pool.choose(rng).expect("name pools are not empty");
        if candidate != name {
            break candidate;
        }
    };
    chosen.push((name.to_string(), new));
    new
}

impl Augmenter<String> for SwapNames {
    fn describe(&self) -> String {
        if self.last_names {
            "first names swapped for others of the same gender, last names for other last names"
                .into()
        } else {
            "first names swapped for others of the same gender".into()
        }
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn propose(&self, row: &String, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let tokens = tokenize(row);
        let sites = find_names(&tokens);
        if sites.is_empty() {
            return None;
        }
        let mut firsts = Vec::new();
        let mut lasts = Vec::new();
        let mut edits = Vec::new();
        for site in sites {
            let token = &tokens[site.first];
            let pool = &FIRST_NAME_POOLS[site.gender as usize];
            let new = replacement(token.base().0, pool, &mut firsts, rng);
            edits.push(token.edit_base(new));
            if let Some(last) = site.last.filter(|_| self.last_names) {
                let token = &tokens[last];
                let new = replacement(token.base().0, &LAST_NAME_POOL, &mut lasts, rng);
                edits.push(token.edit_base(new));
            }
        }
        Some(edits)
    }
}
