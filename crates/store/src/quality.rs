//! Complaints and deviations: registered and handled by the unit, a serious one told to the
//! committee at once, and the counts for the interim and annual closings.

pub mod closings;
pub mod deviations;
