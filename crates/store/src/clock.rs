//! The clock: where the moment of an act comes from. The system's clock in production; a fixed
//! instant in tests; a chosen date in a demo. The rest of the program is handed the time (an
//! [`Actor`](crate::access::Actor)'s `at`, or an `at`/`today` parameter) and never reads the
//! system clock itself: this module is the only place that does.

use chrono::{NaiveDate, NaiveDateTime, SubsecRound, TimeDelta, Utc};
use etablera_domain::time::{from_local, start_of_local_day, to_local};

/// Tells the time. Cheap to copy; hand it to whatever needs "now" or "today".
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    kind: Kind,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// The system's clock.
    System,
    /// Time stands still at this UTC instant.
    Fixed(NaiveDateTime),
    /// The system's clock moved by this much: time flows, on another date.
    Shifted(TimeDelta),
}

/// The system's clock in UTC, to the microsecond: both backends store that much, so a value
/// reads back exactly as written (the access log's hashes depend on it).
fn system_now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

impl Clock {
    /// The system's clock: for the server and the command line.
    pub fn system() -> Clock {
        Clock { kind: Kind::System }
    }

    /// Time stands still at `at` (UTC), truncated to the microsecond as stored: for tests.
    pub fn fixed(at: NaiveDateTime) -> Clock {
        Clock { kind: Kind::Fixed(at.trunc_subsecs(6)) }
    }

    /// Time runs from the Stockholm date `date`, at the system's time of day: for a demo "on a
    /// date". The difference from the system's clock is taken once, here, so time flows on
    /// (past midnight into the next day) as the system's does.
    pub fn on(date: NaiveDate) -> Clock {
        let system = system_now();
        let wall = date.and_time(to_local(system).time());
        // The hour skipped when clocks go forward has no instant: count it from midnight instead.
        let target =
            from_local(wall).unwrap_or_else(|| start_of_local_day(date) + (wall - date.and_time(Default::default())));
        Clock { kind: Kind::Shifted(target - system) }
    }

    /// Now, in UTC, to the microsecond.
    pub fn now(&self) -> NaiveDateTime {
        match self.kind {
            Kind::System => system_now(),
            Kind::Fixed(at) => at,
            Kind::Shifted(by) => system_now() + by,
        }
    }

    /// Today in Stockholm: the day deadlines, forms and new documents are dated by.
    pub fn today(&self) -> NaiveDate {
        to_local(self.now()).date()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_system_clock_reads_the_system_time_to_the_microsecond() {
        let before = Utc::now().naive_utc();
        let now = Clock::system().now();
        let after = Utc::now().naive_utc();
        assert!(before.trunc_subsecs(6) <= now && now <= after, "{before} <= {now} <= {after}");
        assert_eq!(now, now.trunc_subsecs(6));
        assert_eq!(Clock::system().today(), to_local(Clock::system().now()).date());
    }

    #[test]
    fn a_fixed_clock_stands_still_in_utc_and_dates_by_stockholm() {
        let at = d("2026-03-14").and_hms_nano_opt(9, 30, 0, 123_456_789).unwrap();
        let clock = Clock::fixed(at);
        assert_eq!(clock.now(), d("2026-03-14").and_hms_micro_opt(9, 30, 0, 123_456).unwrap());
        assert_eq!(clock.now(), clock.now());
        assert_eq!(clock.today(), d("2026-03-14"));
        // 23:30 UTC is already the next day in Stockholm, winter (+1) and summer (+2) alike.
        assert_eq!(Clock::fixed(d("2026-01-31").and_hms_opt(23, 30, 0).unwrap()).today(), d("2026-02-01"));
        assert_eq!(Clock::fixed(d("2026-06-30").and_hms_opt(22, 30, 0).unwrap()).today(), d("2026-07-01"));
        assert_eq!(Clock::fixed(d("2026-06-30").and_hms_opt(21, 30, 0).unwrap()).today(), d("2026-06-30"));
    }

    #[test]
    fn a_clock_on_a_date_runs_from_that_date_at_the_systems_time_of_day() {
        for date in [d("2024-05-15"), d("2025-12-31"), d("2030-07-01"), d("2026-03-29"), d("2026-10-25")] {
            let before = to_local(system_now());
            let clock = Clock::on(date);
            let (first, second) = (clock.now(), clock.now());
            let after = to_local(system_now());
            // Unless the system's day ended in between, it is that date, at the system's time.
            if before.date() == after.date() {
                assert_eq!(clock.today(), date);
                let time = to_local(first).time();
                let gap = date == d("2026-03-29") && (2..3).contains(&chrono::Timelike::hour(&before.time()));
                if !gap {
                    assert!(before.time() <= time && time <= after.time(), "{before} <= {time} <= {after}");
                }
            }
            // Time flows.
            assert!(first <= second);
        }
    }
}
