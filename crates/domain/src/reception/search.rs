//! What a case worker types in the search box, and the form of a name it is compared with:
//! a personnummer or samordningsnummer in any common form, a dossier number, or words of a
//! name or a reference, with or without diacritics.

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::identity::{DossierNumber, PersonalNumber};

/// The longest search the box takes; longer input is cut, not refused (it is a search).
pub const MAX_SEARCH_CHARS: usize = 100;

/// A search, read from what was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchTerm {
    /// Twelve digits, as stored, from YYYYMMDD-NNNN, YYMMDD-NNNN, YYMMDD+NNNN or the digits alone.
    PersonalNumber(String),
    /// As stored: XX-XXXXXX, with its serial when one was typed.
    DossierNumber(String),
    /// Folded words ([`fold`]), each of which must be found; and the folded text whole, for a
    /// household's reference.
    Words { words: Vec<String>, whole: String },
}

impl SearchTerm {
    /// `None` for a search of nothing but spaces. `today` places a ten-digit personnummer in
    /// its century.
    pub fn parse(typed: &str, today: NaiveDate) -> Option<SearchTerm> {
        let typed: String = typed.trim().chars().take(MAX_SEARCH_CHARS).collect();
        if typed.is_empty() {
            return None;
        }
        let digits_only = typed.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' '));
        if digits_only && let Ok(number) = PersonalNumber::parse(&typed, today) {
            return Some(SearchTerm::PersonalNumber(number.digits().to_owned()));
        }
        if let Ok(number) = typed.parse::<DossierNumber>() {
            return Some(SearchTerm::DossierNumber(number.to_string()));
        }
        let whole = fold(&typed);
        let words: Vec<String> = whole.split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
        if words.is_empty() {
            return None;
        }
        Some(SearchTerm::Words { words, whole })
    }
}

/// A text as searches compare it: lower case, without diacritics (Ö as o, é as e), the letters
/// that have none in Unicode's decomposition written as Swedish keyboards type them (ø as o,
/// æ as ae, ß as ss), and runs of spaces as one.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut space = true;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            if !space {
                folded.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        match c {
            'ø' | 'Ø' => folded.push('o'),
            'æ' | 'Æ' => folded.push_str("ae"),
            'ß' => folded.push_str("ss"),
            'ł' | 'Ł' => folded.push('l'),
            'đ' | 'Đ' => folded.push('d'),
            'ı' => folded.push('i'),
            c => folded.extend(c.to_lowercase()),
        }
    }
    if folded.ends_with(' ') {
        folded.pop();
    }
    folded
}

/// A person's name as searches find it: folded, given names first and family names first, so
/// that words typed in either order are found in one pass (`%hassan%amina%`).
pub fn name_key(given_name: &str, family_name: &str) -> String {
    let (given, family) = (fold(given_name), fold(family_name));
    format!("{given} {family} | {family} {given}")
}

/// Whether a registered person of the same name and birth date may be the one being
/// registered, by their numbers (personnummer, dossier number): not when a number known on both
/// sides differs (two people), nor when one is the same (that is refused as a duplicate, not
/// warned of).
pub fn may_be_same_person(new: [Option<&str>; 2], registered: [Option<&str>; 2]) -> bool {
    new.iter().zip(registered.iter()).all(|(a, b)| a.is_none() || b.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    #[test]
    fn a_personnummer_is_found_in_any_common_form() {
        let expected = Some(SearchTerm::PersonalNumber("198507152380".into()));
        for typed in ["19850715-2380", "198507152380", "850715-2380", "8507152380", " 850715 2380 "] {
            assert_eq!(SearchTerm::parse(typed, today()), expected, "{typed}");
        }
        assert_eq!(
            SearchTerm::parse("201507152385", today()),
            Some(SearchTerm::PersonalNumber("201507152385".into())),
            "a child's"
        );
        // A wrong check digit is no number: a search for it finds nothing rather than another.
        assert!(matches!(SearchTerm::parse("850715-2381", today()), Some(SearchTerm::Words { .. })));
    }

    #[test]
    fn a_dossier_number_with_or_without_its_hyphen() {
        for typed in ["12-345678", "12345678"] {
            assert_eq!(SearchTerm::parse(typed, today()), Some(SearchTerm::DossierNumber("12-345678".into())));
        }
        assert_eq!(SearchTerm::parse("12-345678/2", today()), Some(SearchTerm::DossierNumber("12-345678/2".into())));
    }

    #[test]
    fn names_are_found_with_and_without_diacritics() {
        assert_eq!(name_key("Åsa", "Öberg-Lindén"), "asa oberg-linden | oberg-linden asa");
        assert_eq!(fold("  SØREN   Ærø "), "soren aero");
        assert_eq!(fold("Mohammed Al-Hāshimī"), "mohammed al-hashimi");
        let Some(SearchTerm::Words { words, whole }) = SearchTerm::parse("Öberg  åsa", today()) else { panic!() };
        assert_eq!(words, ["oberg", "asa"]);
        assert_eq!(whole, "oberg asa");
        assert_eq!(SearchTerm::parse("   ", today()), None);
    }

    #[test]
    fn only_a_namesake_without_a_number_on_both_sides_is_warned_of() {
        let (pn, other_pn, dn) = (Some("199001012385"), Some("199001012393"), Some("12-345678"));
        assert!(may_be_same_person([None, None], [pn, dn]), "nothing to tell them apart");
        assert!(may_be_same_person([pn, None], [None, dn]), "different numbers known, none on both sides");
        assert!(!may_be_same_person([other_pn, None], [pn, None]), "two personnummer: two people");
        assert!(!may_be_same_person([pn, None], [pn, None]), "the same number is refused, not warned of");
    }

    #[test]
    fn a_very_long_search_is_cut() {
        let long = "a".repeat(10_000);
        let Some(SearchTerm::Words { whole, .. }) = SearchTerm::parse(&long, today()) else { panic!() };
        assert_eq!(whole.len(), MAX_SEARCH_CHARS);
    }
}
