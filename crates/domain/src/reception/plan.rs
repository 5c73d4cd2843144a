//! The individual plan's full-time measure: planned hours per week against a target of 40,
//! reduced by parental or sick leave by its extent.

use chrono::NaiveDate;

use super::person::ExemptionReason;
use crate::input::{Errors, Invalid, date, optional_date, optional_number, optional_text, required_text};
use crate::text::Text;

/// Full time, in hours per week.
pub const FULL_TIME_HOURS: u32 = 40;

crate::coded! {
    /// How an activity type counts in the plan. The catalogue of types is data; each type says
    /// which of these it is.
    pub enum Counts {
        /// Hours towards full time (SFI, internship, work, …).
        Hours = "hours",
        /// Leave that lowers the target by its extent (parental leave, sick leave).
        Leave = "leave",
    }
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

    /// Whether to flag the person: the plan towards full time is drawn up with adults in the
    /// target group, and not while the work principle cannot apply (illness, disability).
    pub fn flagged(&self, adult: bool, in_target_group: bool, exempt: bool) -> bool {
        adult && in_target_group && !exempt && self.below_target()
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

/// The plan week by week from `today`: today's measure, then each following Monday's, for
/// `weeks` weeks in all, so that activities that begin later show when the plan reaches full
/// time.
pub fn weeks_ahead(activities: &[PlannedActivity], today: NaiveDate, weeks: u32) -> Vec<(NaiveDate, FullTime)> {
    use chrono::Datelike;
    let next_monday = today + chrono::Duration::days(i64::from(7 - today.weekday().num_days_from_monday()));
    std::iter::once(today)
        .chain((0..weeks.saturating_sub(1)).map(|w| next_monday + chrono::Duration::weeks(i64::from(w))))
        .map(|day| (day, full_time(activities, day)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coming_weeks_show_activities_that_begin_later() {
        // Friday 2026-12-04; SFI begins on Monday the 14th, work practice on the 4th of January.
        let plan = [hours("2026-12-14", None, 15), hours("2027-01-04", Some("2027-06-30"), 25)];
        let weeks = weeks_ahead(&plan, d("2026-12-04"), 6);
        let days: Vec<String> = weeks.iter().map(|(day, _)| day.to_string()).collect();
        assert_eq!(days, ["2026-12-04", "2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28", "2027-01-04"]);
        let hours: Vec<u32> = weeks.iter().map(|(_, m)| m.planned_hours).collect();
        assert_eq!(hours, [0, 0, 15, 15, 15, 40]);
    }

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
    fn only_adults_in_the_group_who_can_work_are_flagged() {
        let below = full_time(&[hours("2024-01-01", None, 10)], d("2024-06-01"));
        assert!(below.flagged(true, true, false));
        assert!(!below.flagged(false, true, false), "a child");
        assert!(!below.flagged(true, false, false), "left the target group");
        assert!(!below.flagged(true, true, true), "ill: the work principle does not apply");
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

/// An activity type from the catalogue (data an administrator can add to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityType {
    pub code: String,
    pub name: String,
    pub counts: Counts,
    /// The monthly report's row, when the type is counted in one.
    pub report_row: Option<String>,
}

/// An activity ends on or after the day it started.
pub fn check_end(start: NaiveDate, end: NaiveDate) -> Result<(), Invalid> {
    if end < start { Err(Invalid::new("end", Text::new("activity-end-before-start"))) } else { Ok(()) }
}

/// A new type's code: lower-case letters, digits and `_`, 2–40 characters.
pub fn check_type_code(code: &str) -> Result<String, crate::input::Invalid> {
    let code = code.trim();
    let ok = (2..=40).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && code.as_bytes()[0].is_ascii_lowercase();
    if ok {
        Ok(code.to_owned())
    } else {
        Err(crate::input::Invalid::new("code", Text::new("activity-type-code-format")))
    }
}

/// The type of this code in the catalogue, or what the catalogue holds.
pub fn find_type<'a>(
    catalogue: &'a [ActivityType],
    field: &'static str,
    code: &str,
) -> Result<&'a ActivityType, crate::input::Invalid> {
    catalogue.iter().find(|t| t.code == code.trim()).ok_or_else(|| {
        let known: Vec<&str> = catalogue.iter().map(|t| t.code.as_str()).collect();
        crate::input::Invalid::new(
            field,
            Text::new("activity-type-unknown").with("code", code.trim()).with("known", known.join(", ")),
        )
    })
}

/// An activity as entered, before it is checked against the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityInput {
    pub type_code: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub hours_per_week: Option<u32>,
    pub extent_percent: Option<u32>,
    pub note: Option<String>,
}

impl ActivityInput {
    /// Checks the type, the dates and the hours (0–40) or, for leave, the extent (1–100 %).
    pub fn check(self, catalogue: &[ActivityType]) -> Result<(ActivityInput, Counts), crate::input::Invalid> {
        let kind = find_type(catalogue, "type", &self.type_code)?;
        if let Some(end) = self.end {
            check_end(self.start, end)?;
        }
        let note = crate::input::optional_text("note", self.note.as_deref(), 1000, Text::new("what-note"))?;
        match kind.counts {
            Counts::Hours => match self.hours_per_week {
                Some(h) if h <= FULL_TIME_HOURS => Ok((
                    ActivityInput { type_code: kind.code.clone(), extent_percent: None, note, ..self },
                    kind.counts,
                )),
                Some(_) => Err(crate::input::Invalid::new("hours_per_week", Text::new("activity-hours-range"))),
                None => Err(crate::input::Invalid::new("hours_per_week", Text::new("activity-hours-needed"))),
            },
            Counts::Leave => match self.extent_percent {
                Some(p) if (1..=100).contains(&p) => Ok((
                    ActivityInput { type_code: kind.code.clone(), hours_per_week: None, note, ..self },
                    kind.counts,
                )),
                _ => Err(crate::input::Invalid::new("extent_percent", Text::new("activity-extent-needed"))),
            },
        }
    }
}

/// An activity as typed on the person's page.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ActivityForm {
    #[serde(rename = "type")]
    pub type_code: String,
    pub start: String,
    pub end: String,
    pub hours_per_week: String,
    pub extent_percent: String,
    pub note: String,
}

impl ActivityForm {
    /// Every field checked at once, the hours or the extent by what the type counts.
    pub fn check(&self, catalogue: &[ActivityType]) -> Result<ActivityInput, Vec<Invalid>> {
        let mut errors = Errors::new();
        let kind = errors.keep(find_type(catalogue, "type", &self.type_code));
        let start = errors.keep(date("start", &self.start));
        let end = errors.keep(optional_date("end", Some(&self.end)));
        if let (Some(start), Some(Some(end))) = (start, end) {
            errors.keep(check_end(start, end));
        }
        let hours =
            errors.keep(optional_number("hours_per_week", &self.hours_per_week, Text::new("activity-hours-format")));
        let extent =
            errors.keep(optional_number("extent_percent", &self.extent_percent, Text::new("activity-extent-format")));
        let note = errors.keep(optional_text("note", Some(&self.note), 1000, Text::new("what-note")));
        let counts = kind.map(|k| k.counts);
        match (counts, hours, extent) {
            (Some(Counts::Hours), Some(Some(h)), _) if h > FULL_TIME_HOURS => {
                errors.push(Invalid::new("hours_per_week", Text::new("activity-hours-range")))
            }
            (Some(Counts::Hours), Some(None), _) => {
                errors.push(Invalid::new("hours_per_week", Text::new("activity-hours-needed")))
            }
            (Some(Counts::Leave), _, Some(p)) if !p.is_some_and(|p| (1..=100).contains(&p)) => {
                errors.push(Invalid::new("extent_percent", Text::new("activity-extent-needed")))
            }
            _ => {}
        }
        errors.finish(|| {
            let leave = counts? == Counts::Leave;
            Some(ActivityInput {
                type_code: kind?.code.clone(),
                start: start?,
                end: end?,
                hours_per_week: if leave { None } else { hours? },
                extent_percent: if leave { extent? } else { None },
                note: note?,
            })
        })
    }
}

/// The last day of an activity, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct EndActivityForm {
    pub end: String,
}

impl EndActivityForm {
    pub fn check(&self) -> Result<NaiveDate, Vec<Invalid>> {
        date("end", &self.end).map_err(|e| vec![e])
    }
}

/// A declined offer, checked: a type of the catalogue, the day and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecline {
    pub type_code: String,
    pub on: NaiveDate,
    pub reason: String,
}

/// A declined offer as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DeclineForm {
    #[serde(rename = "type")]
    pub type_code: String,
    pub date: String,
    pub reason: String,
}

impl DeclineForm {
    pub fn check(&self, catalogue: &[ActivityType]) -> Result<NewDecline, Vec<Invalid>> {
        let mut errors = Errors::new();
        let kind = errors.keep(find_type(catalogue, "type", &self.type_code));
        let on = errors.keep(date("date", &self.date));
        let reason = errors.keep(required_text("reason", &self.reason, 1000, Text::new("what-reason")));
        errors.finish(|| Some(NewDecline { type_code: kind?.code.clone(), on: on?, reason: reason? }))
    }
}

/// A period when the work principle cannot apply, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExemption {
    pub reason: ExemptionReason,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub note: Option<String>,
}

/// A period when the work principle cannot apply, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ExemptionForm {
    pub reason: String,
    pub start: String,
    pub end: String,
    pub note: String,
}

impl ExemptionForm {
    pub fn check(&self) -> Result<NewExemption, Vec<Invalid>> {
        let mut errors = Errors::new();
        let reason = errors.keep(
            ExemptionReason::from_code(self.reason.trim())
                .ok_or_else(|| Invalid::new("reason", Text::new("exemption-reason-needed"))),
        );
        let start = errors.keep(date("start", &self.start));
        let end = errors.keep(optional_date("end", Some(&self.end)));
        if let (Some(start), Some(Some(end))) = (start, end)
            && end < start
        {
            errors.push(Invalid::new("end", Text::new("period-end-before-start")));
        }
        let note = errors.keep(optional_text("note", Some(&self.note), 1000, Text::new("what-note")));
        errors.finish(|| Some(NewExemption { reason: reason?, start: start?, end: end?, note: note? }))
    }
}

/// A type the administrator adds to the catalogue, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActivityType {
    pub code: String,
    pub name: String,
    pub counts: Counts,
}

/// A new type as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ActivityTypeForm {
    pub code: String,
    pub name: String,
    pub counts: String,
}

impl ActivityTypeForm {
    pub fn check(&self) -> Result<NewActivityType, Vec<Invalid>> {
        let mut errors = Errors::new();
        let code = errors.keep(check_type_code(&self.code));
        let name = errors.keep(required_text("name", &self.name, 100, Text::new("what-type-name")));
        let counts = errors.keep(
            Counts::from_code(&self.counts)
                .ok_or_else(|| Invalid::new("counts", Text::new("activity-type-counts-needed"))),
        );
        errors.finish(|| Some(NewActivityType { code: code?, name: name?, counts: counts? }))
    }
}

/// A declined offer: the type must be in the catalogue and a reason given.
pub fn check_decline(
    catalogue: &[ActivityType],
    type_code: &str,
    reason: &str,
) -> Result<(String, String), crate::input::Invalid> {
    let kind = find_type(catalogue, "type", type_code)?;
    let reason = crate::input::required_text("reason", reason, 1000, Text::new("what-reason"))?;
    Ok((kind.code.clone(), reason))
}

#[cfg(test)]
mod catalogue_tests {
    use super::*;

    fn catalogue() -> Vec<ActivityType> {
        vec![
            ActivityType {
                code: "sfi".into(),
                name: "SFI".into(),
                counts: Counts::Hours,
                report_row: Some("sfi".into()),
            },
            ActivityType {
                code: "parental_leave".into(),
                name: "Föräldraledighet".into(),
                counts: Counts::Leave,
                report_row: None,
            },
        ]
    }

    fn input(code: &str, hours: Option<u32>, extent: Option<u32>) -> ActivityInput {
        ActivityInput {
            type_code: code.into(),
            start: "2024-02-15".parse().unwrap(),
            end: None,
            hours_per_week: hours,
            extent_percent: extent,
            note: None,
        }
    }

    #[test]
    fn hours_from_0_to_40_and_leave_by_extent() {
        assert!(input("sfi", Some(0), None).check(&catalogue()).is_ok());
        assert!(input("sfi", Some(40), None).check(&catalogue()).is_ok());
        assert_eq!(input("sfi", Some(41), None).check(&catalogue()).unwrap_err().field, "hours_per_week");
        assert_eq!(input("sfi", None, None).check(&catalogue()).unwrap_err().field, "hours_per_week");
        let (leave, counts) = input("parental_leave", None, Some(50)).check(&catalogue()).unwrap();
        assert_eq!((leave.extent_percent, counts), (Some(50), Counts::Leave));
        assert_eq!(input("parental_leave", None, Some(0)).check(&catalogue()).unwrap_err().field, "extent_percent");
    }

    #[test]
    fn unknown_types_and_dates_out_of_order() {
        let err = input("yoga", Some(5), None).check(&catalogue()).unwrap_err();
        assert_eq!(err.field, "type");
        assert!(err.message.swedish().contains("sfi, parental_leave"), "{}", err.message);
        let backwards = ActivityInput { end: Some("2024-02-14".parse().unwrap()), ..input("sfi", Some(5), None) };
        assert_eq!(backwards.check(&catalogue()).unwrap_err().field, "end");
        assert_eq!(check_decline(&catalogue(), "yoga", "Vill inte").unwrap_err().field, "type");
        assert_eq!(check_decline(&catalogue(), "sfi", " ").unwrap_err().field, "reason");
        assert!(check_type_code("yrkessvenska").is_ok());
        assert!(check_type_code("Yrke svenska").is_err());
    }

    #[test]
    fn an_empty_activity_names_every_field_at_once() {
        let errors = ActivityForm::default().check(&catalogue()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["type", "start"]);
        let form = ActivityForm {
            type_code: "sfi".into(),
            start: "2024-02-15".into(),
            end: "2024-02-01".into(),
            hours_per_week: "".into(),
            ..Default::default()
        };
        let fields: Vec<String> = form.check(&catalogue()).unwrap_err().into_iter().map(|e| e.field.into()).collect();
        assert_eq!(fields, ["end", "hours_per_week"]);
        let leave = ActivityForm {
            type_code: "parental_leave".into(),
            start: "2024-02-15".into(),
            hours_per_week: "10".into(),
            extent_percent: "50".into(),
            ..Default::default()
        };
        let checked = leave.check(&catalogue()).unwrap();
        assert_eq!((checked.hours_per_week, checked.extent_percent), (None, Some(50)));
        let too_much = ActivityForm { hours_per_week: "41".into(), ..form.clone() };
        assert!(too_much.check(&catalogue()).unwrap_err().iter().any(|e| e.field == "hours_per_week"));
    }

    #[test]
    fn declines_exemptions_and_types_name_every_field_at_once() {
        let fields = |errors: Vec<Invalid>| errors.into_iter().map(|e| e.field.into_owned()).collect::<Vec<_>>();
        assert_eq!(fields(DeclineForm::default().check(&catalogue()).unwrap_err()), ["type", "date", "reason"]);
        assert_eq!(fields(ExemptionForm::default().check().unwrap_err()), ["reason", "start"]);
        let backwards = ExemptionForm {
            reason: "illness".into(),
            start: "2024-03-01".into(),
            end: "2024-02-01".into(),
            ..Default::default()
        };
        assert_eq!(fields(backwards.check().unwrap_err()), ["end"]);
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(check_end(day("2024-03-01"), day("2024-02-29")).unwrap_err().field, "end");
        assert!(check_end(day("2024-03-01"), day("2024-03-01")).is_ok());
        assert_eq!(fields(ActivityTypeForm::default().check().unwrap_err()), ["code", "name", "counts"]);
        let new = ActivityTypeForm { code: "yrke".into(), name: "Yrke".into(), counts: "hours".into() };
        assert_eq!(new.check().unwrap().counts, Counts::Hours);
    }
}
