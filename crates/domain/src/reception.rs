//! Reception and establishment casework: the rules of issue 4 that need no database.

pub mod exchange;
pub mod first_contact;
pub mod housing;
pub mod notes;
pub mod person;
pub mod placement;
pub mod plan;
pub mod search;
pub mod target_group;
pub mod tasks;
