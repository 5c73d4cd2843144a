//! A month's report as a document: its heading and its table, with the counts written exactly or
//! as the public version shows them. The pages, the files and the command line all use this.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use etablera_domain::reporting::monthly::{Month, public};
use etablera_domain::reporting::versions::{Change, FOLLOW_UP, Figure};
use etablera_reports::table::{Cell, Heading, Table};

use crate::i18n::Tr;
use crate::pages::local_time;

/// How counts are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    Exact,
    /// Counts from 1 to one below the threshold are written "<threshold".
    Public {
        threshold: u32,
    },
}

impl Counts {
    pub fn of(exact: bool, threshold: u32) -> Counts {
        if exact { Counts::Exact } else { Counts::Public { threshold } }
    }

    pub fn show(self, n: u32) -> String {
        match self {
            Counts::Exact => n.to_string(),
            Counts::Public { threshold } => public(n, threshold).to_string(),
        }
    }

    /// The public version carries the committee's figures only: the follow-up is the unit
    /// manager's.
    pub fn includes(self, code: &str) -> bool {
        self == Counts::Exact || !FOLLOW_UP.contains(&code)
    }
}

/// "maj 2024".
pub fn month_name(t: &Tr, month: Month) -> String {
    format!("{} {}", t.get(&format!("month-{}", month.first.month())), month.first.year())
}

/// The short name of a month in a chart: "maj".
pub fn month_short(t: &Tr, month: Month) -> String {
    t.get(&format!("month-short-{}", month.first.month()))
}

pub fn figure_name(t: &Tr, code: &str) -> String {
    t.get(&format!("report-figure-{code}"))
}

/// Who signed a version, and when.
pub struct Signature<'a> {
    pub version: i32,
    pub signed_at: NaiveDateTime,
    pub signed_by: Option<&'a str>,
    pub changes: &'a [Change],
}

/// The changes of a version as sentences; in the public version a change between two counts
/// that are both hidden says only that the figure changed.
pub fn change_lines(t: &Tr, changes: &[Change], counts: Counts) -> Vec<String> {
    let missing = "–".to_owned();
    changes
        .iter()
        .filter(|c| counts.includes(&c.code))
        .map(|c| {
            let (before, after) = (
                c.before.map_or(missing.clone(), |n| counts.show(n)),
                c.after.map_or(missing.clone(), |n| counts.show(n)),
            );
            let name = figure_name(t, &c.code);
            if before == after {
                t.with("report-change-hidden", "figure", name)
            } else {
                t.text("report-change", &[("figure", name), ("before", before), ("after", after)])
            }
        })
        .collect()
}

/// The report's heading and table.
pub fn document(
    t: &Tr,
    municipality_code: &str,
    month: Month,
    figures: &[Figure],
    measured_on: NaiveDate,
    counts: Counts,
    signature: Option<Signature<'_>>,
) -> (Heading, Table) {
    let mut facts = vec![
        (
            t.get("col-municipality"),
            format!("{municipality_code} {}", etablera_domain::municipality::name_of(municipality_code)),
        ),
        (t.get("report-month"), month_name(t, month)),
    ];
    match &signature {
        Some(s) => {
            let by = s.signed_by.map(|b| format!(" – {b}")).unwrap_or_default();
            facts.push((t.get("report-version"), format!("{} ({}{by})", s.version, local_time(s.signed_at))));
            let lines = change_lines(t, s.changes, counts);
            if !lines.is_empty() {
                facts.push((t.get("report-changes"), lines.join("; ")));
            }
        }
        None => facts.push((t.get("report-version"), t.get("report-unsigned"))),
    }
    if counts == Counts::Exact {
        facts.push((t.get("report-measured-on"), measured_on.to_string()));
    }
    let rows = figures
        .iter()
        .filter(|f| counts.includes(&f.code))
        .map(|f| vec![Cell::Text(figure_name(t, &f.code)), Cell::count_or_text(counts.show(f.count))])
        .collect();
    let note = match counts {
        Counts::Exact => t.get("report-note-exact"),
        Counts::Public { threshold } => t.text(
            "report-note-public",
            &[("threshold", threshold.to_string()), ("max", threshold.saturating_sub(1).to_string())],
        ),
    };
    let heading = Heading { title: t.with("report-document-title", "month", month_name(t, month)), facts, note };
    let table =
        Table { headers: vec![t.get("report-figure"), t.get("report-count")], text_columns: 1, rows, totals: vec![] };
    (heading, table)
}

/// The file name of a month's report, without its extension.
pub fn file_name(municipality_code: &str, month: Month, version: Option<i32>) -> String {
    match version {
        Some(v) => format!("manadsrapport-{municipality_code}-{}-v{v}", month.code()),
        None => format!("manadsrapport-{municipality_code}-{}", month.code()),
    }
}

/// The report as a CSV table: the figure's code for machines, its name for people, the count.
pub fn csv_table(t: &Tr, figures: &[Figure], counts: Counts) -> Table {
    Table {
        headers: vec!["code".into(), "label".into(), "count".into()],
        text_columns: 2,
        rows: figures
            .iter()
            .filter(|f| counts.includes(&f.code))
            .map(|f| {
                vec![
                    Cell::text(&f.code),
                    Cell::Text(figure_name(t, &f.code)),
                    Cell::count_or_text(counts.show(f.count)),
                ]
            })
            .collect(),
        totals: vec![],
    }
}
