//! Reception and establishment casework: the rules of issue 4 that need no database.

pub mod first_contact;
pub mod plan;
