//! Municipality codes: four digits, the first two the county. The 290 codes are built in.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

const MUNICIPALITIES_CSV: &str = include_str!("../data/municipalities.csv");

/// A Swedish municipality, as in Statistics Sweden's list of codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Municipality {
    pub code: &'static str,
    pub name: &'static str,
    pub county_code: &'static str,
}

/// All 290 municipalities, in code order.
pub fn all() -> &'static [Municipality] {
    use std::sync::OnceLock;
    static ALL: OnceLock<Vec<Municipality>> = OnceLock::new();
    ALL.get_or_init(|| {
        MUNICIPALITIES_CSV
            .lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let mut fields = line.split(',');
                let mut next = || fields.next().expect("built-in municipality table has three columns");
                Municipality { code: next(), name: next(), county_code: next() }
            })
            .collect()
    })
}

/// Looks a municipality up by its four-digit code.
pub fn by_code(code: &str) -> Option<&'static Municipality> {
    all().iter().find(|m| m.code == code)
}

/// The municipality's name, or the code itself when no municipality has it.
pub fn name_of(code: &str) -> String {
    by_code(code).map_or_else(|| code.to_owned(), |m| m.name.to_owned())
}

/// A municipality code that names one of the built-in municipalities.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MunicipalityCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MunicipalityCodeError {
    #[error("a municipality code has four digits, for example 0117")]
    Format,
    #[error("no municipality has the code {0}")]
    Unknown(String),
}

impl MunicipalityCodeError {
    /// What to tell a person, as a phrase (see [`Text::sentence`](crate::text::Text::sentence)).
    pub fn text(&self) -> crate::text::Text {
        use crate::text::Text;
        match self {
            MunicipalityCodeError::Format => Text::new("municipality-code-format"),
            MunicipalityCodeError::Unknown(code) => Text::new("municipality-code-unknown").with("code", code),
        }
    }
}

impl MunicipalityCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn municipality(&self) -> &'static Municipality {
        by_code(&self.0).expect("a MunicipalityCode is always a known code")
    }

    pub fn name(&self) -> &'static str {
        self.municipality().name
    }
}

impl FromStr for MunicipalityCode {
    type Err = MunicipalityCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MunicipalityCodeError::Format);
        }
        match by_code(s) {
            Some(m) => Ok(MunicipalityCode(m.code.to_owned())),
            None => Err(MunicipalityCodeError::Unknown(s.to_owned())),
        }
    }
}

impl TryFrom<String> for MunicipalityCode {
    type Error = MunicipalityCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<MunicipalityCode> for String {
    fn from(code: MunicipalityCode) -> String {
        code.0
    }
}

impl fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_290_municipalities_are_built_in_with_unique_codes() {
        let all = all();
        assert_eq!(all.len(), 290);
        let mut codes: Vec<_> = all.iter().map(|m| m.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), 290, "codes are sorted and unique");
        assert!(all.iter().all(|m| m.code.starts_with(m.county_code)));
    }

    #[test]
    fn parses_known_codes_and_refuses_others() {
        let code: MunicipalityCode = "0117".parse().unwrap();
        assert_eq!(code.name(), "Österåker");
        assert_eq!("0586".parse::<MunicipalityCode>().unwrap().name(), "Mjölby");
        assert_eq!("117".parse::<MunicipalityCode>(), Err(MunicipalityCodeError::Format));
        assert_eq!("01a7".parse::<MunicipalityCode>(), Err(MunicipalityCodeError::Format));
        assert_eq!("0100".parse::<MunicipalityCode>(), Err(MunicipalityCodeError::Unknown("0100".into())));
    }

    #[test]
    fn ostergotland_has_13_municipalities() {
        assert_eq!(all().iter().filter(|m| m.county_code == "05").count(), 13);
    }
}
