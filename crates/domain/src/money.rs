//! Money in whole öre, never floating point; Swedish formatting (`763 945 kr`).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};

use serde::{Deserialize, Serialize};

/// An amount in öre (1 kr = 100 öre).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("an amount is written in kronor, for example 39 500 or 39 500,50")]
    Format,
    #[error("the amount is too large")]
    Overflow,
}

impl MoneyError {
    /// What to tell a person, as a phrase (see [`Text::sentence`](crate::text::Text::sentence)).
    pub fn text(&self) -> crate::text::Text {
        crate::text::Text::new(match self {
            MoneyError::Format => "money-format",
            MoneyError::Overflow => "money-overflow",
        })
    }
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_ore(ore: i64) -> Money {
        Money(ore)
    }

    pub const fn from_kr(kr: i64) -> Money {
        Money(kr * 100)
    }

    pub const fn ore(self) -> i64 {
        self.0
    }

    /// Whole kronor when the amount is a whole number of kronor.
    pub fn whole_kr(self) -> Option<i64> {
        (self.0 % 100 == 0).then_some(self.0 / 100)
    }

    /// Rounded to whole kronor, halves away from zero.
    pub fn round_to_kr(self) -> Money {
        Money(div_round(self.0 as i128, 100) as i64 * 100)
    }

    /// `self × numerator / denominator`, exact until the last step, rounded to the öre with
    /// halves away from zero.
    pub fn mul_div(self, numerator: i64, denominator: i64) -> Money {
        assert!(denominator != 0, "a share of nothing");
        Money(div_round(self.0 as i128 * numerator as i128, denominator as i128) as i64)
    }

    /// `self × numerator / denominator` rounded straight to whole kronor, halves away from zero.
    pub fn share_in_kr(self, numerator: i64, denominator: i64) -> Money {
        assert!(denominator != 0, "a share of nothing");
        let kr = div_round(self.0 as i128 * numerator as i128, denominator as i128 * 100);
        Money(kr as i64 * 100)
    }

    /// Parses kronor as people write them: `39500`, `39 500`, `39 500,50`, `39500.5 kr`.
    pub fn parse_kr(text: &str) -> Result<Money, MoneyError> {
        let cleaned: String = text
            .trim()
            .trim_end_matches("kr")
            .trim_end()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
            .collect();
        let (negative, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        let (whole, fraction) = match digits.split_once([',', '.']) {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || fraction.len() > 2 || !all_digits(fraction) {
            return Err(MoneyError::Format);
        }
        let kr: i64 = whole.parse().map_err(|_| MoneyError::Overflow)?;
        let ore: i64 = format!("{fraction:0<2}").parse().map_err(|_| MoneyError::Format)?;
        let total = kr.checked_mul(100).and_then(|k| k.checked_add(ore)).ok_or(MoneyError::Overflow)?;
        Ok(Money(if negative { -total } else { total }))
    }

    /// `12 345,67` without the unit; whole kronor show no öre.
    pub fn format_number(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (kr, ore) = (abs / 100, abs % 100);
        let digits = kr.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push('\u{a0}');
            }
            grouped.push(c);
        }
        if ore == 0 { format!("{sign}{grouped}") } else { format!("{sign}{grouped},{ore:02}") }
    }
}

/// `n / d` rounded to the nearest integer, halves away from zero.
pub fn div_round(n: i128, d: i128) -> i128 {
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d { q + n.signum() } else { q }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\u{a0}kr", self.format_number())
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_swedish_way() {
        assert_eq!(Money::from_kr(763_945).to_string(), "763\u{a0}945\u{a0}kr");
        assert_eq!(Money::from_ore(3_950_050).to_string(), "39\u{a0}500,50\u{a0}kr");
        assert_eq!(Money::from_kr(-1_000).format_number(), "-1\u{a0}000");
        assert_eq!(Money::from_kr(999).format_number(), "999");
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Money::parse_kr("39500"), Ok(Money::from_kr(39_500)));
        assert_eq!(Money::parse_kr("39 500 kr"), Ok(Money::from_kr(39_500)));
        assert_eq!(Money::parse_kr("39 500,5"), Ok(Money::from_ore(3_950_050)));
        assert_eq!(Money::parse_kr("0.05"), Ok(Money::from_ore(5)));
        assert_eq!(Money::parse_kr("-12"), Ok(Money::from_kr(-12)));
        for bad in ["", "kr", "12,345", "1e5", "tio", "1,2,3"] {
            assert_eq!(Money::parse_kr(bad), Err(MoneyError::Format), "{bad}");
        }
    }

    #[test]
    fn rounds_halves_away_from_zero() {
        assert_eq!(Money::from_ore(150).round_to_kr(), Money::from_kr(2));
        assert_eq!(Money::from_ore(149).round_to_kr(), Money::from_kr(1));
        assert_eq!(Money::from_ore(-150).round_to_kr(), Money::from_kr(-2));
        assert_eq!(Money::from_kr(45_841).mul_div(4, 12).round_to_kr(), Money::from_kr(15_280));
        assert_eq!(div_round(5, 2), 3);
        assert_eq!(div_round(-5, 2), -3);
        assert_eq!(div_round(7, -2), -4);
    }
}
