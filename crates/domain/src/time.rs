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
    Stockholm.from_utc_datetime(&utc).to_rfc3339()
}

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
