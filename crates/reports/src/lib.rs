//! Turns report values into files. Depends on the domain only; the store hands it values.

pub mod access;
pub mod cells;
pub mod cofinancing;
pub mod economy;
pub mod pdf;
pub mod reception;
pub mod sie;
pub mod table;
