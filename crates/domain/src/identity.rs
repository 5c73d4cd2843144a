//! Identity numbers, parsed at the edge so that a bad one never gets further.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::text::Text;

/// The Luhn check over a string of digits (the last one is the check digit).
pub fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// The digit that makes `body` plus it pass the Luhn check.
pub fn luhn_check_digit(body: &[u8]) -> u8 {
    let with = |c: u8| [body, &[c]].concat();
    (0..10u8).find(|c| luhn_valid(&with(*c))).expect("one of ten digits always fits")
}

/// A Swedish organisation number: ten digits, the last a Luhn check digit; shown NNNNNN-NNNN.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganisationNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganisationNumberError {
    #[error("an organisation number has ten digits, for example 212000-0480")]
    Format,
    #[error("the check digit of the organisation number does not match")]
    CheckDigit,
}

impl OrganisationNumberError {
    /// What to tell a person, as a phrase (see [`Text::sentence`]).
    pub fn text(&self) -> Text {
        Text::new(match self {
            OrganisationNumberError::Format => "organisation-number-format",
            OrganisationNumberError::CheckDigit => "organisation-number-check-digit",
        })
    }
}

impl OrganisationNumber {
    /// The ten digits without separator, as in Peppol's scheme 0007.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl FromStr for OrganisationNumber {
    type Err = OrganisationNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let compact: String = s.chars().filter(|c| *c != '-' && *c != ' ').collect();
        // A sixteen prefix ("16" + ten digits) is how some registers write it.
        let compact = match compact.strip_prefix("16") {
            Some(rest) if rest.len() == 10 => rest.to_owned(),
            _ => compact,
        };
        if compact.len() != 10 || !compact.bytes().all(|b| b.is_ascii_digit()) || s.matches('-').count() > 1 {
            return Err(OrganisationNumberError::Format);
        }
        let digits: Vec<u8> = compact.bytes().map(|b| b - b'0').collect();
        if !luhn_valid(&digits) {
            return Err(OrganisationNumberError::CheckDigit);
        }
        Ok(OrganisationNumber(compact))
    }
}

impl TryFrom<String> for OrganisationNumber {
    type Error = OrganisationNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<OrganisationNumber> for String {
    fn from(n: OrganisationNumber) -> String {
        n.to_string()
    }
}

impl fmt::Display for OrganisationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..6], &self.0[6..])
    }
}

crate::coded! {
    /// How much of a birth date is known. Skatteverket and Migrationsverket record a month or
    /// day nobody knows as 00 (in a samordningsnummer an unknown day is 60: 00 plus 60).
    pub enum BirthDateKnown {
        Day = "day",
        Month = "month",
        Year = "year",
    }
}

/// A date of birth as recorded, perhaps without its day or its month and day: written
/// YYYY-MM-DD with 00 for what is not known (1990-07-00, 1990-00-00).
///
/// Ages are reckoned from the last day the person can have been born (see [`Self::reckoned`]):
/// nobody is taken to have reached an age (adulthood, school, a reimbursement's age band)
/// before they certainly have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BirthDate {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
}

impl BirthDate {
    /// A complete date.
    pub fn of(date: NaiveDate) -> BirthDate {
        BirthDate { year: date.year(), month: Some(date.month()), day: Some(date.day()) }
    }

    /// From its parts, when they make a date (a day needs its month).
    pub fn new(year: i32, month: Option<u32>, day: Option<u32>) -> Option<BirthDate> {
        let birth = BirthDate { year, month, day };
        let valid = match (month, day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(year, m, d).is_some(),
            (Some(m), None) => (1..=12).contains(&m) && NaiveDate::from_ymd_opt(year, m, 1).is_some(),
            (None, None) => NaiveDate::from_ymd_opt(year, 1, 1).is_some(),
            (None, Some(_)) => false,
        };
        valid.then_some(birth)
    }

    /// Reads YYYY-MM-DD, with 00 for an unknown day, or for an unknown month and day.
    pub fn parse(text: &str) -> Option<BirthDate> {
        let text = text.trim();
        let parts: Vec<&str> = text.split('-').collect();
        let [year, month, day] = parts.as_slice() else { return None };
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        let number = |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse::<u32>().ok()).flatten();
        let (year, month, day) = (number(year)?, number(month)?, number(day)?);
        let known = |n: u32| (n != 0).then_some(n);
        BirthDate::new(year as i32, known(month), known(day))
    }

    /// From what a database keeps: the date ages are reckoned from, and how much is known.
    pub fn from_reckoned(date: NaiveDate, known: BirthDateKnown) -> BirthDate {
        match known {
            BirthDateKnown::Day => BirthDate::of(date),
            BirthDateKnown::Month => BirthDate { year: date.year(), month: Some(date.month()), day: None },
            BirthDateKnown::Year => BirthDate { year: date.year(), month: None, day: None },
        }
    }

    pub fn known(&self) -> BirthDateKnown {
        match (self.month, self.day) {
            (Some(_), Some(_)) => BirthDateKnown::Day,
            (Some(_), None) => BirthDateKnown::Month,
            _ => BirthDateKnown::Year,
        }
    }

    /// The last day the person can have been born: the date itself when it is complete, else
    /// the last day of its month, or 31 December of its year.
    pub fn reckoned(&self) -> NaiveDate {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m, d),
            (Some(m), None) => NaiveDate::from_ymd_opt(self.year, m, 1)
                .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
                .and_then(|next| next.pred_opt()),
            _ => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
        .expect("a birth date is checked when it is made")
    }

    /// The first day the person can have been born.
    pub fn earliest(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .expect("a birth date is checked when it is made")
    }

    pub fn year(&self) -> i32 {
        self.year
    }
}

impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month.unwrap_or(0), self.day.unwrap_or(0))
    }
}

/// Whether a personal identity number is a personnummer or a samordningsnummer (coordination
/// number: the day of birth plus 60).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalNumberKind {
    Personnummer,
    Samordningsnummer,
}

/// A Swedish personnummer or samordningsnummer, kept with all twelve digits (YYYYMMDDNNNC).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonalNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonalNumberError {
    #[error("a personal identity number is written YYYYMMDD-NNNN")]
    Format,
    #[error("the date of birth in the number does not exist")]
    Date,
    #[error("the check digit of the number does not match")]
    CheckDigit,
    #[error("the date of birth is in the future")]
    Future,
}

impl PersonalNumberError {
    /// What to tell a person, as a phrase (see [`Text::sentence`]).
    pub fn text(&self) -> Text {
        Text::new(match self {
            PersonalNumberError::Format => "personal-number-format",
            PersonalNumberError::Date => "personal-number-date",
            PersonalNumberError::CheckDigit => "personal-number-check-digit",
            PersonalNumberError::Future => "personal-number-future",
        })
    }
}

impl PersonalNumber {
    /// Parses the twelve-digit form (with or without the hyphen), or the ten-digit form with `-`
    /// or `+` (100 years or older), whose century is read relative to `today`.
    pub fn parse(text: &str, today: NaiveDate) -> Result<PersonalNumber, PersonalNumberError> {
        let text = text.trim();
        let centenarian = text.contains('+');
        let digits: String = text.chars().filter(|c| !matches!(c, '-' | '+' | ' ')).collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) || text.matches(['-', '+']).count() > 1 {
            return Err(PersonalNumberError::Format);
        }
        let full = match digits.len() {
            12 if !centenarian => digits,
            10 => {
                let yy: i32 = digits[..2].parse().map_err(|_| PersonalNumberError::Format)?;
                let mut year = today.year() - today.year().rem_euclid(100) + yy;
                if year > today.year() {
                    year -= 100;
                }
                if centenarian {
                    year -= 100;
                }
                format!("{year:04}{}", &digits[2..])
            }
            _ => return Err(PersonalNumberError::Format),
        };
        let number = PersonalNumber(full);
        let check: Vec<u8> = number.0[2..].bytes().map(|b| b - b'0').collect();
        let birth = number.birth_date().ok_or(PersonalNumberError::Date)?;
        if !luhn_valid(&check) {
            return Err(PersonalNumberError::CheckDigit);
        }
        if birth.earliest() > today {
            return Err(PersonalNumberError::Future);
        }
        Ok(number)
    }

    pub fn kind(&self) -> PersonalNumberKind {
        if self.0[6..8].parse::<u32>().unwrap_or(0) >= 60 {
            PersonalNumberKind::Samordningsnummer
        } else {
            PersonalNumberKind::Personnummer
        }
    }

    /// The date of birth the number states. A samordningsnummer carries its day plus 60, and
    /// may leave the day (60) or the month and the day (00, 60) unknown; a personnummer always
    /// has a whole date.
    pub fn birth_date(&self) -> Option<BirthDate> {
        let year = self.0[..4].parse().ok()?;
        let month: u32 = self.0[4..6].parse().ok()?;
        let day: u32 = self.0[6..8].parse().ok()?;
        let (month, day) = match (month, day) {
            (_, 0) => return None,
            (0, 60) => (None, None),
            (0, _) => return None,
            (m, 60) => (Some(m), None),
            (m, d) if d > 60 => (Some(m), Some(d - 60)),
            (m, d) => (Some(m), Some(d)),
        };
        BirthDate::new(year, month, day)
    }

    /// The twelve digits, as stored.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PersonalNumber {
    type Error = PersonalNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        // Stored numbers are twelve digits; the century needs no reference date.
        PersonalNumber::parse(&s, NaiveDate::MAX)
    }
}

impl From<PersonalNumber> for String {
    fn from(n: PersonalNumber) -> String {
        n.0
    }
}

impl fmt::Display for PersonalNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shown(&self.0))
    }
}

/// A stored 12-digit personnummer or samordningsnummer as people write it, YYYYMMDD-NNNN;
/// anything else as it is.
pub fn shown(stored: &str) -> String {
    if stored.len() == 12 && stored.is_ascii() {
        format!("{}-{}", &stored[..8], &stored[8..])
    } else {
        stored.to_owned()
    }
}

/// Migrationsverket's dossier number (dossiernummer): eight digits shown XX-XXXXXX; cards issued
/// since 2022 may add a serial, `/N`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a dossier number has eight digits, for example 12-345678 (sometimes followed by /1)")]
pub struct DossierNumberError;

impl DossierNumberError {
    /// What to tell a person, as a phrase (see [`Text::sentence`]).
    pub fn text(&self) -> Text {
        Text::new("dossier-number-format")
    }
}

impl FromStr for DossierNumber {
    type Err = DossierNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (main, serial) = match s.split_once('/') {
            Some((main, serial)) => (main, Some(serial)),
            None => (s, None),
        };
        let digits: String = main.chars().filter(|c| *c != '-').collect();
        let hyphen_ok = !main.contains('-') || (main.len() == 9 && main.as_bytes()[2] == b'-');
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) || !hyphen_ok {
            return Err(DossierNumberError);
        }
        let serial = match serial {
            None => String::new(),
            Some(n) if !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()) => format!("/{n}"),
            Some(_) => return Err(DossierNumberError),
        };
        Ok(DossierNumber(format!("{}-{}{serial}", &digits[..2], &digits[2..])))
    }
}

impl TryFrom<String> for DossierNumber {
    type Error = DossierNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<DossierNumber> for String {
    fn from(n: DossierNumber) -> String {
        n.0
    }
}

impl fmt::Display for DossierNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn personnummer_in_every_written_form() {
        let twelve = PersonalNumber::parse("199001012385", today()).unwrap();
        assert_eq!(twelve.to_string(), "19900101-2385");
        assert_eq!(twelve.kind(), PersonalNumberKind::Personnummer);
        assert_eq!(twelve.birth_date(), NaiveDate::from_ymd_opt(1990, 1, 1).map(BirthDate::of));
        for form in ["19900101-2385", "900101-2385", "9001012385", " 19900101 2385 "] {
            assert_eq!(PersonalNumber::parse(form, today()), Ok(twelve.clone()), "{form}");
        }
        // Ten digits name the latest century that is not in the future; "+" one century earlier.
        assert_eq!(PersonalNumber::parse("201231-2381", today()).unwrap().digits(), "202012312381");
        assert_eq!(PersonalNumber::parse("201231+2381", today()).unwrap().digits(), "192012312381");
    }

    #[test]
    fn samordningsnummer_has_the_day_plus_60() {
        let number = PersonalNumber::parse("19900161-2382", today()).unwrap();
        assert_eq!(number.kind(), PersonalNumberKind::Samordningsnummer);
        assert_eq!(number.birth_date(), NaiveDate::from_ymd_opt(1990, 1, 1).map(BirthDate::of));
    }

    /// The number with its check digit, for a body of YYYYMMDDNNN.
    fn with_check(body: &str) -> String {
        let digits: Vec<u8> = body[2..].bytes().map(|b| b - b'0').collect();
        format!("{}-{}{}", &body[..8], &body[8..], luhn_check_digit(&digits))
    }

    #[test]
    fn a_samordningsnummer_may_leave_the_day_or_the_month_and_day_unknown() {
        let no_day = PersonalNumber::parse(&with_check("19900760238"), today()).unwrap();
        assert_eq!(no_day.kind(), PersonalNumberKind::Samordningsnummer);
        assert_eq!(no_day.birth_date().unwrap().to_string(), "1990-07-00");
        let no_month = PersonalNumber::parse(&with_check("19900060238"), today()).unwrap();
        assert_eq!(no_month.birth_date().unwrap().to_string(), "1990-00-00");
        assert_eq!(no_month.birth_date().unwrap().known(), BirthDateKnown::Year);
        // A personnummer always has a whole date; a month without a day is not a date either.
        for body in ["19900700238", "19900000238", "19900061238", "19901360238"] {
            assert_eq!(PersonalNumber::parse(&with_check(body), today()), Err(PersonalNumberError::Date), "{body}");
        }
        // An unknown day in this month is not in the future.
        assert!(PersonalNumber::parse(&with_check("20261160238"), today()).is_ok());
    }

    #[test]
    fn an_incomplete_birth_date_is_written_with_00_and_ages_count_from_its_last_possible_day() {
        let no_day = BirthDate::parse("1990-02-00").unwrap();
        assert_eq!(no_day.to_string(), "1990-02-00");
        assert_eq!(no_day.reckoned(), NaiveDate::from_ymd_opt(1990, 2, 28).unwrap());
        assert_eq!(no_day.earliest(), NaiveDate::from_ymd_opt(1990, 2, 1).unwrap());
        let leap = BirthDate::parse("2008-02-00").unwrap();
        assert_eq!(leap.reckoned(), NaiveDate::from_ymd_opt(2008, 2, 29).unwrap());
        let no_month = BirthDate::parse("2008-00-00").unwrap();
        assert_eq!(no_month.reckoned(), NaiveDate::from_ymd_opt(2008, 12, 31).unwrap());
        assert_eq!(BirthDate::from_reckoned(no_month.reckoned(), no_month.known()), no_month);
        assert_eq!(BirthDate::from_reckoned(leap.reckoned(), leap.known()), leap);
        let whole = BirthDate::parse("2008-03-14").unwrap();
        assert_eq!(
            (whole.known(), whole.reckoned(), whole.to_string().as_str()),
            (BirthDateKnown::Day, NaiveDate::from_ymd_opt(2008, 3, 14).unwrap(), "2008-03-14")
        );
        for bad in [
            "2008-00-14",
            "2008-13-00",
            "2008-02-30",
            "08-01-01",
            "2008-1-01",
            "2008-01-01-",
            "2008−01−01",
            "+008-01-01",
            "",
        ] {
            assert_eq!(BirthDate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn bad_numbers_are_refused_with_the_reason() {
        assert_eq!(PersonalNumber::parse("19900101-2386", today()), Err(PersonalNumberError::CheckDigit));
        assert_eq!(PersonalNumber::parse("19900230-2384", today()), Err(PersonalNumberError::Date));
        assert_eq!(PersonalNumber::parse("19900192-2380", today()), Err(PersonalNumberError::Date), "day 92 − 60 = 32");
        assert_eq!(PersonalNumber::parse("1990-01-01", today()), Err(PersonalNumberError::Format));
        assert_eq!(PersonalNumber::parse("199001012385+", today()), Err(PersonalNumberError::Format));
        assert_eq!(PersonalNumber::parse("20301231-2389", today()), Err(PersonalNumberError::Future));
    }

    proptest::proptest! {
        #[test]
        fn any_valid_number_round_trips(days in 0i64..40_000, serial in 0u32..1000, coordination in proptest::bool::ANY) {
            let birth = NaiveDate::from_ymd_opt(1910, 1, 1).unwrap() + chrono::Duration::days(days);
            let day = birth.day() + if coordination { 60 } else { 0 };
            let body = format!("{}{:02}{day:02}{serial:03}", birth.format("%Y"), birth.month());
            let digits: Vec<u8> = body[2..].bytes().map(|b| b - b'0').collect();
            let check = luhn_check_digit(&digits);
            let number = PersonalNumber::parse(&format!("{body}{check}"), today()).unwrap();
            proptest::prop_assert_eq!(number.birth_date(), Some(BirthDate::of(birth)));
            proptest::prop_assert_eq!(number.kind() == PersonalNumberKind::Samordningsnummer, coordination);
            proptest::prop_assert_eq!(PersonalNumber::parse(&number.to_string(), today()), Ok(number.clone()));
            // Any other check digit is refused.
            let wrong = (check + 1) % 10;
            proptest::prop_assert_eq!(PersonalNumber::parse(&format!("{body}{wrong}"), today()), Err(PersonalNumberError::CheckDigit));
        }
    }

    #[test]
    fn dossier_numbers() {
        assert_eq!("12-345678".parse::<DossierNumber>().unwrap().to_string(), "12-345678");
        assert_eq!("12345678".parse::<DossierNumber>().unwrap().to_string(), "12-345678");
        assert_eq!("12-345678/1".parse::<DossierNumber>().unwrap().to_string(), "12-345678/1");
        for bad in ["1-2345678", "12-34567", "12-345678/", "12-345678/a", "ab-cdefgh", "123-45678"] {
            assert!(bad.parse::<DossierNumber>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_seed_organisation_numbers() {
        let county: OrganisationNumber = "202100-2270".parse().unwrap();
        assert_eq!(county.to_string(), "202100-2270");
        assert_eq!(county.digits(), "2021002270");
        assert_eq!("2120000480".parse::<OrganisationNumber>().unwrap().to_string(), "212000-0480");
        assert_eq!("16212000-0480".parse::<OrganisationNumber>().unwrap().to_string(), "212000-0480");
    }

    #[test]
    fn refuses_bad_ones() {
        assert_eq!("212000-0481".parse::<OrganisationNumber>(), Err(OrganisationNumberError::CheckDigit));
        assert_eq!("21200-0480".parse::<OrganisationNumber>(), Err(OrganisationNumberError::Format));
        assert_eq!("21200a-0480".parse::<OrganisationNumber>(), Err(OrganisationNumberError::Format));
    }
}
