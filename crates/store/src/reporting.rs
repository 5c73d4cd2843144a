//! The committee's reports: the monthly report counted from the casework and its signed,
//! frozen versions.

pub mod counts;
pub mod kept;
pub mod monthly;
#[cfg(feature = "test-support")]
pub mod reference;
