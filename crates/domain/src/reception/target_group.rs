//! Who is in the target group: a person received in the municipality, from the day received,
//! and not while out of it. The day of an exit is the person's last day in the group; the day of
//! a return is the first day back. Every count, list and file asks this module, for a day or
//! for a period such as a report's month.

use chrono::NaiveDate;

/// An exit from the group: the day left, and the day come back (none while out).
pub type Exit = (NaiveDate, Option<NaiveDate>);

/// In the group some day of `first..=last`: received by `last`, and not out for the whole
/// period (an exit before `first` with no return by `last`).
pub fn during(reception: Option<NaiveDate>, exits: &[Exit], first: NaiveDate, last: NaiveDate) -> bool {
    reception.is_some_and(|r| r <= last)
        && !exits.iter().any(|(left, back)| *left < first && back.is_none_or(|b| b > last))
}

/// In the group on a day.
pub fn on(reception: Option<NaiveDate>, exits: &[Exit], day: NaiveDate) -> bool {
    during(reception, exits, day, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const MAY: (&str, &str) = ("2024-05-01", "2024-05-31");

    fn in_may(reception: Option<&str>, exits: &[(&str, Option<&str>)]) -> bool {
        let exits: Vec<Exit> = exits.iter().map(|(l, b)| (d(l), b.map(d))).collect();
        during(reception.map(d), &exits, d(MAY.0), d(MAY.1))
    }

    #[test]
    fn a_month_from_its_first_day_to_its_last() {
        assert!(in_may(Some("2024-05-31"), &[]), "received on the last day");
        assert!(!in_may(Some("2024-06-01"), &[]), "received after it");
        assert!(!in_may(None, &[]), "not yet received");
        assert!(in_may(Some("2023-01-01"), &[("2024-05-01", None)]), "left on the first day: in that day");
        assert!(in_may(Some("2023-01-01"), &[("2024-05-31", None)]), "left on the last day");
        assert!(!in_may(Some("2023-01-01"), &[("2024-04-30", None)]), "left the day before");
        assert!(!in_may(Some("2023-01-01"), &[("2024-04-10", Some("2024-06-01"))]), "out all May, back in June");
        assert!(in_may(Some("2023-01-01"), &[("2024-04-10", Some("2024-05-31"))]), "back on the last day");
        assert!(
            in_may(Some("2023-01-01"), &[("2024-03-01", Some("2024-03-20")), ("2024-05-20", None)]),
            "back, then left again in May"
        );
    }

    #[test]
    fn a_day_is_a_period_of_one_day() {
        let exits = [(d("2024-05-10"), Some(d("2024-06-01")))];
        let received = Some(d("2023-01-01"));
        assert!(on(received, &exits, d("2024-05-10")), "the day of leaving is the last day in");
        assert!(!on(received, &exits, d("2024-05-11")));
        assert!(!on(received, &exits, d("2024-05-31")));
        assert!(on(received, &exits, d("2024-06-01")), "the day of return is the first day back");
        assert!(!on(Some(d("2024-05-02")), &[], d("2024-05-01")), "not before being received");
        assert!(on(Some(d("2024-05-02")), &[], d("2024-05-02")));
    }
}
