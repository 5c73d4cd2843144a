//! Calendar rules that agreements are written in: months, notice periods, periods of days.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};

/// `date` plus `months` calendar months: the same day of the month, or the month's last day
/// when it has no such day (31 January + 1 month = 28 or 29 February).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).expect("dates stay within chrono's range")
}

/// The first day of the month after `date`'s month.
pub fn first_of_next_month(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).expect("every month has a first day");
    add_months(first, 1)
}

fn month_index(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

/// Calendar months from `from`'s month to `to`'s month, both counted; 0 when `to` is earlier.
pub fn months_spanned(from: NaiveDate, to: NaiveDate) -> i64 {
    (month_index(to) - month_index(from) + 1).max(0)
}

/// A period of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("a period is written YYYY-MM-DD:YYYY-MM-DD")]
    Format,
    #[error("the period ends ({end}) before it starts ({start})")]
    Reversed { start: NaiveDate, end: NaiveDate },
}

impl PeriodError {
    /// What to tell a person, as a phrase (see [`Text::sentence`](crate::text::Text::sentence)).
    pub fn text(&self) -> crate::text::Text {
        use crate::text::Text;
        match self {
            PeriodError::Format => Text::new("period-format"),
            PeriodError::Reversed { start, end } => Text::new("period-reversed").with("start", start).with("end", end),
        }
    }
}

impl Period {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Period, PeriodError> {
        if end < start {
            return Err(PeriodError::Reversed { start, end });
        }
        Ok(Period { start, end })
    }

    /// Days in the period, both ends counted.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// Calendar months the period touches: 2024-01-01:2024-12-31 has 12.
    pub fn months(&self) -> i64 {
        months_spanned(self.start, self.end)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    pub fn intersection(&self, other: &Period) -> Option<Period> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start <= end).then_some(Period { start, end })
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (start, end) = s.trim().split_once(':').ok_or(PeriodError::Format)?;
        let date = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| PeriodError::Format);
        Period::new(date(start)?, date(end)?)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} – {}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_keep_the_day_or_take_the_last_day() {
        assert_eq!(add_months(d("2024-06-20"), 2), d("2024-08-20"));
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
        assert_eq!(add_months(d("2023-01-31"), 1), d("2023-02-28"));
        assert_eq!(add_months(d("2024-08-31"), 6), d("2025-02-28"));
        assert_eq!(first_of_next_month(d("2024-08-20")), d("2024-09-01"));
        assert_eq!(first_of_next_month(d("2024-12-31")), d("2025-01-01"));
    }

    #[test]
    fn periods() {
        let year: Period = "2024-01-01:2024-12-31".parse().unwrap();
        assert_eq!(year.months(), 12);
        assert_eq!(year.days(), 366);
        let term: Period = "2016-09-01:2018-01-31".parse().unwrap();
        assert_eq!(term.months(), 17);
        assert!(matches!("2024-12-31:2024-01-01".parse::<Period>(), Err(PeriodError::Reversed { .. })));
        assert_eq!("2024-01-01".parse::<Period>(), Err(PeriodError::Format));
    }

    proptest! {
        #[test]
        fn adding_months_lands_in_the_right_month_never_later_than_the_day(
            days in 0i64..40_000, months in 0u32..240
        ) {
            let date = d("1990-01-01") + chrono::Duration::days(days);
            let later = add_months(date, months);
            prop_assert_eq!(month_index(later) - month_index(date), i64::from(months));
            prop_assert!(later.day() <= date.day());
            prop_assert!(later.day() == date.day() || first_of_next_month(later) - chrono::Duration::days(1) == later);
        }
    }
}
