//! The JSON API's shared parts: its OpenAPI document and its error body.

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use etablera_domain::code::Coded;
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Object, ObjectBuilder, Type};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::error::AppError;
use crate::i18n::{Locale, Text};

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable: `unauthenticated`, `forbidden`, `not_found`, `csrf`, `conflict`, `throttled`,
    /// `payload_too_large`, `bad_request`, `invalid`, `internal`.
    pub code: String,
    /// For people, in Swedish (or English when the client asks for it).
    pub message: String,
    /// The field that is wrong, for `invalid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Quote it when reporting a problem.
    pub request_id: String,
}

pub fn error_body(locale: Locale, error: &AppError, request_id: &str) -> Response {
    let (_, message_key) = error.message_keys();
    let (message, field) = match error {
        AppError::Invalid { field, message } => (crate::i18n::catalog().say(locale, message), Some(field.clone())),
        _ => (crate::i18n::catalog().text(locale, message_key, &[("request", request_id.to_owned())]), None),
    };
    let body = ErrorBody {
        error: ErrorDetail { code: error.code().to_owned(), message, field, request_id: request_id.to_owned() },
    };
    (error.status(), Json(body)).into_response()
}

/// Query parameters; a bad one is refused with our error (a page or JSON), not axum's text.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query).map(Params).map_err(|e| AppError::Invalid {
            field: "query".into(),
            message: Text::new("api-bad-query").with("error", e),
        })
    }
}

/// A path's parameters. One that cannot name anything here (not a number, out of range) is not
/// found, answered as a page or JSON like any other error, never as axum's plain text.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(_) => Err(AppError::NotFound),
        }
    }
}

/// A JSON body; a malformed one is refused with our JSON error.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(AppError::Invalid {
                field: "body".into(),
                message: Text::new("api-bad-body").with("error", rejection.body_text()),
            }),
        }
    }
}

/// The largest amount the API takes, in öre: a thousand million kronor, far above any cost
/// of the work, and far from the overflow of what is computed from it.
pub const MAX_AMOUNT_ORE: i64 = 100_000_000_000;

/// The schema of a coded value (`etablera_domain::coded!`): a string, one of its codes.
pub fn codes<T: Coded>() -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(T::ALL.iter().map(|v| v.code()))).build()
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("etb_…").build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::security::SESSION_COOKIE,
                "The web session; unsafe methods also need the X-CSRF-Token header.",
            ))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Etablera API", description = "Etablera's JSON API. Errors have the shape of ErrorBody."),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&Security),
    tags(
        (name = "access", description = "Users, sessions and the access log"),
        (name = "cofinancing", description = "Population tables and the co-financing calculations; amounts in öre"),
        (name = "reception", description = "Households and persons in reception; every reading is in the access log"),
        (name = "economy", description = "Reimbursement rules, costs and claims to Migrationsverket; amounts in öre"),
    )
)]
struct ApiDoc;

/// The OpenAPI 3 document: the API's description and the paths of the route table, each from
/// its handler's annotation. Made once.
pub fn openapi() -> utoipa::openapi::OpenApi {
    static DOCUMENT: std::sync::LazyLock<utoipa::openapi::OpenApi> =
        std::sync::LazyLock::new(|| ApiDoc::openapi().merge_from(crate::app::routes().openapi));
    DOCUMENT.clone()
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "access", responses((status = 200, description = "OpenAPI 3")))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}
