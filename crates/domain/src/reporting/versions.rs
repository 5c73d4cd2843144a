//! A signed report is frozen as named figures; a later version says which of them changed.

use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use super::follow_up::FollowUp;
use super::monthly::{Month, MonthlyCounts, ROWS, Row};

/// The figures of the unit manager's follow-up, after the committee's rows.
pub const FOLLOW_UP: [&str; 3] = ["arrivals", "contacted_in_time", "below_full_time"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub code: String,
    pub count: u32,
}

/// Every figure of a month's report, in the order shown: the target group, the committee's
/// rows, the follow-up.
pub fn figures(counts: &MonthlyCounts, follow_up: &FollowUp) -> Vec<Figure> {
    let mut out = vec![Figure { code: "target_group".into(), count: counts.target_group }];
    out.extend(counts.rows.iter().map(|r| Figure { code: r.code.into(), count: r.count }));
    for (code, count) in
        FOLLOW_UP.iter().zip([follow_up.arrivals, follow_up.contacted_in_time, follow_up.below_full_time])
    {
        out.push(Figure { code: (*code).into(), count });
    }
    out
}

/// The figures as one line (`target_group=41;sfi=30;…`): what a page showed, to compare with
/// what would be signed.
pub fn fingerprint(figures: &[Figure]) -> String {
    figures.iter().map(|f| format!("{}={}", f.code, f.count)).collect::<Vec<_>>().join(";")
}

/// The counts and follow-up back from their figures (what [`figures`] wrote); `None` when one is
/// missing, such as figures kept before a row was added.
pub fn read_back(month: Month, measured_on: NaiveDate, figures: &[Figure]) -> Option<(MonthlyCounts, FollowUp)> {
    let rows = ROWS.iter().map(|&code| Some(Row { code, count: find(figures, code)? })).collect::<Option<Vec<_>>>()?;
    let counts = MonthlyCounts { month, target_group: find(figures, "target_group")?, rows };
    let [arrivals, contacted_in_time, below_full_time] = FOLLOW_UP.map(|code| find(figures, code));
    let follow_up = FollowUp {
        arrivals: arrivals?,
        contacted_in_time: contacted_in_time?,
        below_full_time: below_full_time?,
        measured_on,
    };
    Some((counts, follow_up))
}

pub fn find(figures: &[Figure], code: &str) -> Option<u32> {
    figures.iter().find(|f| f.code == code).map(|f| f.count)
}

/// A figure that differs between two versions; `None` where a version lacks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub code: String,
    pub before: Option<u32>,
    pub after: Option<u32>,
}

/// What changed from `before` to `after`, in `after`'s order, then what `after` dropped.
pub fn changes(before: &[Figure], after: &[Figure]) -> Vec<Change> {
    let mut out: Vec<Change> = after
        .iter()
        .filter(|a| find(before, &a.code) != Some(a.count))
        .map(|a| Change { code: a.code.clone(), before: find(before, &a.code), after: Some(a.count) })
        .collect();
    out.extend(before.iter().filter(|b| find(after, &b.code).is_none()).map(|b| Change {
        code: b.code.clone(),
        before: Some(b.count),
        after: None,
    }));
    out
}

#[cfg(test)]
mod tests {
    use crate::reporting::follow_up::FollowUp;
    use crate::reporting::monthly::{Month, MonthlyCounts, ROWS, Row};

    #[test]
    fn figures_read_back_as_the_counts_they_came_from() {
        let month = Month::parse("2024-05").unwrap();
        let rows = ROWS.iter().zip(1..).map(|(&code, count)| Row { code, count }).collect();
        let counts = MonthlyCounts { month, target_group: 41, rows };
        let measured_on = month.last;
        let follow_up = FollowUp { arrivals: 3, contacted_in_time: 2, below_full_time: 7, measured_on };
        let figures = super::figures(&counts, &follow_up);
        assert_eq!(super::read_back(month, measured_on, &figures), Some((counts, follow_up)));
        assert_eq!(super::read_back(month, measured_on, &figures[1..]), None, "the target group missing");
    }

    use super::*;

    fn f(code: &str, count: u32) -> Figure {
        Figure { code: code.into(), count }
    }

    #[test]
    fn only_what_differs_is_a_change() {
        let before = [f("target_group", 41), f("sfi", 30), f("old", 1)];
        let after = [f("target_group", 41), f("sfi", 31), f("new", 2)];
        assert_eq!(
            changes(&before, &after),
            [
                Change { code: "sfi".into(), before: Some(30), after: Some(31) },
                Change { code: "new".into(), before: None, after: Some(2) },
                Change { code: "old".into(), before: Some(1), after: None },
            ]
        );
        assert!(changes(&after, &after).is_empty());
    }
}
