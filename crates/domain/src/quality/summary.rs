//! The account of complaints and deviations at an interim or annual closing: counts per area,
//! never a description, a household or a person.

use chrono::NaiveDate;

use super::deviations::{Category, Kind, Severity};

/// The interim closing's last month unless set for the year: January to August.
pub const DEFAULT_INTERIM_LAST_MONTH: u32 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// From January to the end of the given month.
    Interim {
        last_month: u32,
    },
    Annual,
}

impl Closing {
    /// The closing's period in a year: its first and last day.
    pub fn period(self, year: i32) -> Option<(NaiveDate, NaiveDate)> {
        let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
        let last = match self {
            Closing::Interim { last_month } if (1..=11).contains(&last_month) => {
                NaiveDate::from_ymd_opt(year, last_month + 1, 1)?.pred_opt()?
            }
            Closing::Interim { .. } => return None,
            Closing::Annual => NaiveDate::from_ymd_opt(year, 12, 31)?,
        };
        Some((first, last))
    }
}

/// What the summary reads of a complaint or deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    pub category: Category,
    pub severity: Severity,
    pub received_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Complaints received in the period.
    pub complaints: u32,
    /// Deviations found in the period.
    pub deviations: u32,
    /// Of those received, the serious ones.
    pub serious: u32,
    /// Closed in the period (whenever received).
    pub closed: u32,
    /// Received by the period's end and not closed by then.
    pub open_at_end: u32,
}

impl Counts {
    fn add(&mut self, e: &Entry, from: NaiveDate, to: NaiveDate) {
        let received = from <= e.received_on && e.received_on <= to;
        if received {
            match e.kind {
                Kind::Complaint => self.complaints += 1,
                Kind::Deviation => self.deviations += 1,
            }
            if e.severity == Severity::Serious {
                self.serious += 1;
            }
        }
        if e.closed_on.is_some_and(|c| from <= c && c <= to) {
            self.closed += 1;
        }
        if e.received_on <= to && e.closed_on.is_none_or(|c| c > to) {
            self.open_at_end += 1;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every area, in the list's order, also those with nothing.
    pub rows: Vec<(Category, Counts)>,
    pub total: Counts,
}

pub fn summarise(entries: &[Entry], from: NaiveDate, to: NaiveDate) -> Summary {
    let mut rows: Vec<(Category, Counts)> = Category::ALL.iter().map(|c| (*c, Counts::default())).collect();
    let mut total = Counts::default();
    for e in entries {
        if let Some((_, counts)) = rows.iter_mut().find(|(c, _)| *c == e.category) {
            counts.add(e, from, to);
        }
        total.add(e, from, to);
    }
    Summary { from, to, rows, total }
}

/// The year's interim closing as the unit manager sets it: its last month.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct InterimForm {
    pub municipality: String,
    pub year: String,
    pub last_month: String,
}

/// The interim closing, checked: a year of the work and a month from January to November.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interim {
    pub year: crate::time::Year,
    pub last_month: u32,
}

impl InterimForm {
    pub fn check(&self) -> Result<Interim, Vec<crate::input::Invalid>> {
        use crate::input::{Errors, Invalid, year};
        let mut errors = Errors::new();
        let year = errors.keep(year("year", &self.year));
        let last_month = errors.keep(
            self.last_month
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|m| (1..=11).contains(m))
                .ok_or_else(|| Invalid::new("last_month", crate::text::Text::new("closing-last-month"))),
        );
        errors.finish(|| Some(Interim { year: year?, last_month: last_month? }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn entry(kind: Kind, category: Category, severity: Severity, received: &str, closed: Option<&str>) -> Entry {
        Entry { kind, category, severity, received_on: d(received), closed_on: closed.map(d) }
    }

    #[test]
    fn the_interim_closing_runs_from_january_to_its_month() {
        assert_eq!(Closing::Interim { last_month: 8 }.period(2024), Some((d("2024-01-01"), d("2024-08-31"))));
        assert_eq!(Closing::Interim { last_month: 2 }.period(2024), Some((d("2024-01-01"), d("2024-02-29"))));
        assert_eq!(Closing::Annual.period(2024), Some((d("2024-01-01"), d("2024-12-31"))));
        assert_eq!(Closing::Interim { last_month: 12 }.period(2024), None, "that is the annual closing");
    }

    #[test]
    fn counts_per_area_by_what_happened_in_the_period() {
        use Category::*;
        use Kind::*;
        use Severity::*;
        let entries = [
            entry(Complaint, Housing, Normal, "2024-02-01", Some("2024-02-10")),
            entry(Deviation, Housing, Serious, "2024-08-31", None),
            entry(Complaint, Treatment, Normal, "2023-12-20", Some("2024-01-05")),
            entry(Deviation, Reception, Normal, "2024-09-01", None),
            entry(Complaint, Economy, Normal, "2024-03-01", Some("2024-09-15")),
        ];
        let (from, to) = Closing::Interim { last_month: 8 }.period(2024).unwrap();
        let s = summarise(&entries, from, to);
        let housing = s.rows.iter().find(|(c, _)| *c == Housing).unwrap().1;
        assert_eq!(housing, Counts { complaints: 1, deviations: 1, serious: 1, closed: 1, open_at_end: 1 });
        let treatment = s.rows.iter().find(|(c, _)| *c == Treatment).unwrap().1;
        assert_eq!(treatment, Counts { closed: 1, ..Counts::default() }, "received last year, closed in January");
        assert_eq!(s.total, Counts { complaints: 2, deviations: 1, serious: 1, closed: 2, open_at_end: 2 });
        assert_eq!(s.rows.len(), Category::ALL.len());
    }

    #[test]
    fn an_interim_closing_names_its_year_and_month() {
        let fields: Vec<String> =
            InterimForm::default().check().unwrap_err().into_iter().map(|e| e.field.into_owned()).collect();
        assert_eq!(fields, ["year", "last_month"]);
        let june = InterimForm { year: "2024".into(), last_month: "6".into(), ..Default::default() };
        assert_eq!(june.check().unwrap().last_month, 6);
        for (year, month, field) in [("2024", "12", "last_month"), ("2024", "0", "last_month"), ("1999", "6", "year")] {
            let form = InterimForm { year: year.into(), last_month: month.into(), ..Default::default() };
            let fields: Vec<String> = form.check().unwrap_err().into_iter().map(|e| e.field.into_owned()).collect();
            assert_eq!(fields, [field], "{year}-{month}");
        }
    }
}
