/// Everything the store can fail with. The web layer maps it to a status and a message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("could not get a database connection: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("could not connect to the database: {0}")]
    Connection(String),
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("bad database url: {0}")]
    Url(String),
    #[error("not found")]
    NotFound,
    /// The input breaks a rule; `message` is Swedish and names what to do.
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    /// The record changed since the caller read it.
    #[error("stale version")]
    Stale,
}

impl StoreError {
    pub fn invalid(field: &'static str, message: impl std::fmt::Display) -> Self {
        StoreError::Invalid { field, message: message.to_string() }
    }

    /// An insert that lost a race to another transaction writing the same key (PostgreSQL
    /// lets both read first; SQLite's write lock never lets this happen): stale, like any
    /// other change made since the caller looked.
    pub(crate) fn unique_as_stale(e: diesel::result::Error) -> StoreError {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => StoreError::Stale,
            other => StoreError::Database(other),
        }
    }
}
