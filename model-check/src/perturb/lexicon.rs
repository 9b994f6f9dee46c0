//! Word lists shipped with the crate — names, places, synonyms — and lists users add.
//!
//! The text augmenters (name and place swaps, synonym replacement) and the templates draw
//! their words from here. The lists are compiled into the crate (`model-check/lexicons/`, with
//! their licences and a `PROVENANCE.md`) and each file is parsed once, on first use:
//!
//! | list | size | source |
//! |---|---|---|
//! | first names, male and female first names, last names (most common) | 100 each | `basic.json`, CheckList 0.0.11 (MIT) |
//! | all first names by gender, all last names | 5,393 men, 8,052 women, 9,926 last | `names.json`, CheckList 0.0.11 (MIT) |
//! | cities (US), countries, nationalities, religions, religious and sexual adjectives | 925, 215, 214, 14, 22, 14 | `basic.json`, CheckList 0.0.11 (MIT) |
//! | synonyms by part of speech | 12,430 head words | npm `synonyms` 1.0.1 (MIT) |
//!
//! A [`Lexicon`] value names these lists as categories (`first_name`, `city`, …; see
//! [`Lexicon::BUILTIN`]) and holds the user's own lists next to them, which is how
//! [templates](crate::perturb::Template) find the words for their placeholders.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, LazyLock};

const NAMES_JSON: &str = include_str!("../../lexicons/names.json");
const BASIC_JSON: &str = include_str!("../../lexicons/basic.json");
const SYNONYMS_JSON: &str = include_str!("../../lexicons/synonyms.json");

/// The gender a first-name list belongs to (CheckList's `men` and `women` lists).
///
/// ```
/// use model_check::perturb::{Gender, Lexicon};
///
/// assert_eq!(Lexicon::gender_of("Michael"), Some(Gender::Male));
/// assert_eq!(Lexicon::all_first_names(Gender::Female)[0], "Jennifer");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gender {
    /// Names from the `women` list.
    Female,
    /// Names from the `men` list.
    Male,
}

/// A part of speech of the synonym lexicon (WordNet's noun, verb, adjective, adverb).
///
/// ```
/// use model_check::perturb::{Lexicon, PartOfSpeech};
///
/// assert_eq!(Lexicon::synonyms_as("recommend", PartOfSpeech::Verb), ["urge", "advocate"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartOfSpeech {
    /// `n`.
    Noun,
    /// `v`.
    Verb,
    /// `a` and `s` (WordNet's satellite adjectives), merged.
    Adjective,
    /// `r`.
    Adverb,
}

impl PartOfSpeech {
    fn from_code(code: &str) -> Option<Self> {
        match code {
            "n" => Some(PartOfSpeech::Noun),
            "v" => Some(PartOfSpeech::Verb),
            "a" | "s" => Some(PartOfSpeech::Adjective),
            "r" => Some(PartOfSpeech::Adverb),
            _ => None,
        }
    }
}

/// Named word lists: the ones shipped with the crate, and the user's own.
///
/// The shipped lists are also reachable without a value, as associated functions
/// ([`Lexicon::first_names`], [`Lexicon::cities`], [`Lexicon::synonyms`], …). A value adds
/// lists of the user's under new names, or replaces a shipped one for this value only.
///
/// ```
/// use model_check::perturb::Lexicon;
///
/// assert_eq!(Lexicon::first_names()[..4], ["Michael", "Jennifer", "Christopher", "Jessica"]);
/// assert!(Lexicon::countries().iter().any(|c| c == "New Zealand"));
/// assert!(Lexicon::synonyms("delightful").contains(&"delicious"));
///
/// let words = Lexicon::new().with("positive_adjective", ["good", "great", "wonderful"]);
/// assert_eq!(words.words("positive_adjective").unwrap().len(), 3);
/// assert_eq!(words.words("city").unwrap()[0], "New York");
/// assert!(words.words("colour").is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    user: BTreeMap<String, Arc<[String]>>,
}

impl Lexicon {
    /// The categories every lexicon knows, each with the shipped list behind it:
    ///
    /// | category | list |
    /// |---|---|
    /// | `first_name` | [`Lexicon::first_names`] |
    /// | `male_first_name` | [`Lexicon::male_first_names`] |
    /// | `female_first_name` | [`Lexicon::female_first_names`] |
    /// | `last_name` | [`Lexicon::last_names`] |
    /// | `city` | [`Lexicon::cities`] |
    /// | `country` | [`Lexicon::countries`] |
    /// | `nationality` | [`Lexicon::nationalities`] |
    /// | `religion` | [`Lexicon::religions`] |
    /// | `religion_adj` | [`Lexicon::religion_adjectives`] |
    /// | `sexual_adj` | [`Lexicon::sexual_adjectives`] |
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// for category in Lexicon::BUILTIN {
    ///     assert!(!Lexicon::builtin(category).unwrap().is_empty());
    /// }
    /// ```
    pub const BUILTIN: [&'static str; 10] = [
        "first_name",
        "male_first_name",
        "female_first_name",
        "last_name",
        "city",
        "country",
        "nationality",
        "religion",
        "religion_adj",
        "sexual_adj",
    ];

    /// A lexicon with the shipped lists only.
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// let lexicon = Lexicon::new();
    /// assert_eq!(lexicon.categories(), Lexicon::BUILTIN);
    /// assert_eq!(lexicon.user_categories().count(), 0);
    /// ```
    pub fn new() -> Self {
        Lexicon::default()
    }

    /// Adds the list `words` as `category` (replacing a list of that name, shipped or not).
    /// Repeated words are kept once, in first-seen order.
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// let words = Lexicon::new().with("city", ["Lyon", "Nice", "Lyon"]);
    /// assert_eq!(words.words("city").unwrap(), ["Lyon", "Nice"]);
    /// ```
    pub fn with<I, S>(mut self, category: impl Into<String>, words: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let words = dedup(words.into_iter().map(Into::into).collect());
        self.user.insert(category.into(), words.into());
        self
    }

    /// The words of `category`: the user's list of that name, else the shipped one.
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// let lexicon = Lexicon::new().with("country", ["France", "Peru"]);
    /// assert_eq!(lexicon.words("country").unwrap(), ["France", "Peru"]);
    /// assert_eq!(lexicon.words("city"), Some(Lexicon::cities()));
    /// assert_eq!(lexicon.words("dessert"), None);
    /// ```
    pub fn words(&self, category: &str) -> Option<&[String]> {
        match self.user.get(category) {
            Some(words) => Some(words),
            None => Lexicon::builtin(category),
        }
    }

    /// The user's list named `category`, if any.
    pub(crate) fn user_words(&self, category: &str) -> Option<&[String]> {
        self.user.get(category).map(|words| &words[..])
    }

    /// The user's lists added to this lexicon, by name.
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// let lexicon = Lexicon::new().with("snack", ["chips"]).with("drink", ["tea"]);
    /// assert_eq!(lexicon.user_categories().collect::<Vec<_>>(), ["drink", "snack"]);
    /// ```
    pub fn user_categories(&self) -> impl Iterator<Item = &str> {
        self.user.keys().map(String::as_str)
    }

    /// Every category this lexicon knows: the user's, then the shipped ones.
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// let lexicon = Lexicon::new().with("snack", ["chips"]);
    /// assert_eq!(lexicon.categories()[..3], ["snack", "first_name", "male_first_name"]);
    /// ```
    pub fn categories(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.user_categories().collect();
        for name in Lexicon::BUILTIN {
            if !all.contains(&name) {
                all.push(name);
            }
        }
        all
    }

    /// The shipped list of a category of [`Lexicon::BUILTIN`].
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert_eq!(Lexicon::builtin("country").unwrap()[0], "China");
    /// assert!(Lexicon::builtin("planet").is_none());
    /// ```
    pub fn builtin(category: &str) -> Option<&'static [String]> {
        Some(match category {
            "first_name" => Lexicon::first_names(),
            "male_first_name" => Lexicon::male_first_names(),
            "female_first_name" => Lexicon::female_first_names(),
            "last_name" => Lexicon::last_names(),
            "city" => Lexicon::cities(),
            "country" => Lexicon::countries(),
            "nationality" => Lexicon::nationalities(),
            "religion" => Lexicon::religions(),
            "religion_adj" => Lexicon::religion_adjectives(),
            "sexual_adj" => Lexicon::sexual_adjectives(),
            _ => return None,
        })
    }

    /// The 100 most common US first names, alternating men's and women's (CheckList's
    /// `first_name`).
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert_eq!(Lexicon::first_names().len(), 100);
    /// ```
    pub fn first_names() -> &'static [String] {
        &BASIC.first_name
    }

    /// The 100 most common US men's first names (CheckList's `male`).
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert_eq!(Lexicon::male_first_names()[0], "Michael");
    /// ```
    pub fn male_first_names() -> &'static [String] {
        &BASIC.male
    }

    /// The 100 most common US women's first names (CheckList's `female`).
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert_eq!(Lexicon::female_first_names()[0], "Jennifer");
    /// ```
    pub fn female_first_names() -> &'static [String] {
        &BASIC.female
    }

    /// The 100 most common US last names (CheckList's `last_name`).
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert_eq!(Lexicon::last_names()[0], "Smith");
    /// ```
    pub fn last_names() -> &'static [String] {
        &BASIC.last_name
    }

    /// Every first name of one gender: 5,393 men's and 8,052 women's names, most common
    /// first (CheckList's `names.json`). No name is on both lists.
    ///
    /// ```
    /// use model_check::perturb::{Gender, Lexicon};
    ///
    /// assert_eq!(Lexicon::all_first_names(Gender::Male).len(), 5393);
    /// assert_eq!(Lexicon::all_first_names(Gender::Female).len(), 8052);
    /// ```
    pub fn all_first_names(gender: Gender) -> &'static [String] {
        match gender {
            Gender::Female => &NAMES.women,
            Gender::Male => &NAMES.men,
        }
    }

    /// Every last name: 9,926, most common first (CheckList's `names.json`).
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert_eq!(Lexicon::all_last_names().len(), 9926);
    /// ```
    pub fn all_last_names() -> &'static [String] {
        &NAMES.last
    }

    /// The gender whose first-name list holds `name` (exact spelling, capitalised).
    ///
    /// ```
    /// use model_check::perturb::{Gender, Lexicon};
    ///
    /// assert_eq!(Lexicon::gender_of("Maria"), Some(Gender::Female));
    /// assert_eq!(Lexicon::gender_of("maria"), None);
    /// ```
    pub fn gender_of(name: &str) -> Option<Gender> {
        NAMES.gender.get(name).copied()
    }

    /// Whether `name` is on the list of all last names (exact spelling).
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert!(Lexicon::is_last_name("Garcia"));
    /// ```
    pub fn is_last_name(name: &str) -> bool {
        NAMES.last_set.contains(name)
    }

    /// 925 US cities, largest first (CheckList's `city`, its repeats removed).
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert_eq!(Lexicon::cities()[..3], ["New York", "Los Angeles", "Chicago"]);
    /// ```
    pub fn cities() -> &'static [String] {
        &BASIC.city
    }

    /// 215 countries, most populous first (CheckList's `country`).
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert_eq!(Lexicon::countries().len(), 215);
    /// ```
    pub fn countries() -> &'static [String] {
        &BASIC.country
    }

    /// 214 nationalities, most populous country first (CheckList's `nationality`, its one
    /// repeat removed).
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert_eq!(Lexicon::nationalities()[..2], ["Chinese", "Indian"]);
    /// ```
    pub fn nationalities() -> &'static [String] {
        &BASIC.nationality
    }

    /// 14 religions and beliefs (CheckList's `religion`).
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert!(Lexicon::religions().iter().any(|r| r == "Buddhism"));
    /// ```
    pub fn religions() -> &'static [String] {
        &BASIC.religion
    }

    /// 22 words for followers of a religion or belief (CheckList's `religion_adj`).
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert!(Lexicon::religion_adjectives().iter().any(|r| r == "Muslim"));
    /// ```
    pub fn religion_adjectives() -> &'static [String] {
        &BASIC.religion_adj
    }

    /// 14 words for sexual orientations and gender identities (CheckList's `sexual_adj`).
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert!(Lexicon::sexual_adjectives().iter().any(|r| r == "straight"));
    /// ```
    pub fn sexual_adjectives() -> &'static [String] {
        &BASIC.sexual_adj
    }

    /// The synonyms of `word` (looked up in lower case), over all its parts of speech, each
    /// once: nouns, then verbs, adjectives and adverbs. Empty for a word the lexicon does
    /// not know.
    ///
    /// The source's artefacts are dropped when it is parsed: the head word itself and forms
    /// of it (`smell` → `smelling`, `good` → `goodness`), one-letter entries, entries with
    /// digits or dots, trailing commas, and a short list of vulgar words and slurs.
    ///
    /// ```
    /// use model_check::perturb::Lexicon;
    ///
    /// assert_eq!(Lexicon::synonyms("Great"), ["outstanding"]);
    /// assert!(Lexicon::synonyms("the").is_empty());
    /// ```
    pub fn synonyms(word: &str) -> Vec<&'static str> {
        let mut all: Vec<&'static str> = Vec::new();
        if let Some(senses) = SYNONYMS.by_word.get(word.to_lowercase().as_str()) {
            for (_, words) in senses {
                for w in words {
                    if !all.contains(&w.as_str()) {
                        all.push(w);
                    }
                }
            }
        }
        all
    }

    /// The synonyms of `word` (looked up in lower case) as one part of speech.
    ///
    /// ```
    /// use model_check::perturb::{Lexicon, PartOfSpeech};
    ///
    /// assert_eq!(Lexicon::synonyms_as("taste", PartOfSpeech::Verb), ["savor", "savour"]);
    /// assert!(Lexicon::synonyms_as("taste", PartOfSpeech::Adverb).is_empty());
    /// ```
    pub fn synonyms_as(word: &str, part_of_speech: PartOfSpeech) -> &'static [String] {
        SYNONYMS
            .by_word
            .get(word.to_lowercase().as_str())
            .and_then(|senses| senses.iter().find(|(pos, _)| *pos == part_of_speech))
            .map_or(&[], |(_, words)| words.as_slice())
    }

    /// Whether `word` (lower case) is an ordinary English word: a head word of the synonym
    /// lexicon or a function word. Name and place recognition use it to tell "Will" the name
    /// from "Will" the verb.
    pub(crate) fn is_english_word(word: &str) -> bool {
        is_function_word(word) || SYNONYMS.heads.contains(word)
    }
}

/// Closed-class English words — pronouns, determiners, auxiliaries, prepositions,
/// conjunctions, negations — that a synonym swap must leave alone.
const FUNCTION_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "least",
    "less",
    "like",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "neither",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Whether `word` (lower case) is a closed-class English word (see [`FUNCTION_WORDS`]).
pub(crate) fn is_function_word(word: &str) -> bool {
    FUNCTION_WORDS.contains(&word)
}

fn dedup(words: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::with_capacity(words.len());
    words
        .into_iter()
        .filter(|w| seen.insert(w.clone()))
        .collect()
}

/// CheckList's `basic.json` (the lists used here; `first_pronoun` is not).
#[derive(serde::Deserialize)]
struct Basic {
    male: Vec<String>,
    female: Vec<String>,
    first_name: Vec<String>,
    last_name: Vec<String>,
    country: Vec<String>,
    nationality: Vec<String>,
    city: Vec<String>,
    religion: Vec<String>,
    religion_adj: Vec<String>,
    sexual_adj: Vec<String>,
}

static BASIC: LazyLock<Basic> = LazyLock::new(|| {
    let raw: Basic =
        serde_json::from_str(BASIC_JSON).expect("the shipped lexicons/basic.json is valid JSON");
    Basic {
        male: dedup(raw.male),
        female: dedup(raw.female),
        first_name: dedup(raw.first_name),
        last_name: dedup(raw.last_name),
        country: dedup(raw.country),
        nationality: dedup(raw.nationality),
        city: dedup(raw.city),
        religion: dedup(raw.religion),
        religion_adj: dedup(raw.religion_adj),
        sexual_adj: dedup(raw.sexual_adj),
    }
});

/// CheckList's `names.json`, with lookups.
struct Names {
    men: Vec<String>,
    women: Vec<String>,
    last: Vec<String>,
    gender: HashMap<String, Gender>,
    last_set: HashSet<String>,
}

static NAMES: LazyLock<Names> = LazyLock::new(|| {
    #[derive(serde::Deserialize)]
    struct Raw {
        men: Vec<String>,
        women: Vec<String>,
        last: Vec<String>,
    }
    let raw: Raw =
        serde_json::from_str(NAMES_JSON).expect("the shipped lexicons/names.json is valid JSON");
    let mut gender = HashMap::with_capacity(raw.men.len() + raw.women.len());
    for name in &raw.women {
        gender.insert(name.clone(), Gender::Female);
    }
    for name in &raw.men {
        gender.insert(name.clone(), Gender::Male);
    }
    Names {
        last_set: raw.last.iter().cloned().collect(),
        men: raw.men,
        women: raw.women,
        last: raw.last,
        gender,
    }
});

/// The synonym lexicon, cleaned: per head word, its senses' synonyms by part of speech.
struct Synonyms {
    by_word: HashMap<String, Vec<(PartOfSpeech, Vec<String>)>>,
    /// Every head word of the source, synonyms or not.
    heads: HashSet<String>,
}

static SYNONYMS: LazyLock<Synonyms> = LazyLock::new(|| {
    let raw: HashMap<String, BTreeMap<String, Vec<String>>> = serde_json::from_str(SYNONYMS_JSON)
        .expect("the shipped lexicons/synonyms.json is valid JSON");
    let mut by_word = HashMap::with_capacity(raw.len());
    let mut heads = HashSet::with_capacity(raw.len());
    for (head, senses) in raw {
        let head = head.to_lowercase();
        let mut cleaned: Vec<(PartOfSpeech, Vec<String>)> = Vec::new();
        for (code, words) in senses {
            let Some(pos) = PartOfSpeech::from_code(&code) else {
                continue;
            };
            let at = match cleaned.iter().position(|(p, _)| *p == pos) {
                Some(at) => at,
                None => {
                    cleaned.push((pos, Vec::new()));
                    cleaned.len() - 1
                }
            };
            for word in words {
                let word = word.trim_end_matches(',').to_lowercase();
                if usable_synonym(&word, &head) && !cleaned[at].1.contains(&word) {
                    cleaned[at].1.push(word);
                }
            }
        }
        cleaned.retain(|(_, words)| !words.is_empty());
        cleaned.sort_by_key(|(pos, _)| *pos);
        if !cleaned.is_empty() {
            by_word.insert(head.clone(), cleaned);
        }
        heads.insert(head);
    }
    Synonyms { by_word, heads }
});

/// Vulgar words and slurs the source lists among synonyms ("make" → "piss", "black" →
/// "negro"): never proposed, since a test's variants end up in reports.
const VULGAR: &[&str] = &[
    "arse",
    "ass",
    "asshole",
    "bastard",
    "bitch",
    "bollocks",
    "boob",
    "bugger",
    "bullshit",
    "bum",
    "butt",
    "chink",
    "cock",
    "cocksucker",
    "crap",
    "cunt",
    "damn",
    "dick",
    "dyke",
    "fag",
    "fagot",
    "faggot",
    "fuck",
    "gook",
    "homo",
    "hooker",
    "motherfucker",
    "negro",
    "nigger",
    "pee",
    "piss",
    "poop",
    "prick",
    "puke",
    "pussy",
    "queer",
    "retard",
    "screw",
    "shag",
    "shit",
    "slut",
    "sod",
    "spastic",
    "spic",
    "tit",
    "turd",
    "twat",
    "whore",
];

/// A synonym worth proposing: two letters or more, letters with inner hyphens or
/// apostrophes only, neither the head word nor a form of it (`smell` → `smelling`, `good` →
/// `goodness`, `size` → `sizing`), which the source lists among a noun's synonyms, and not
/// vulgar.
fn usable_synonym(word: &str, head: &str) -> bool {
    let stem = match head.strip_suffix(['e', 'y']) {
        Some(stem) if stem.chars().count() >= 3 => stem,
        _ => head,
    };
    !word.starts_with(stem)
        && !head.starts_with(word)
        && !VULGAR.contains(&word)
        && word.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && word
            .chars()
            .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        && word.starts_with(char::is_alphabetic)
        && word.ends_with(char::is_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lists_have_the_documented_sizes() {
        assert_eq!(Lexicon::all_first_names(Gender::Male).len(), 5393);
        assert_eq!(Lexicon::all_first_names(Gender::Female).len(), 8052);
        assert_eq!(Lexicon::all_last_names().len(), 9926);
        assert_eq!(Lexicon::cities().len(), 925);
        assert_eq!(Lexicon::countries().len(), 215);
        assert_eq!(Lexicon::nationalities().len(), 214);
        assert_eq!(SYNONYMS.heads.len(), 12430);
        for name in Lexicon::BUILTIN {
            assert!(!Lexicon::builtin(name).unwrap().is_empty(), "{name}");
        }
    }

    #[test]
    fn synonym_artefacts_are_cleaned() {
        // The source lists "bad" → r: ["bad", "r"] and "good" → s: [.., "well,", ..].
        assert!(!Lexicon::synonyms("bad").contains(&"r"));
        assert!(Lexicon::synonyms("good").contains(&"well"));
        assert!(!Lexicon::synonyms("good").contains(&"good"));
        assert!(!Lexicon::synonyms("good").contains(&"goodness"));
        assert!(!Lexicon::synonyms("make").contains(&"piss"));
        assert_eq!(
            Lexicon::synonyms_as("smell", PartOfSpeech::Noun),
            ["olfaction", "odor", "odour"]
        );
        for (head, senses) in &SYNONYMS.by_word {
            for (_, words) in senses {
                assert!(words.iter().all(|w| usable_synonym(w, head)), "{head}");
            }
        }
    }
}
