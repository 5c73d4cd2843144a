//! An agreement's terms, as a version of it states them: how long it runs, notice, refunds,
//! vacancies and when it is invoiced.

use chrono::{Datelike, NaiveDate};

use super::calendar::Period;
use super::termination::RefundPolicy;

/// How long an agreement runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    FixedTerm { start: NaiveDate, end: NaiveDate },
    UntilFurtherNotice { start: NaiveDate },
}

impl Validity {
    /// From a start and an end, if there is one: without an end it runs until further notice.
    pub fn from_dates(start: NaiveDate, end: Option<NaiveDate>) -> Validity {
        match end {
            Some(end) => Validity::FixedTerm { start, end },
            None => Validity::UntilFurtherNotice { start },
        }
    }

    pub fn start(&self) -> NaiveDate {
        match *self {
            Validity::FixedTerm { start, .. } | Validity::UntilFurtherNotice { start } => start,
        }
    }

    pub fn end(&self) -> Option<NaiveDate> {
        match *self {
            Validity::FixedTerm { end, .. } => Some(end),
            Validity::UntilFurtherNotice { .. } => None,
        }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.start() && self.end().is_none_or(|end| date <= end)
    }

    /// Whether the two share a day: a municipality has one agreement about a post at a time.
    pub fn overlaps(&self, other: &Validity) -> bool {
        self.start() <= other.end().unwrap_or(NaiveDate::MAX) && other.start() <= self.end().unwrap_or(NaiveDate::MAX)
    }
}

/// One invoice the agreement names: due by a date, for a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instalment {
    pub due: NaiveDate,
    pub period: Period,
}

/// When the agreement is invoiced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceSchedule {
    /// Once a year for the calendar year, by the given day (the 2018 agreement: 10 December).
    Yearly { month: u32, day: u32 },
    /// Named invoices (the 2016 agreement: the first year by 2016-12-10, the remaining six months
    /// by 2017-05-31).
    Instalments(Vec<Instalment>),
    /// Not invoiced: a committee's order to its own administration.
    None,
}

crate::coded! {
    /// Which of the schedules an agreement is invoiced by, as stored beside its dates.
    pub enum InvoiceScheduleKind {
        Yearly = "yearly",
        Instalments = "instalments",
        None = "none",
    }
}

impl InvoiceSchedule {
    pub fn kind(&self) -> InvoiceScheduleKind {
        match self {
            InvoiceSchedule::Yearly { .. } => InvoiceScheduleKind::Yearly,
            InvoiceSchedule::Instalments(_) => InvoiceScheduleKind::Instalments,
            InvoiceSchedule::None => InvoiceScheduleKind::None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub validity: Validity,
    /// Months of notice; `None` when the agreement cannot be ended early.
    pub notice_months: Option<u32>,
    pub refund_policy: RefundPolicy,
    /// A vacancy is refunded only when it lasts longer than this many months; `None` refunds any.
    pub vacancy_threshold_months: Option<u32>,
    pub schedule: InvoiceSchedule,
}

impl Terms {
    /// The invoices that fall due within `year`. A yearly invoice covers the calendar year within
    /// the agreement's validity; named instalments cover the periods the agreement names, as
    /// written (the 2016 agreement names six months after the first year although its term
    /// has five left: the invoices follow the agreement).
    pub fn invoices_in(&self, year: i32) -> Vec<Instalment> {
        let clip = |period: Period| {
            let validity = Period { start: self.validity.start(), end: self.validity.end().unwrap_or(NaiveDate::MAX) };
            period.intersection(&validity)
        };
        match &self.schedule {
            InvoiceSchedule::Yearly { month, day } => {
                let Some(due) = NaiveDate::from_ymd_opt(year, *month, *day) else { return Vec::new() };
                let calendar_year = Period {
                    start: NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January exists"),
                    end: NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists"),
                };
                clip(calendar_year).map(|period| Instalment { due, period }).into_iter().collect()
            }
            InvoiceSchedule::Instalments(list) => list.iter().filter(|i| i.due.year() == year).copied().collect(),
            InvoiceSchedule::None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub(crate) fn terms_2016() -> Terms {
        Terms {
            validity: Validity::FixedTerm { start: d("2016-09-01"), end: d("2018-01-31") },
            notice_months: None,
            refund_policy: RefundPolicy::None,
            vacancy_threshold_months: None,
            schedule: InvoiceSchedule::Instalments(vec![
                Instalment { due: d("2016-12-10"), period: "2016-09-01:2017-08-31".parse().unwrap() },
                Instalment { due: d("2017-05-31"), period: "2017-09-01:2018-02-28".parse().unwrap() },
            ]),
        }
    }

    pub(crate) fn terms_2018() -> Terms {
        Terms {
            validity: Validity::UntilFurtherNotice { start: d("2018-02-01") },
            notice_months: Some(2),
            refund_policy: RefundPolicy::FromMonthAfterEnd,
            vacancy_threshold_months: Some(1),
            schedule: InvoiceSchedule::Yearly { month: 12, day: 10 },
        }
    }

    #[test]
    fn agreements_overlap_when_they_share_a_day() {
        let fixed = Validity::FixedTerm { start: d("2016-09-01"), end: d("2018-01-31") };
        assert!(!fixed.overlaps(&Validity::UntilFurtherNotice { start: d("2018-02-01") }));
        assert!(fixed.overlaps(&Validity::UntilFurtherNotice { start: d("2018-01-31") }));
        let open = Validity::UntilFurtherNotice { start: d("2016-09-01") };
        assert!(Validity::UntilFurtherNotice { start: d("2030-01-01") }.overlaps(&open));
    }

    #[test]
    fn the_2016_agreement_invoices_a_year_then_the_remaining_months() {
        let terms = terms_2016();
        let first = terms.invoices_in(2016);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].period.months(), 12);
        let second = terms.invoices_in(2017);
        assert_eq!(second[0].due, d("2017-05-31"));
        assert_eq!(second[0].period.months(), 6, "the remaining six months, as the agreement says");
        assert!(terms.invoices_in(2018).is_empty());
        assert!(terms.validity.contains(d("2018-01-31")) && !terms.validity.contains(d("2018-02-01")));
    }

    #[test]
    fn the_2018_agreement_invoices_each_calendar_year_by_10_december() {
        let terms = terms_2018();
        let first = terms.invoices_in(2018);
        assert_eq!(first[0].due, d("2018-12-10"));
        assert_eq!(first[0].period, "2018-02-01:2018-12-31".parse().unwrap(), "from the start of the agreement");
        let later = terms.invoices_in(2023);
        assert_eq!(later[0].period, "2023-01-01:2023-12-31".parse().unwrap());
        assert!(terms.invoices_in(2017).is_empty());
    }
}
