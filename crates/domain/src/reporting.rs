//! The monthly report to the committee and what the committee may see of it: the rules of
//! issue 6 that need no database.

pub mod follow_up;
pub mod monthly;
pub mod versions;
