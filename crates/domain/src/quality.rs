//! Complaints and deviations (the second seed's section 2.2): registered, handled and closed;
//! a serious one is told to the committee at once; summaries per interim and annual closing.

pub mod deviations;
pub mod summary;
