//! Reception casework: households and persons, first contact, temporary housing, individual
//! plans, support tasks, case notes, notifications, and the exchange format. Every function that
//! hands out a person's data takes a
//! [`Scope`](crate::access::Scope) and writes the access-log row in its transaction.

pub mod case_file;
pub mod exchange;
pub mod households;
pub mod housing;
pub mod notes;
pub mod notifications;
pub mod plans;
pub mod tasks;
