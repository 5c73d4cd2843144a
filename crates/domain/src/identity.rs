//! Identity numbers, parsed at the edge so that a bad one never gets further.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

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

/// A Swedish organisation number: ten digits, the last a Luhn check digit; shown NNNNNN-NNNN.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganisationNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganisationNumberError {
    #[error("ett organisationsnummer har tio siffror, till exempel 212000-0480")]
    Format,
    #[error("kontrollsiffran stämmer inte; kontrollera organisationsnumret")]
    CheckDigit,
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

#[cfg(test)]
mod tests {
    use super::*;

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
