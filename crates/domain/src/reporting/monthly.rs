//! The monthly report's counts, by the definitions of issue 6, for month M with first day F and
//! last day L:
//! - a person is in the target group when received on or before L and not exited before F;
//! - an activity row counts the distinct persons in the target group with an activity of that
//!   row's types running some day of M (start ≤ L, end empty or ≥ F); the catalogue says which
//!   row a type counts in (`other` takes `other` and `studies`);
//! - `declined` counts the distinct persons in the target group with a decline dated in M;
//! - `housing_damages` counts the damages dated in M.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::reception::plan::PlannedActivity;
use crate::reception::target_group;

/// The report's rows, in the order the committee's order lists them.
pub const ROWS: [&str; 10] = [
    "sfi",
    "civic_orientation",
    "extra_job",
    "new_start_job",
    "job_track",
    "permanent_employment",
    "internship",
    "declined",
    "other",
    "housing_damages",
];

/// A person as the report needs them: no name, only dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPerson {
    pub id: i32,
    pub birth_date: NaiveDate,
    pub reception_date: Option<NaiveDate>,
    /// The exits from the target group.
    pub exits: Vec<target_group::Exit>,
    /// The periods (first day, last day or open) in which the work principle does not apply.
    pub exemptions: Vec<(NaiveDate, Option<NaiveDate>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportActivity {
    pub person_id: i32,
    /// The catalogue's report row for the activity's type; `None` for types not reported.
    pub report_row: Option<String>,
    /// Its dates, hours and how it counts towards full time.
    pub planned: PlannedActivity,
}

/// The first and last day of a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Month {
    /// `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        crate::time::parse_month(text).map(|(first, last)| Month { first, last })
    }

    pub fn code(&self) -> String {
        self.first.format("%Y-%m").to_string()
    }

    /// The month before.
    pub fn previous(&self) -> Month {
        // Months come from parse (years 1800–2200) or today: the day before is always there.
        Month::containing(self.first.pred_opt().unwrap_or(self.first))
    }

    /// Whether the month is over on `today`: its report may be signed from the day after its
    /// last.
    pub fn has_ended(&self, today: NaiveDate) -> bool {
        self.last < today
    }

    /// The first day the month's report may be signed.
    pub fn signable_from(&self) -> NaiveDate {
        self.last.succ_opt().unwrap_or(self.last)
    }

    /// A month's report is signed once the month has ended; the message names the day it may be.
    pub fn check_ended(&self, field: &'static str, today: NaiveDate) -> Result<(), crate::input::Invalid> {
        if self.has_ended(today) {
            Ok(())
        } else {
            Err(crate::input::Invalid::new(
                field,
                crate::text::Text::new("monthly-not-over").with("from", self.signable_from()),
            ))
        }
    }

    pub fn containing(date: NaiveDate) -> Month {
        use chrono::{Datelike, Months};
        let first = date.with_day(1).expect("every month has a first day");
        let next = first.checked_add_months(Months::new(1)).expect("dates stay within range");
        Month { first, last: next.pred_opt().expect("dates stay within range") }
    }

    /// The `n` months ending with this one, oldest first.
    pub fn trailing(&self, n: usize) -> Vec<Month> {
        let mut months = vec![*self];
        while months.len() < n {
            let before = months.last().expect("never empty").previous();
            months.push(before);
        }
        months.reverse();
        months
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }
}

/// One row of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub code: &'static str,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyCounts {
    pub month: Month,
    pub target_group: u32,
    pub rows: Vec<Row>,
}

impl MonthlyCounts {
    pub fn count(&self, code: &str) -> Option<u32> {
        self.rows.iter().find(|r| r.code == code).map(|r| r.count)
    }
}

impl ReportPerson {
    /// In the target group some day of the month.
    pub fn in_group(&self, month: Month) -> bool {
        target_group::during(self.reception_date, &self.exits, month.first, month.last)
    }

    pub fn in_group_on(&self, day: NaiveDate) -> bool {
        target_group::on(self.reception_date, &self.exits, day)
    }
}

/// The month's counts. `declines` are (person, date); `damages` the dates of the damages in the
/// municipality's temporary homes.
pub fn count(
    month: Month,
    persons: &[ReportPerson],
    activities: &[ReportActivity],
    declines: &[(i32, NaiveDate)],
    damages: &[NaiveDate],
) -> MonthlyCounts {
    let group: BTreeSet<i32> = persons.iter().filter(|p| p.in_group(month)).map(|p| p.id).collect();
    let rows = ROWS
        .iter()
        .map(|code| {
            let count = match *code {
                "declined" => declines
                    .iter()
                    .filter(|(person, on)| group.contains(person) && month.contains(*on))
                    .map(|(person, _)| *person)
                    .collect::<BTreeSet<_>>()
                    .len(),
                "housing_damages" => damages.iter().filter(|d| month.contains(**d)).count(),
                row => activities
                    .iter()
                    .filter(|a| a.report_row.as_deref() == Some(row) && group.contains(&a.person_id))
                    .filter(|a| a.planned.start <= month.last && a.planned.end.is_none_or(|e| e >= month.first))
                    .map(|a| a.person_id)
                    .collect::<BTreeSet<_>>()
                    .len(),
            };
            Row { code, count: u32::try_from(count).unwrap_or(u32::MAX) }
        })
        .collect();
    MonthlyCounts { month, target_group: u32::try_from(group.len()).unwrap_or(u32::MAX), rows }
}

/// The public version's threshold unless configured: 1 and 2 are shown as "<3".
pub const DEFAULT_THRESHOLD: u32 = 3;

/// A count as the public version shows it: between 1 and `threshold − 1` it is "<threshold",
/// so that no small group can be pointed out; 0 and larger counts are shown as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Exact(u32),
    Fewer(u32),
}

pub fn public(count: u32, threshold: u32) -> Shown {
    if count >= 1 && count < threshold { Shown::Fewer(threshold) } else { Shown::Exact(count) }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Exact(n) => write!(f, "{n}"),
            Shown::Fewer(t) => write!(f, "<{t}"),
        }
    }
}

/// The report as the command's JSON, its keys in the contract's order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Json {
    pub municipality_code: String,
    pub month: String,
    /// A number, or in the public version "<3" for a small count.
    pub target_group: serde_json::Value,
    pub rows: Vec<JsonRow>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct JsonRow {
    pub code: &'static str,
    pub count: serde_json::Value,
}

/// The report as the command's JSON: exact counts, or the public version's with `threshold`.
pub fn json(municipality_code: &str, counts: &MonthlyCounts, threshold: Option<u32>) -> Json {
    let value = |n: u32| match threshold.map(|t| public(n, t)) {
        Some(shown @ Shown::Fewer(_)) => serde_json::Value::from(shown.to_string()),
        _ => serde_json::Value::from(n),
    };
    Json {
        municipality_code: municipality_code.to_owned(),
        month: counts.month.code(),
        target_group: value(counts.target_group),
        rows: counts.rows.iter().map(|r| JsonRow { code: r.code, count: value(r.count) }).collect(),
    }
}

/// The signature of a month's report as sent: the month and what the signer saw (hidden
/// fields) and a note.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SignForm {
    pub municipality: String,
    /// `YYYY-MM`.
    pub month: String,
    /// The fingerprint of the figures the signer read.
    pub figures: String,
    pub note: String,
}

/// The most a signature's note may hold.
pub const MAX_NOTE: usize = 2000;

/// A month's signature, checked: a month that has ended and the note, when one is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub month: Month,
    pub note: Option<String>,
}

impl SignForm {
    /// The month (as the page chose it from the form's `month`) has ended by `today`; the note is
    /// at most [`MAX_NOTE`] characters.
    pub fn check(&self, month: Month, today: NaiveDate) -> Result<Signature, Vec<crate::input::Invalid>> {
        use crate::input::{Errors, Invalid};
        let mut errors = Errors::new();
        errors.keep(month.check_ended("month", today));
        let note = self.note.trim();
        if note.chars().count() > MAX_NOTE {
            errors.push(Invalid::new("note", crate::text::Text::new("monthly-note-too-long")));
        }
        errors.finish(|| Some(Signature { month, note: Some(note.to_owned()).filter(|n| !n.is_empty()) }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn person(id: i32, reception: Option<&str>, exit: Option<&str>) -> ReportPerson {
        ReportPerson {
            id,
            birth_date: d("1990-01-01"),
            reception_date: reception.map(d),
            exits: exit.map(|e| (d(e), None)).into_iter().collect(),
            exemptions: vec![],
        }
    }

    fn activity(person_id: i32, row: &str, start: &str, end: Option<&str>) -> ReportActivity {
        ReportActivity { person_id, report_row: Some(row.into()), planned: hours(start, end, 10) }
    }

    fn hours(start: &str, end: Option<&str>, hours_per_week: u32) -> PlannedActivity {
        PlannedActivity {
            counts: crate::reception::plan::Counts::Hours,
            start: d(start),
            end: end.map(d),
            hours_per_week,
            extent_percent: 0,
        }
    }

    #[test]
    fn rows_count_distinct_persons_with_an_activity_running_in_the_month() {
        let may = Month::parse("2024-05").unwrap();
        let persons = [
            person(1, Some("2024-01-10"), None),
            person(2, Some("2024-02-10"), Some("2024-05-01")),
            person(3, Some("2024-02-10"), Some("2024-04-30")),
            person(4, Some("2024-06-01"), None),
        ];
        let activities = [
            activity(1, "sfi", "2024-02-01", Some("2024-05-01")),
            activity(1, "sfi", "2024-05-10", None),
            activity(2, "sfi", "2024-05-31", None),
            activity(3, "sfi", "2024-03-01", None),
            activity(4, "sfi", "2024-05-01", None),
            activity(1, "internship", "2024-04-01", Some("2024-04-30")),
            activity(2, "other", "2024-05-02", Some("2024-05-03")),
            ReportActivity { person_id: 1, report_row: None, planned: hours("2024-05-01", None, 5) },
        ];
        let declines = [(1, d("2024-05-31")), (1, d("2024-05-02")), (2, d("2024-04-30")), (3, d("2024-05-05"))];
        let damages = [d("2024-05-01"), d("2024-05-31"), d("2024-06-01")];
        let c = count(may, &persons, &activities, &declines, &damages);
        assert_eq!(c.target_group, 2, "1, and 2 who left on F; not 3 who left before, nor 4 received after");
        assert_eq!(c.count("sfi"), Some(2), "1 (ending on F, again from the 10th) once, 2 (starting on L)");
        assert_eq!(c.count("internship"), Some(0), "ended before F");
        assert_eq!(c.count("other"), Some(1));
        assert_eq!(c.count("declined"), Some(1), "1 twice in May; 2's decline was in April; 3 is not in the group");
        assert_eq!(c.count("housing_damages"), Some(2));
        assert_eq!(c.rows.iter().map(|r| r.code).collect::<Vec<_>>(), ROWS);
    }

    #[test]
    fn small_counts_are_hidden_in_the_public_version() {
        assert_eq!(public(0, 3).to_string(), "0");
        assert_eq!(public(1, 3).to_string(), "<3");
        assert_eq!(public(2, 3).to_string(), "<3");
        assert_eq!(public(3, 3).to_string(), "3");
        assert_eq!(public(4, 5).to_string(), "<5");
    }

    #[test]
    fn the_json_of_the_command() {
        let may = Month::parse("2024-05").unwrap();
        let c = count(may, &[person(1, Some("2024-01-10"), None)], &[activity(1, "sfi", "2024-05-01", None)], &[], &[]);
        let exact = serde_json::to_value(json("0117", &c, None)).unwrap();
        assert_eq!(exact["municipality_code"], "0117");
        assert_eq!(exact["month"], "2024-05");
        assert_eq!(exact["target_group"], 1);
        assert_eq!(exact["rows"][0], serde_json::json!({ "code": "sfi", "count": 1 }));
        assert_eq!(exact["rows"][1], serde_json::json!({ "code": "civic_orientation", "count": 0 }));
        let open = serde_json::to_value(json("0117", &c, Some(3))).unwrap();
        assert_eq!(open["target_group"], "<3");
        assert_eq!(open["rows"][0]["count"], "<3");
        assert_eq!(open["rows"][1]["count"], 0);
        let text = serde_json::to_string(&json("0117", &c, None)).unwrap();
        assert!(
            text.starts_with(r#"{"municipality_code":"0117","month":"2024-05","target_group":1,"rows":[{"code":"sfi""#),
            "{text}"
        );
    }

    #[test]
    fn a_month_is_signed_once_it_has_ended_with_a_note_of_at_most_max_note() {
        let may = Month::parse("2024-05").unwrap();
        let form = |note: &str| SignForm { note: note.into(), ..Default::default() };
        let fields = |errors: Vec<crate::input::Invalid>| -> Vec<String> {
            errors.into_iter().map(|e| e.field.into_owned()).collect()
        };
        assert_eq!(
            form(" Granskad ").check(may, d("2024-06-01")).unwrap(),
            Signature { month: may, note: Some("Granskad".into()) }
        );
        assert_eq!(form("  ").check(may, d("2024-06-01")).unwrap().note, None);
        let early = form("").check(may, d("2024-05-31")).unwrap_err();
        assert!(early[0].message.swedish().contains("2024-06-01"), "{}", early[0].message);
        assert_eq!(fields(early), ["month"]);
        let long = "x".repeat(MAX_NOTE + 1);
        assert_eq!(fields(form(&long).check(may, d("2024-05-31")).unwrap_err()), ["month", "note"]);
        assert!(form(&"x".repeat(MAX_NOTE)).check(may, d("2024-06-01")).is_ok());
        assert!(!may.has_ended(d("2024-05-31")) && may.has_ended(d("2024-06-01")));
    }
}
