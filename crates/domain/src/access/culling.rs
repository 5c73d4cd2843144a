//! Culling (gallring) of the social documentation: a household's record is culled a number of
//! years after the last entry in it, and must be culled by the end of the following calendar
//! year, but not while other data on its persons are still in use. The years and the law they
//! follow are dated rows of `data/culling-rules.csv`; the rule in force on the day of culling
//! decides, so a change in the law is a new row, not a change of code.

use std::sync::LazyLock;

use chrono::{Datelike, Months, NaiveDate};

use crate::text::Text;

const RULES_CSV: &str = include_str!("../../data/culling-rules.csv");

/// One dated rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CullingRule {
    pub valid_from: NaiveDate,
    /// Years after the last entry in a record that it is due.
    pub years: u32,
    /// Calendar years after the one it fell due in that culling must be finished by.
    pub finished_within: i32,
    /// The law it follows, for the page and the command line.
    pub source: String,
}

#[derive(serde::Deserialize)]
struct Row {
    valid_from: NaiveDate,
    years_after_last_entry: u32,
    finished_within_calendar_years: i32,
    source: String,
}

static RULES: LazyLock<Vec<CullingRule>> = LazyLock::new(|| {
    let mut rules: Vec<CullingRule> = csv::Reader::from_reader(RULES_CSV.as_bytes())
        .deserialize::<Row>()
        .map(|row| {
            let row = row.expect("the culling rules shipped are well formed");
            CullingRule {
                valid_from: row.valid_from,
                years: row.years_after_last_entry,
                finished_within: row.finished_within_calendar_years,
                source: row.source,
            }
        })
        .collect();
    rules.sort_by_key(|r| r.valid_from);
    rules
});

/// Every rule, the oldest first.
pub fn rules() -> &'static [CullingRule] {
    &RULES
}

/// The rule in force on `day`; none before the first (then nothing is due).
pub fn rule_on(day: NaiveDate) -> Option<&'static CullingRule> {
    RULES.iter().rev().find(|r| r.valid_from <= day)
}

/// When a record falls due, and the day by which it must be culled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub due_on: NaiveDate,
    pub finish_by: NaiveDate,
}

impl Schedule {
    /// Past the day it had to be culled by.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        today > self.finish_by
    }
}

impl CullingRule {
    /// When a record whose last entry was made on `last_entry` falls due: on the same day
    /// `years` later (the 28th of February for a 29th), to be finished by the end of the
    /// calendar year after.
    pub fn schedule(&self, last_entry: NaiveDate) -> Schedule {
        let due_on = last_entry.checked_add_months(Months::new(12 * self.years)).unwrap_or(NaiveDate::MAX);
        let finish_by = NaiveDate::from_ymd_opt(due_on.year().saturating_add(self.finished_within), 12, 31)
            .unwrap_or(NaiveDate::MAX);
        Schedule { due_on, finish_by }
    }

    /// The latest day a record's last entry can have been made on for it to be due on
    /// `today`: the store selects records whose every entry is on or before it.
    pub fn last_entry_due_by(&self, today: NaiveDate) -> NaiveDate {
        let mut day = today.checked_sub_months(Months::new(12 * self.years)).unwrap_or(NaiveDate::MIN);
        // Going back clamps the 29th of February to the 28th; the 29th is due the same day.
        while let Some(next) = day.succ_opt()
            && self.schedule(next).due_on <= today
        {
            day = next;
        }
        day
    }
}

crate::coded! {
    /// Why a record that is due may not be culled yet: data on its persons still in use.
    pub enum Blocker {
        /// A cost of the household is in a claim Migrationsverket has not yet paid or decided.
        ClaimOpen = "claim_open",
        /// A complaint or deviation about the household is not closed.
        DeviationOpen = "deviation_open",
        /// An activity of a person in the household has no end: the plan may still be in use.
        ActivityOpen = "activity_open",
    }
}

impl Blocker {
    pub fn text(self) -> Text {
        Text::new(match self {
            Blocker::ClaimOpen => "culling-blocked-claim",
            Blocker::DeviationOpen => "culling-blocked-deviation",
            Blocker::ActivityOpen => "culling-blocked-activity",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_rule_in_force_is_five_years_after_the_last_entry() {
        let rule = rule_on(day("2026-12-06")).unwrap();
        assert_eq!(rule.years, 5);
        assert!(rule.source.contains("2001:454"));
        assert!(rule_on(day("2001-12-31")).is_none());
    }

    #[test]
    fn a_record_falls_due_five_years_on_and_must_be_culled_by_the_end_of_the_next_year() {
        let rule = rule_on(day("2026-12-06")).unwrap();
        let s = rule.schedule(day("2020-03-15"));
        assert_eq!(s, Schedule { due_on: day("2025-03-15"), finish_by: day("2026-12-31") });
        assert!(!s.overdue(day("2026-12-31")));
        assert!(s.overdue(day("2027-01-01")));
    }

    #[test]
    fn the_last_day_for_being_due_agrees_with_the_schedule() {
        let rule = rule_on(day("2026-12-06")).unwrap();
        for today in ["2026-12-06", "2025-02-28", "2024-02-29", "2025-03-01", "2028-02-29"] {
            let today = day(today);
            let by = rule.last_entry_due_by(today);
            assert!(rule.schedule(by).due_on <= today, "{today}");
            assert!(rule.schedule(by.succ_opt().unwrap()).due_on > today, "{today}");
        }
        // An entry on the 29th of February falls due on the 28th five years later.
        assert_eq!(rule.last_entry_due_by(day("2025-02-28")), day("2020-02-29"));
    }
}
