//! The monthly review of the access log (logguppföljning): which reads of personal data a unit
//! manager or the auditor looks at for a month. A read is picked for the review when it is of a
//! person with protected identity, from outside the reader's unit, by a reader with no relation
//! to the case, or out of office hours; the reviewer marks each one reviewed with a comment and
//! signs the review when none is left.

use chrono::{Datelike, NaiveDateTime, Timelike, Weekday};

use crate::text::Text;

crate::coded! {
    /// Why a read is in the review.
    pub enum Reason {
        /// Of a person with protected identity (or a household with one).
        Protected = "protected",
        /// By a user of another unit than the household's.
        OutsideUnit = "outside_unit",
        /// By a user who is not the responsible case worker, has not registered the household
        /// nor written in it, and is not a manager of its unit.
        NoCaseRelation = "no_case_relation",
        /// On a weekend, or before or after office hours, Stockholm time.
        OutOfHours = "out_of_hours",
    }
}

impl Reason {
    pub fn text(self) -> Text {
        Text::new(format!("review-reason-{}", self.code()))
    }

    /// Reasons as stored: their codes, comma separated, in the order declared.
    pub fn join(reasons: &[Reason]) -> String {
        reasons.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
    }

    /// Reasons as stored, the unknown left out.
    pub fn split(stored: &str) -> Vec<Reason> {
        stored.split(',').filter_map(|c| Reason::from_code(c.trim())).collect()
    }
}

/// Office hours: from 07:00 to 19:00, Monday to Friday.
pub const OFFICE_OPENS: u32 = 7;
pub const OFFICE_CLOSES: u32 = 19;

/// Out of office hours at this local (Stockholm) time.
pub fn out_of_hours(local: NaiveDateTime) -> bool {
    matches!(local.weekday(), Weekday::Sat | Weekday::Sun) || !(OFFICE_OPENS..OFFICE_CLOSES).contains(&local.hour())
}

/// What is known of one read: when (Stockholm time), of whom, by whom.
#[derive(Debug, Clone)]
pub struct Read<'a> {
    pub local_at: NaiveDateTime,
    pub protected: bool,
    pub household_unit: &'a str,
    pub reader_unit: Option<&'a str>,
    /// The reader is the responsible case worker, registered the household or wrote a note in
    /// it, or manages its unit.
    pub related: bool,
}

/// Why the read is in the review; empty when it is not.
pub fn reasons(read: &Read<'_>) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if read.protected {
        reasons.push(Reason::Protected);
    }
    if read.reader_unit.is_some_and(|u| u != read.household_unit) {
        reasons.push(Reason::OutsideUnit);
    }
    if !read.related {
        reasons.push(Reason::NoCaseRelation);
    }
    if out_of_hours(read.local_at) {
        reasons.push(Reason::OutOfHours);
    }
    reasons
}

/// A reviewer's comment on one read: what they found. Needed, and at most 1 000 characters.
pub fn check_comment(comment: &str) -> Result<String, crate::input::Invalid> {
    let comment = comment.trim();
    if comment.is_empty() || comment.chars().count() > 1000 {
        return Err(crate::input::Invalid::new("comment", Text::new("review-comment-needed")));
    }
    Ok(comment.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn office_hours_are_seven_to_seven_on_weekdays() {
        assert!(!out_of_hours(at("2026-11-02 07:00")), "Monday morning");
        assert!(!out_of_hours(at("2026-11-02 18:59")));
        assert!(out_of_hours(at("2026-11-02 19:00")));
        assert!(out_of_hours(at("2026-11-02 06:59")));
        assert!(out_of_hours(at("2026-11-07 12:00")), "Saturday");
    }

    #[test]
    fn a_read_is_picked_for_each_reason_that_holds() {
        let read = Read {
            local_at: at("2026-11-03 10:00"),
            protected: false,
            household_unit: "Mottagningen",
            reader_unit: Some("Mottagningen"),
            related: true,
        };
        assert!(reasons(&read).is_empty());
        let all = Read {
            local_at: at("2026-11-08 23:00"),
            protected: true,
            reader_unit: Some("Försörjningsstöd"),
            related: false,
            ..read.clone()
        };
        assert_eq!(reasons(&all), Reason::ALL);
        assert_eq!(Reason::split(&Reason::join(&reasons(&all))), Reason::ALL);
        assert!(reasons(&Read { reader_unit: None, ..read }).is_empty(), "finance and managers have no unit");
    }

    #[test]
    fn a_comment_is_needed() {
        assert!(check_comment("  ").is_err());
        assert_eq!(check_comment(" Kontrollerad med handläggaren. ").unwrap(), "Kontrollerad med handläggaren.");
        assert!(check_comment(&"x".repeat(1001)).is_err());
    }
}
