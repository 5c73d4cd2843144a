use etablera_domain::text::Text;

/// Everything the store can fail with. The web layer maps it to a status and a message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    /// No connection came free within the pool's wait (every one busy), or the database did
    /// not answer: the caller may try again shortly.
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
    /// The input breaks a rule; `message` says what to do, in the reader's language when shown.
    #[error("{field}: {}", message.swedish())]
    Invalid { field: &'static str, message: Text },
    /// The record changed since the caller read it.
    #[error("stale version")]
    Stale,
}

impl StoreError {
    pub fn invalid(field: &'static str, message: Text) -> Self {
        StoreError::Invalid { field, message }
    }

    /// A stored value that cannot be read back (a number, a JSON column): the row is broken.
    pub(crate) fn unreadable(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
        StoreError::Database(diesel::result::Error::DeserializationError(Box::new(e)))
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

impl From<etablera_domain::input::Invalid> for StoreError {
    /// A form's check names a field; a path made at run time (only the import makes those, and
    /// it reports them itself) is reported as the form.
    fn from(e: etablera_domain::input::Invalid) -> StoreError {
        let field = match e.field {
            std::borrow::Cow::Borrowed(field) => field,
            std::borrow::Cow::Owned(_) => "form",
        };
        StoreError::Invalid { field, message: e.message }
    }
}

impl From<etablera_domain::code::UnknownCode> for StoreError {
    /// A stored code that names no value: the row cannot be read, as when a column read with
    /// `deserialize_as` holds one.
    fn from(e: etablera_domain::code::UnknownCode) -> StoreError {
        StoreError::Database(diesel::result::Error::DeserializationError(Box::new(e)))
    }
}
