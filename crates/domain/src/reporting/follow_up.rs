//! What the unit manager follows beside the committee's counts: whether the month's arrivals
//! had their first contact within the two days, and how many in the target group have a plan
//! below full time.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::monthly::{Month, ReportActivity, ReportPerson};
use crate::reception::first_contact::{DayCount, due_date};
use crate::reception::person::{ADULT_AGE, age_on};
use crate::reception::plan::{PlannedActivity, full_time};

/// A household received in the month, and the day (in Stockholm) of its first contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    pub reception: NaiveDate,
    pub contacted: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUp {
    /// Households whose first person was received in the month.
    pub arrivals: u32,
    /// Of those, contacted by the last day allowed.
    pub contacted_in_time: u32,
    /// Adults in the target group, not exempt from the work principle, whose plan is below
    /// full time on `measured_on`.
    pub below_full_time: u32,
    /// The month's last day, or today while the month runs.
    pub measured_on: NaiveDate,
}

pub fn follow_up(
    month: Month,
    today: NaiveDate,
    persons: &[ReportPerson],
    activities: &[ReportActivity],
    arrivals: &[Arrival],
    days: DayCount,
) -> FollowUp {
    let (received, in_time) = first_contacts(month, arrivals, days);
    let day = measured_on(month, today);
    let mut plans: BTreeMap<i32, Vec<PlannedActivity>> = BTreeMap::new();
    for a in activities {
        plans.entry(a.person_id).or_default().push(a.planned.clone());
    }
    let below = persons
        .iter()
        .filter(|p| {
            let in_group = p.in_group_on(day);
            let exempt = p.exemptions.iter().any(|(start, end)| *start <= day && end.is_none_or(|e| day <= e));
            let plan = plans.get(&p.id).map(Vec::as_slice).unwrap_or_default();
            full_time(plan, day).flagged(age_on(p.birth_date, day) >= ADULT_AGE, in_group, exempt)
        })
        .count();
    FollowUp { arrivals: received, contacted_in_time: in_time, below_full_time: count(below), measured_on: day }
}

/// The day the plans are measured on: the month's last day, or today while the month runs.
pub fn measured_on(month: Month, today: NaiveDate) -> NaiveDate {
    month.last.min(today)
}

/// Of the households that arrived in the month, how many, and how many were contacted by the
/// last day allowed. `arrivals` may hold other months' arrivals; they are not counted.
pub fn first_contacts(month: Month, arrivals: &[Arrival], days: DayCount) -> (u32, u32) {
    let received: Vec<&Arrival> = arrivals.iter().filter(|a| month.contains(a.reception)).collect();
    let in_time = received.iter().filter(|a| a.contacted.is_some_and(|on| on <= due_date(a.reception, days))).count();
    (count(received.len()), count(in_time))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reception::plan::Counts;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn adult(id: i32, exemptions: Vec<(NaiveDate, Option<NaiveDate>)>) -> ReportPerson {
        ReportPerson {
            id,
            birth_date: d("1990-01-01"),
            reception_date: Some(d("2024-01-10")),
            exits: vec![],
            exemptions,
        }
    }

    fn hours(person_id: i32, start: &str, end: Option<&str>, hours_per_week: u32) -> ReportActivity {
        ReportActivity {
            person_id,
            report_row: Some("sfi".into()),
            planned: PlannedActivity {
                counts: Counts::Hours,
                start: d(start),
                end: end.map(d),
                hours_per_week,
                extent_percent: 0,
            },
        }
    }

    #[test]
    fn first_contacts_of_the_months_arrivals_by_the_day_allowed() {
        let may = Month::parse("2024-05").unwrap();
        let arrivals = [
            Arrival { reception: d("2024-05-01"), contacted: Some(d("2024-05-03")) },
            Arrival { reception: d("2024-05-10"), contacted: Some(d("2024-05-13")) },
            Arrival { reception: d("2024-05-31"), contacted: None },
            Arrival { reception: d("2024-04-30"), contacted: Some(d("2024-05-01")) },
        ];
        let f = follow_up(may, d("2024-06-10"), &[], &[], &arrivals, DayCount::Calendar);
        assert_eq!((f.arrivals, f.contacted_in_time), (3, 1), "April's arrival is not May's");
        let working = follow_up(may, d("2024-06-10"), &[], &[], &arrivals, DayCount::Working);
        assert_eq!(working.contacted_in_time, 2, "Friday 10 May: Monday and Tuesday are the two days");
    }

    #[test]
    fn below_full_time_on_the_months_last_day_or_today() {
        let may = Month::parse("2024-05").unwrap();
        let persons = [
            adult(1, vec![]),
            adult(2, vec![(d("2024-05-01"), None)]),
            ReportPerson { birth_date: d("2010-01-01"), ..adult(3, vec![]) },
            // Left the day before the month's last: the day of leaving is the last day in the group.
            ReportPerson { exits: vec![(d("2024-05-30"), None)], ..adult(4, vec![]) },
            adult(5, vec![]),
        ];
        let activities = [hours(1, "2024-02-01", Some("2024-05-20"), 40), hours(5, "2024-02-01", None, 40)];
        let f = follow_up(may, d("2024-07-01"), &persons, &activities, &[], DayCount::Calendar);
        assert_eq!(f.measured_on, d("2024-05-31"));
        assert_eq!(f.below_full_time, 1, "1 whose plan ended; not 2 (exempt), 3 (a child), 4 (left), 5 (full)");
        let running = follow_up(may, d("2024-05-15"), &persons, &activities, &[], DayCount::Calendar);
        assert_eq!(
            (running.measured_on, running.below_full_time),
            (d("2024-05-15"), 1),
            "4, not yet left; 1 still full"
        );
    }
}
