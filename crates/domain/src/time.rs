//! Time as people in Sweden read it. Instants are stored in UTC; dates and times are shown and
//! entered in Europe/Stockholm.

use chrono::Datelike;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Stockholm;

/// A UTC instant as Stockholm wall-clock time.
pub fn to_local(utc: NaiveDateTime) -> NaiveDateTime {
    Stockholm.from_utc_datetime(&utc).naive_local()
}

/// The UTC instant at which a Stockholm calendar day begins.
pub fn start_of_local_day(date: NaiveDate) -> NaiveDateTime {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    // Sweden changes clocks at 02:00 and 03:00, never at midnight, so midnight is unambiguous.
    Stockholm.from_local_datetime(&midnight).earliest().expect("midnight exists in Stockholm").naive_utc()
}

/// A Stockholm wall-clock time as the UTC instant (the earlier one when clocks go back).
pub fn from_local(local: NaiveDateTime) -> Option<NaiveDateTime> {
    Stockholm.from_local_datetime(&local).earliest().map(|t| t.naive_utc())
}

/// A UTC instant as RFC 3339 with Stockholm's offset, as in exported files.
pub fn to_rfc3339_local(utc: NaiveDateTime) -> String {
    with_offset(utc).to_rfc3339()
}

/// A UTC instant with Stockholm's offset at that instant, as the API gives times.
pub fn with_offset(utc: NaiveDateTime) -> chrono::DateTime<chrono::FixedOffset> {
    Stockholm.from_utc_datetime(&utc).fixed_offset()
}

/// A year of the work: a grant's, an invoice round's, a closing's. Only years from 2000 to 2100
/// are taken, so that no calendar arithmetic on one can leave chrono's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub struct Year(i32);

impl Year {
    pub const RANGE: std::ops::RangeInclusive<i32> = 2000..=2100;

    pub fn new(year: i32) -> Result<Year, YearOutOfRange> {
        if Year::RANGE.contains(&year) { Ok(Year(year)) } else { Err(YearOutOfRange(year)) }
    }

    /// The year a date falls in, which is a year of the work when the date is.
    pub fn of(date: NaiveDate) -> Result<Year, YearOutOfRange> {
        Year::new(date.year())
    }

    pub fn get(self) -> i32 {
        self.0
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 1, 1).expect("every year of the work has a 1 January")
    }

    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 12, 31).expect("every year of the work has a 31 December")
    }

    /// A day of this year, if the calendar has it (30 February has none).
    pub fn day(self, month: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.0, month, day)
    }

    /// The year `years` earlier; a lag never leaves chrono's range, so it is a plain number.
    pub fn minus(self, years: i32) -> i32 {
        self.0 - years
    }
}

impl std::fmt::Display for Year {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Year {
    type Err = YearOutOfRange;

    fn from_str(text: &str) -> Result<Year, YearOutOfRange> {
        let text = text.trim();
        let number = text.parse::<i32>().map_err(|_| YearOutOfRange(0))?;
        if text.len() != 4 {
            return Err(YearOutOfRange(number));
        }
        Year::new(number)
    }
}

impl TryFrom<i32> for Year {
    type Error = YearOutOfRange;

    fn try_from(year: i32) -> Result<Year, YearOutOfRange> {
        Year::new(year)
    }
}

impl From<Year> for i32 {
    fn from(year: Year) -> i32 {
        year.0
    }
}

/// A year outside the years of the work (or not a year at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("write a year from 2000 to 2100 with four digits (got {0})")]
pub struct YearOutOfRange(pub i32);

/// The years a typed date may have: calendar arithmetic a few years either side never leaves
/// chrono's range, and nothing in the work is older or newer.
const YEARS: std::ops::RangeInclusive<i32> = 1800..=2200;

/// Parses a date typed as YYYY-MM-DD (a year from 1800 to 2200).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok().filter(|d| YEARS.contains(&d.year()))
}

/// A month written `YYYY-MM`, as its first and last day.
pub fn parse_month(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let first = parse_date(&format!("{}-01", text.trim()))?;
    let next = crate::agreements::calendar::first_of_next_month(first);
    Some((first, next.pred_opt()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_of_the_work_only() {
        assert_eq!("2024".parse::<Year>().map(Year::get), Ok(2024));
        assert!("262143".parse::<Year>().is_err());
        assert!("24".parse::<Year>().is_err());
        assert!(Year::new(1999).is_err() && Year::new(2101).is_err());
        assert!(serde_json::from_str::<Year>("262143").is_err());
        assert_eq!(serde_json::from_str::<Year>("2100").unwrap().last_day().to_string(), "2100-12-31");
    }

    #[test]
    fn dates_have_four_digit_years() {
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("+262142-12-01").is_none());
        assert!(parse_month("-262144-01").is_none());
        assert_eq!(parse_month("2024-02").map(|(_, last)| last.to_string()).as_deref(), Some("2024-02-29"));
    }

    #[test]
    fn summer_and_winter_time() {
        let winter = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap().and_hms_opt(12, 0, 0).unwrap();
        assert_eq!(to_local(winter).format("%H:%M").to_string(), "13:00");
        let summer = NaiveDate::from_ymd_opt(2026, 7, 15).unwrap().and_hms_opt(12, 0, 0).unwrap();
        assert_eq!(to_local(summer).format("%H:%M").to_string(), "14:00");
    }

    #[test]
    fn a_local_day_starts_the_evening_before_in_utc() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(start_of_local_day(day).to_string(), "2026-10-31 23:00:00");
        let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        assert_eq!(start_of_local_day(day).to_string(), "2026-05-31 22:00:00");
    }

    #[test]
    fn dates_are_typed_iso_style() {
        assert_eq!(parse_date(" 2026-11-24 "), NaiveDate::from_ymd_opt(2026, 11, 24));
        assert_eq!(parse_date("24/11/2026"), None);
        assert_eq!(parse_date("2026-02-30"), None);
    }
}
