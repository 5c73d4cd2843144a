//! The committee's reports: the monthly report counted from the casework and its signed,
//! frozen versions.

pub mod monthly;
