//! One error type for pages and the API. A handler returns it; the `render_errors` middleware
//! turns it into a page or a JSON body, in the request's language. Internal causes are logged
//! with the request id and never shown.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use etablera_domain::text::Text;
use etablera_store::StoreError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("csrf check failed")]
    Csrf,
    #[error("stale version")]
    Conflict,
    #[error("too many requests")]
    Throttled,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("bad request")]
    BadRequest,
    /// Input that breaks a rule; the message says what to do, in the reader's language.
    #[error("invalid {field}")]
    Invalid { field: String, message: Text },
    /// The database is busy or does not answer: come back in a moment (503, Retry-After).
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict => StatusCode::CONFLICT,
            AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code API clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Csrf => "csrf",
            AppError::Conflict => "conflict",
            AppError::Throttled => "throttled",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::BadRequest => "bad_request",
            AppError::Invalid { .. } => "invalid",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// The catalogue keys of the title and text shown to people.
    pub fn message_keys(&self) -> (&'static str, &'static str) {
        match self {
            AppError::Unauthenticated => ("error-title-401", "error-401"),
            AppError::Forbidden => ("error-title-403", "error-403"),
            AppError::NotFound => ("error-title-404", "error-404"),
            AppError::Csrf => ("error-title-csrf", "error-csrf"),
            AppError::Conflict => ("error-title-409", "error-409"),
            AppError::Throttled => ("error-title-429", "error-429"),
            AppError::PayloadTooLarge => ("error-title-413", "error-413"),
            AppError::BadRequest | AppError::Invalid { .. } => ("error-title-500", "error-invalid"),
            AppError::Unavailable(_) => ("error-title-503", "error-503"),
            AppError::Internal(_) => ("error-title-500", "error-500"),
        }
    }
}

/// Marks a response as an error for `render_errors` to fill in.
#[derive(Clone)]
pub struct ErrorMarker(pub Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(ErrorMarker(Arc::new(self)));
        response
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Stale => AppError::Conflict,
            StoreError::Invalid { field, message } => AppError::Invalid { field: field.to_owned(), message },
            StoreError::Pool(e) => AppError::Unavailable(e.to_string()),
            // The database went away under a query, or cannot be reached: come back shortly.
            StoreError::Connection(e) => AppError::Unavailable(e),
            StoreError::Database(diesel::result::Error::DatabaseError(
                kind @ (diesel::result::DatabaseErrorKind::ClosedConnection
                | diesel::result::DatabaseErrorKind::UnableToSendCommand),
                _,
            )) => AppError::Unavailable(format!("{kind:?}")),
            other => AppError::Internal(other.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
