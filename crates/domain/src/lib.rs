//! Etablera's domain: the types and rules every other crate calls. No I/O, no async, no database.
//!
//! Modules carry the area names used in every crate (see DESIGN.md); areas that have no rules yet
//! are added by the issues that bring them.

pub mod access;
pub mod agreements;
pub mod code;
pub mod cofinancing;
pub mod documents;
pub mod economy;
pub mod history;
pub mod identity;
pub mod ids;
pub mod input;
pub mod money;
pub mod municipality;
pub mod quality;
pub mod reception;
pub mod reporting;
pub mod text;
pub mod time;
