//! The individual plan's full-time measure: planned hours per week against a target of 40,
//! reduced by parental or sick leave by its extent.

use chrono::NaiveDate;

/// Full time, in hours per week.
pub const FULL_TIME_HOURS: u32 = 40;

/// How an activity type counts in the plan. The catalogue of types is data; each type says
/// which of these it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    /// Hours towards full time (SFI, internship, work, …).
    Hours,
    /// Leave that lowers the target by its extent (parental leave, sick leave).
    Leave,
}

/// One activity in a person's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedActivity {
    pub counts: Counts,
    pub start: NaiveDate,
    /// Open-ended when `None`.
    pub end: Option<NaiveDate>,
    /// Hours per week for an activity; ignored for leave.
    pub hours_per_week: u32,
    /// Extent in percent for leave (50 = half time); ignored for an activity.
    pub extent_percent: u32,
}

impl PlannedActivity {
    pub fn active_on(&self, date: NaiveDate) -> bool {
        self.start <= date && self.end.is_none_or(|end| date <= end)
    }
}

/// A person's plan measured on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FullTime {
    pub planned_hours: u32,
    /// 40 hours less leave; never below zero.
    pub target_hours: u32,
    pub leave_percent: u32,
}

impl FullTime {
    pub fn below_target(&self) -> bool {
        self.planned_hours < self.target_hours
    }
}

/// Planned hours and the target on `date`. Leave adds up (50 % parental and 25 % sick leave
/// leave 25 % of full time); the target is rounded down to whole hours.
pub fn full_time(activities: &[PlannedActivity], date: NaiveDate) -> FullTime {
    let active = activities.iter().filter(|a| a.active_on(date));
    let (mut planned_hours, mut leave_percent) = (0u32, 0u32);
    for activity in active {
        match activity.counts {
            Counts::Hours => planned_hours += activity.hours_per_week,
            Counts::Leave => leave_percent += activity.extent_percent,
        }
    }
    let leave_percent = leave_percent.min(100);
    let target_hours = FULL_TIME_HOURS * (100 - leave_percent) / 100;
    FullTime { planned_hours, target_hours, leave_percent }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn hours(start: &str, end: Option<&str>, hours_per_week: u32) -> PlannedActivity {
        PlannedActivity { counts: Counts::Hours, start: d(start), end: end.map(d), hours_per_week, extent_percent: 0 }
    }

    fn leave(start: &str, end: Option<&str>, extent_percent: u32) -> PlannedActivity {
        PlannedActivity { counts: Counts::Leave, start: d(start), end: end.map(d), hours_per_week: 0, extent_percent }
    }

    #[test]
    fn sfi_and_an_internship_make_full_time() {
        let plan = [hours("2024-02-15", None, 15), hours("2024-03-01", Some("2024-08-31"), 25)];
        let measured = full_time(&plan, d("2024-04-01"));
        assert_eq!((measured.planned_hours, measured.target_hours), (40, 40));
        assert!(!measured.below_target());
        let after = full_time(&plan, d("2024-09-01"));
        assert_eq!(after.planned_hours, 15, "the internship ended");
        assert!(after.below_target());
    }

    #[test]
    fn half_time_parental_leave_halves_the_target() {
        let plan = [hours("2024-02-15", None, 20), leave("2024-03-01", Some("2024-12-31"), 50)];
        let measured = full_time(&plan, d("2024-06-01"));
        assert_eq!((measured.planned_hours, measured.target_hours, measured.leave_percent), (20, 20, 50));
        assert!(!measured.below_target());
        assert!(full_time(&plan, d("2025-01-01")).below_target(), "the leave ended; 20 of 40 hours");
    }

    #[test]
    fn leave_adds_up_but_never_below_nothing() {
        let plan = [leave("2024-01-01", None, 75), leave("2024-01-01", None, 50)];
        let measured = full_time(&plan, d("2024-06-01"));
        assert_eq!((measured.target_hours, measured.leave_percent), (0, 100));
        assert!(!measured.below_target());
        let quarter = [leave("2024-01-01", None, 25), hours("2024-01-01", None, 29)];
        assert_eq!(full_time(&quarter, d("2024-06-01")).target_hours, 30);
        assert!(full_time(&quarter, d("2024-06-01")).below_target());
    }

    #[test]
    fn an_activity_counts_on_its_first_and_last_day_only_within_them() {
        let plan = [hours("2024-03-01", Some("2024-03-31"), 40)];
        assert_eq!(full_time(&plan, d("2024-02-29")).planned_hours, 0);
        assert_eq!(full_time(&plan, d("2024-03-01")).planned_hours, 40);
        assert_eq!(full_time(&plan, d("2024-03-31")).planned_hours, 40);
        assert_eq!(full_time(&plan, d("2024-04-01")).planned_hours, 0);
    }
}
