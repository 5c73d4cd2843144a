//! The pages' forms, one way for all (see docs/forms.md): a handler takes a [`Submitted`] form
//! (its CSRF token checked, its input typed, its fields as sent), checks the input into domain
//! values with every error at once, and answers with [`Filled::after`]: saved, or the page again
//! with what was typed and each error beside its field. A page may hold several small forms;
//! when one fails, the page is shown again with that form's values and errors, and nothing was
//! saved.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use etablera_domain::input::Invalid;
use etablera_domain::text::Text;
use etablera_store::StoreError;
use serde::de::DeserializeOwned;

use crate::context::RequestContext;
use crate::error::AppError;
use crate::security::{CSRF_FIELD, check_form_token};

/// A submitted form: its `csrf_token` checked, what was typed as the form's input `T` (a struct
/// of strings, so that nothing typed is refused before it is checked; a repeated name fills a
/// `Vec`), and the fields as sent, to show the form again.
pub struct Submitted<T> {
    pub input: T,
    pub fields: Fields,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Submitted<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = req.extensions().get::<RequestContext>().cloned();
        let bytes = Bytes::from_request(req, state).await.map_err(|_| AppError::PayloadTooLarge)?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest)?;
        check_form_token(ctx.as_ref(), pairs.iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.as_str()))?;
        // Only a hidden field (a version, an id) can fail here, and only if tampered with.
        let input = serde_html_form::from_bytes(&bytes).map_err(|_| AppError::BadRequest)?;
        Ok(Submitted { input, fields: Fields(pairs) })
    }
}

/// A form asked by GET (a calculator, a preview that saves nothing): its input typed and its
/// fields as sent, as for a [`Submitted`] form, from the query; no token, since it changes
/// nothing.
pub struct Asked<T> {
    pub input: T,
    pub fields: Fields,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Asked<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|_| AppError::BadRequest)?;
        // As for a submitted form, only a choice (a year from a list) can fail here.
        let input = serde_html_form::from_str(query).map_err(|_| AppError::BadRequest)?;
        Ok(Asked { input, fields: Fields(pairs) })
    }
}

/// The fields of a submitted form, as sent (checkboxes may repeat a name).
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// Nothing was sent: the page was opened, not its form.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or("")
    }

    pub fn opt(&self, name: &str) -> Option<&str> {
        Some(self.get(name)).filter(|v| !v.is_empty())
    }

    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// The version of the record the form was opened at: a hidden field, wrong only if
    /// tampered with; 0 when the form has none, as for a record not yet made.
    pub fn version(&self) -> Result<i32, AppError> {
        match self.opt("version") {
            None => Ok(0),
            Some(v) => v.parse().map_err(|_| AppError::BadRequest),
        }
    }
}

/// One field's error: the field's id on the page and the message.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub anchor: String,
    pub field: String,
    pub message: Text,
}

/// Writes a checked form through the store, or passes its errors on: the outcome that
/// [`Filled::after`] takes. Whatever the write returns is dropped; a handler that needs it
/// runs the store itself.
pub async fn save<T, R>(
    state: &crate::app::AppState,
    checked: Result<T, Vec<Invalid>>,
    write: impl FnOnce(&mut etablera_store::DbConn, T) -> etablera_store::Result<R> + Send + 'static,
) -> Result<etablera_store::Result<()>, Vec<Invalid>>
where
    T: Send + 'static,
    R: Send + 'static,
{
    match checked {
        Ok(value) => Ok(state.store.run(move |conn| write(conn, value).map(|_| ())).await),
        Err(errors) => Err(errors),
    }
}

/// A form that failed: which one, what was sent, and its errors.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    /// The form's name, which prefixes its fields' ids (`damage-12` for home 12's damage form).
    pub form: String,
    pub fields: Fields,
    pub errors: Vec<FieldError>,
    /// Someone else saved the record since the page was opened: shown with 409, input kept.
    pub conflict: bool,
}

impl Filled {
    pub fn failed(form: impl Into<String>, fields: Fields, errors: Vec<Invalid>) -> Filled {
        let form = form.into();
        let errors = errors
            .into_iter()
            .map(|e| FieldError {
                anchor: format!("{form}-{}", e.field),
                field: e.field.into_owned(),
                message: e.message,
            })
            .collect();
        Filled { form, fields, errors, conflict: false }
    }

    /// A form sent and answered (a calculation, a preview): shown again as typed, without errors.
    pub fn kept(form: impl Into<String>, fields: Fields) -> Filled {
        Filled { form: form.into(), fields, errors: Vec::new(), conflict: false }
    }

    /// From a store error; anything but invalid input is passed on.
    pub fn from_store(form: impl Into<String>, fields: Fields, error: StoreError) -> Result<Filled, StoreError> {
        match error {
            StoreError::Invalid { field, message } => {
                Ok(Filled::failed(form, fields, vec![Invalid::new(field, message)]))
            }
            StoreError::Stale => {
                let message = Text::new("form-stale");
                Ok(Filled { conflict: true, ..Filled::failed(form, fields, vec![Invalid::new("form", message)]) })
            }
            other => Err(other),
        }
    }

    /// What a form's handler got back: `None` when it was saved, else the form to show again
    /// (input that failed the checks, or the store's refusal). Other errors are passed on.
    pub fn after(
        form: impl Into<String>,
        fields: Fields,
        outcome: Result<Result<(), StoreError>, Vec<Invalid>>,
    ) -> Result<Option<Filled>, StoreError> {
        match outcome {
            Ok(Ok(())) => Ok(None),
            Ok(Err(e)) => Filled::from_store(form, fields, e).map(Some),
            Err(errors) => Ok(Some(Filled::failed(form, fields, errors))),
        }
    }

    /// The status of a page shown again with this form.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        if self.conflict {
            StatusCode::CONFLICT
        } else if self.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    pub fn is(&self, form: &str) -> bool {
        !self.errors.is_empty() && self.form == form
    }

    /// The value sent in this form, or `default` when this form was not the one sent.
    pub fn v<'a>(&'a self, form: &str, name: &str, default: &'a str) -> &'a str {
        if self.form == form { self.fields.get(name) } else { default }
    }

    /// `default` is a `bool` or a reference to one, as templates pass either.
    pub fn checked(&self, form: &str, name: &str, default: impl std::borrow::Borrow<bool>) -> bool {
        if self.form == form { self.fields.all(name).iter().any(|v| !v.is_empty()) } else { *default.borrow() }
    }

    /// Whether a checkbox with this value was sent, or `default`.
    pub fn has(&self, form: &str, name: &str, value: &str, default: impl std::borrow::Borrow<bool>) -> bool {
        if self.form == form { self.fields.all(name).contains(&value) } else { *default.borrow() }
    }

    /// The error for a field of a form, if that is where it failed.
    pub fn err(&self, form: &str, field: &str) -> Option<&Text> {
        if self.form != form {
            return None;
        }
        self.errors.iter().find(|e| e.field == field).map(|e| &e.message)
    }
}

/// `?saved=…` after a form was saved, for the page's confirmation.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
}
