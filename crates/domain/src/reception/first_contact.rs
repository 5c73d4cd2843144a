//! The first contact: a newly received person must be contacted within two days of the
//! reception date. Whether weekends count is the municipality's rule (the seed's executor is
//! reachable Monday to Friday), so both ways are offered.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::input::{Errors, Invalid, required_text};
use crate::text::Text;

/// The days allowed for the first contact.
pub const DAYS_ALLOWED: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayCount {
    /// Every day counts.
    Calendar,
    /// Monday to Friday count (public holidays are not known here and count as working days).
    Working,
}

impl DayCount {
    pub fn code(self) -> &'static str {
        match self {
            DayCount::Calendar => "calendar",
            DayCount::Working => "working",
        }
    }
}

impl std::str::FromStr for DayCount {
    type Err = Text;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "calendar" => Ok(DayCount::Calendar),
            "working" => Ok(DayCount::Working),
            other => Err(Text::new("first-contact-day-count").with("given", other)),
        }
    }
}

/// The last day the first contact may be made.
pub fn due_date(reception: NaiveDate, days: DayCount) -> NaiveDate {
    match days {
        DayCount::Calendar => reception + chrono::Duration::days(i64::from(DAYS_ALLOWED)),
        DayCount::Working => {
            let mut date = reception;
            let mut left = DAYS_ALLOWED;
            while left > 0 {
                date = date.succ_opt().expect("dates stay within range");
                if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                    left -= 1;
                }
            }
            date
        }
    }
}

/// Checks the day of a first contact (in Stockholm): not before the placement, not in the future.
pub fn check_contact_day(contact: NaiveDate, placement: NaiveDate, today: NaiveDate) -> Result<(), Text> {
    if contact > today {
        Err(Text::new("first-contact-future"))
    } else if contact < placement {
        Err(Text::new("first-contact-before-placement"))
    } else {
        Ok(())
    }
}

/// The first contact as typed: its day and time in Stockholm, and how it was made.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct FirstContactForm {
    pub date: String,
    pub time: String,
    pub channel: String,
}

/// A first contact, checked: when (UTC) and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstContact {
    pub at: chrono::NaiveDateTime,
    pub channel: String,
}

impl FirstContactForm {
    /// Every field checked; the day against the placement and today by [`check_contact_day`].
    pub fn check(&self) -> Result<FirstContact, Vec<Invalid>> {
        let mut errors = Errors::new();
        let day = errors.keep(crate::input::date("date", &self.date));
        let time = errors.keep(
            chrono::NaiveTime::parse_from_str(self.time.trim(), "%H:%M")
                .map_err(|_| Invalid::new("time", Text::new("first-contact-time-format"))),
        );
        let channel = errors.keep(required_text("channel", &self.channel, 100, Text::new("what-contact-channel")));
        if let (Some(day), Some(time)) = (day, time)
            && crate::time::from_local(day.and_time(time)).is_none()
        {
            errors.push(Invalid::new("time", Text::new("first-contact-time-missing")));
        }
        errors.finish(|| Some(FirstContact { at: crate::time::from_local(day?.and_time(time?))?, channel: channel? }))
    }
}

/// Where a person's first contact stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not yet received (the reception date is ahead).
    NotArrived,
    Waiting {
        due: NaiveDate,
    },
    DueToday,
    Overdue {
        due: NaiveDate,
        days_late: i64,
    },
    Made {
        on_time: bool,
    },
}

pub fn status(reception: NaiveDate, contacted: Option<NaiveDate>, today: NaiveDate, days: DayCount) -> Status {
    let due = due_date(reception, days);
    match contacted {
        Some(on) => Status::Made { on_time: on <= due },
        None if today < reception => Status::NotArrived,
        None if today < due => Status::Waiting { due },
        None if today == due => Status::DueToday,
        None => Status::Overdue { due, days_late: (today - due).num_days() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn two_calendar_days_or_two_working_days() {
        // 2024-02-01 is a Thursday.
        assert_eq!(due_date(d("2024-02-01"), DayCount::Calendar), d("2024-02-03"));
        assert_eq!(due_date(d("2024-02-01"), DayCount::Working), d("2024-02-05"), "Friday and Monday");
        assert_eq!(due_date(d("2024-02-03"), DayCount::Working), d("2024-02-06"), "received on a Saturday");
    }

    #[test]
    fn a_contact_lies_between_the_placement_and_today() {
        assert!(check_contact_day(d("2024-01-10"), d("2024-01-10"), d("2024-02-01")).is_ok());
        assert!(check_contact_day(d("2024-01-09"), d("2024-01-10"), d("2024-02-01")).is_err());
        assert!(check_contact_day(d("2024-02-02"), d("2024-01-10"), d("2024-02-01")).is_err());
    }

    #[test]
    fn the_clock_from_arrival_to_overdue() {
        let reception = d("2024-02-01");
        let on =
            |today: &str, contacted: Option<&str>| status(reception, contacted.map(d), d(today), DayCount::Calendar);
        assert_eq!(on("2024-01-31", None), Status::NotArrived);
        assert_eq!(on("2024-02-01", None), Status::Waiting { due: d("2024-02-03") });
        assert_eq!(on("2024-02-03", None), Status::DueToday);
        assert_eq!(on("2024-02-05", None), Status::Overdue { due: d("2024-02-03"), days_late: 2 });
        assert_eq!(on("2024-02-05", Some("2024-02-02")), Status::Made { on_time: true });
        assert_eq!(on("2024-02-05", Some("2024-02-04")), Status::Made { on_time: false });
    }
}
