//! Complaints and deviations on the web: the unit's list and form; the committee's page of a
//! serious one lives with the reports.
