//! Etablera's database: one schema over SQLite and PostgreSQL, embedded migrations per backend,
//! transactions, and the access log written in the same transaction as what it records.

pub mod access;
pub mod agreements;
mod clock;
mod codes;
pub mod cofinancing;
mod db;
pub mod documents;
pub mod economy;
mod error;
pub mod notifications;
pub mod paging;
pub mod quality;
mod raw;
pub mod reception;
pub mod reporting;
pub mod schema;
#[cfg(feature = "test-support")]
pub mod testing;
mod versions;

pub use clock::Clock;
pub use db::{Backend, DatabaseUrl, DbConn, PoolSettings, Store, optimize, read, write};
pub use error::StoreError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
