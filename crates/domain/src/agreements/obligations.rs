//! An order's obligations: dated duties with a schedule. Each schedule makes occurrences (the
//! period a duty is for, and the day it is due) over the order's validity; an occurrence is
//! done (with its document), due, or overdue.

use chrono::{Datelike, NaiveDate};

use super::calendar::first_of_next_month;

/// When a duty falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Once, by a date (the written answer at the order's start).
    Once { due: NaiveDate },
    /// For every month, by a day of the month after (the monthly report); a day past the
    /// month's end is its last day.
    Monthly { day: u32 },
    /// For every year, by a day of that year or, with `next_year`, of the year after (the
    /// activity report for 2024 in February 2025).
    Yearly { month: u32, day: u32, next_year: bool },
}

crate::coded! {
    /// Which of the schedules a duty has, as stored beside its dates.
    pub enum ScheduleKind {
        Once = "once",
        Monthly = "monthly",
        Yearly = "yearly",
    }
}

impl Schedule {
    pub fn kind(&self) -> ScheduleKind {
        match self {
            Schedule::Once { .. } => ScheduleKind::Once,
            Schedule::Monthly { .. } => ScheduleKind::Monthly,
            Schedule::Yearly { .. } => ScheduleKind::Yearly,
        }
    }

    /// The dates as typed, in the shape of `like`: a date for once, a day of the month after for
    /// monthly, `MM-DD` for yearly (the year after when `like` is), days of the calendar.
    pub fn read(field: &'static str, text: &str, like: Schedule) -> Result<Schedule, crate::input::Invalid> {
        use crate::input::Invalid;
        use crate::text::Text;
        match like {
            Schedule::Once { .. } => crate::input::date(field, text).map(|due| Schedule::Once { due }),
            Schedule::Monthly { .. } => text
                .trim()
                .parse::<u32>()
                .map(|day| Schedule::Monthly { day })
                .map_err(|_| Invalid::new(field, Text::new("schedule-day-format"))),
            Schedule::Yearly { next_year, .. } => {
                let parsed = text
                    .trim()
                    .split_once('-')
                    .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)));
                parsed
                    .map(|(month, day)| Schedule::Yearly { month, day, next_year })
                    .ok_or_else(|| Invalid::new(field, Text::new("schedule-month-day-format")))
            }
        }
        .and_then(|s| s.check().map(|_| s).map_err(|m| Invalid::new(field, m)))
    }

    /// The dates as a form writes them (see [`Schedule::read`]).
    pub fn written(&self) -> String {
        match *self {
            Schedule::Once { due } => due.to_string(),
            Schedule::Monthly { day } => day.to_string(),
            Schedule::Yearly { month, day, .. } => format!("{month:02}-{day:02}"),
        }
    }

    /// Whether the schedule's numbers make days in the calendar.
    pub fn check(&self) -> Result<(), crate::text::Text> {
        match *self {
            Schedule::Once { .. } => Ok(()),
            Schedule::Monthly { day } if (1..=31).contains(&day) => Ok(()),
            Schedule::Monthly { .. } => Err(crate::text::Text::new("schedule-day-of-month")),
            // 2024 is a leap year: 29 February is allowed and moves to the 28th in other years.
            Schedule::Yearly { month, day, .. } if NaiveDate::from_ymd_opt(2024, month, day).is_some() => Ok(()),
            Schedule::Yearly { .. } => Err(crate::text::Text::new("schedule-no-such-date")),
        }
    }
}

/// One time a duty is to be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// `start`, `2024-05` or `2024`: what the duty is for; the key of its fulfilment.
    pub period: String,
    pub due: NaiveDate,
}

fn day_in_month(year: i32, month: u32, day: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("a valid month");
    let last = first_of_next_month(first).pred_opt().expect("dates stay within range");
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(last)
}

/// The occurrences for periods that begin within the validity (`start` to `end`, open when
/// `None`) and are due on or before `until`, oldest first.
pub fn occurrences(schedule: Schedule, start: NaiveDate, end: Option<NaiveDate>, until: NaiveDate) -> Vec<Occurrence> {
    let within = |first: NaiveDate| end.is_none_or(|e| first <= e);
    let mut out = Vec::new();
    match schedule {
        Schedule::Once { due } => {
            if due <= until {
                out.push(Occurrence { period: "start".into(), due });
            }
        }
        Schedule::Monthly { day } => {
            let mut month = start.with_day(1).expect("every month has a first day");
            while within(month) {
                let next = first_of_next_month(month);
                let due = day_in_month(next.year(), next.month(), day);
                if due > until {
                    break;
                }
                out.push(Occurrence { period: month.format("%Y-%m").to_string(), due });
                month = next;
            }
        }
        Schedule::Yearly { month, day, next_year } => {
            let mut year = start.year();
            while within(NaiveDate::from_ymd_opt(year, 1, 1).expect("a valid year").max(start)) {
                let due = day_in_month(year + i32::from(next_year), month, day);
                // A report on a year is owed for every year the order ran in; a duty of the
                // year itself (the interim closing, the plan) only while the order still runs.
                if due > until || (!next_year && end.is_some_and(|e| due > e)) {
                    break;
                }
                out.push(Occurrence { period: year.to_string(), due });
                year += 1;
            }
        }
    }
    out
}

/// Where an occurrence stands on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Done {
        on: NaiveDate,
        document: String,
    },
    /// Not done, due today or later.
    Due {
        due: NaiveDate,
    },
    Overdue {
        due: NaiveDate,
        days_late: i64,
    },
}

pub fn status(occurrence: &Occurrence, done: Option<(NaiveDate, String)>, today: NaiveDate) -> Status {
    match done {
        Some((on, document)) => Status::Done { on, document },
        None if occurrence.due >= today => Status::Due { due: occurrence.due },
        None => Status::Overdue { due: occurrence.due, days_late: (today - occurrence.due).num_days() },
    }
}

crate::coded! {
    /// The duties of the second seed's order (sections 1.3, 1.4.3, 1.6.2 and 2.2): the written
    /// answer at the start, the monthly report by a day of the month after, the complaints and
    /// deviations at the interim and annual closings, the activity plan and activity report, and
    /// the account of the annual grant, in the order the form lists them.
    pub enum DutyKind {
        WrittenAnswer = "written_answer",
        MonthlyReport = "monthly_report",
        InterimSummary = "interim_summary",
        AnnualSummary = "annual_summary",
        ActivityPlan = "activity_plan",
        ActivityReport = "activity_report",
        GrantAccount = "grant_account",
    }
}

/// A duty as the seed's order lists it, with the municipality's dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duty {
    pub code: DutyKind,
    pub schedule: Schedule,
}

/// The seed's duties with a municipality's usual dates, for an order starting on `start`. The
/// dates are the municipality's; these are the defaults the form offers.
pub fn default_duties(start: NaiveDate) -> Vec<Duty> {
    let yearly = |month, day, next_year| Schedule::Yearly { month, day, next_year };
    vec![
        Duty { code: DutyKind::WrittenAnswer, schedule: Schedule::Once { due: super::add_months(start, 1) } },
        Duty { code: DutyKind::MonthlyReport, schedule: Schedule::Monthly { day: 15 } },
        Duty { code: DutyKind::InterimSummary, schedule: yearly(9, 30, false) },
        Duty { code: DutyKind::AnnualSummary, schedule: yearly(1, 31, true) },
        Duty { code: DutyKind::ActivityPlan, schedule: yearly(11, 30, false) },
        Duty { code: DutyKind::ActivityReport, schedule: yearly(2, 28, true) },
        Duty { code: DutyKind::GrantAccount, schedule: yearly(2, 28, true) },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_monthly_report_for_each_month_by_a_day_of_the_next() {
        let list = occurrences(Schedule::Monthly { day: 15 }, d("2020-03-01"), Some(d("2024-02-29")), d("2020-06-15"));
        let got: Vec<(&str, NaiveDate)> = list.iter().map(|o| (o.period.as_str(), o.due)).collect();
        assert_eq!(got, [("2020-03", d("2020-04-15")), ("2020-04", d("2020-05-15")), ("2020-05", d("2020-06-15"))]);
        let all = occurrences(Schedule::Monthly { day: 31 }, d("2020-03-01"), Some(d("2024-02-29")), d("2030-01-01"));
        assert_eq!(all.len(), 48, "four years of months");
        assert_eq!(all[0].due, d("2020-04-30"), "the 31st of April is its last day");
        assert_eq!(all.last().unwrap().period, "2024-02");
    }

    #[test]
    fn yearly_duties_for_each_year_the_order_runs() {
        let report = Schedule::Yearly { month: 2, day: 29, next_year: true };
        let list = occurrences(report, d("2020-03-01"), Some(d("2024-02-29")), d("2030-01-01"));
        let got: Vec<(&str, NaiveDate)> = list.iter().map(|o| (o.period.as_str(), o.due)).collect();
        assert_eq!(
            got,
            [
                ("2020", d("2021-02-28")),
                ("2021", d("2022-02-28")),
                ("2022", d("2023-02-28")),
                ("2023", d("2024-02-29")),
                ("2024", d("2025-02-28")),
            ]
        );
        let plan = Schedule::Yearly { month: 11, day: 30, next_year: false };
        assert_eq!(occurrences(plan, d("2020-03-01"), None, d("2021-11-29")).len(), 1, "2021's is not yet due");
        let ended = occurrences(plan, d("2020-03-01"), Some(d("2024-02-29")), d("2030-01-01"));
        assert_eq!(ended.last().unwrap().period, "2023", "no plan is owed in 2024, after the order ended in February");
    }

    #[test]
    fn an_occurrence_is_done_due_or_overdue() {
        let o = Occurrence { period: "2024-05".into(), due: d("2024-06-15") };
        assert_eq!(status(&o, None, d("2024-06-15")), Status::Due { due: d("2024-06-15") });
        assert_eq!(status(&o, None, d("2024-06-18")), Status::Overdue { due: d("2024-06-15"), days_late: 3 });
        let done = status(&o, Some((d("2024-06-20"), "Dnr SN 2024/12".into())), d("2024-07-01"));
        assert_eq!(done, Status::Done { on: d("2024-06-20"), document: "Dnr SN 2024/12".into() });
    }

    #[test]
    fn schedules_are_checked_against_the_calendar() {
        assert!(Schedule::Yearly { month: 2, day: 29, next_year: true }.check().is_ok());
        assert!(Schedule::Yearly { month: 2, day: 30, next_year: true }.check().is_err());
        assert!(Schedule::Monthly { day: 0 }.check().is_err());
        assert_eq!(default_duties(d("2020-03-01")).len(), DutyKind::ALL.len());
    }
}
