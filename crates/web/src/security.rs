//! Cookies, the CSRF defences (an Origin check on every unsafe request, a token in every form)
//! and the security headers.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use subtle::ConstantTimeEq;

use crate::context::{Credential, RequestContext};
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "etablera_session";
pub const LOGIN_CSRF_COOKIE: &str = "etablera_login_csrf";
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// A cookie for this application: HttpOnly, SameSite=Strict, path /, Secure when served over TLS.
pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value)).http_only(true).same_site(SameSite::Strict).path("/").secure(secure).build()
}

pub fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut c = cookie(name, String::new(), secure);
    c.make_removal();
    c
}

pub fn set_cookie(response: &mut Response, cookie: Cookie<'static>) {
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Whether the request's `Origin` (or, without one, its `Referer`) is this site: the same host
/// and port, and the scheme users reach it by (`https` when cookies are marked secure, which
/// is how a server behind a TLS proxy is set up; otherwise `http`). A page on `http://` of the
/// same host, which anyone on the network can write, is not the same site as `https://`.
fn same_origin(headers: &HeaderMap, scheme: &str) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(url_origin);
    matches!((host, source), (Some(host), Some((source_scheme, source_host)))
        if host.eq_ignore_ascii_case(source_host) && scheme.eq_ignore_ascii_case(source_scheme))
}

/// The scheme and the host (with its port) of a URL.
fn url_origin(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    Some((scheme, rest.split(['/', '?', '#']).next()?))
}

/// The methods that change something. No route takes another (TRACE, CONNECT, made-up ones),
/// so those go on to be answered 405 rather than refused as forgeries.
fn is_unsafe(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
}

fn tokens_match(expected: Option<&str>, given: Option<&str>) -> bool {
    match (expected, given) {
        (Some(e), Some(g)) if !e.is_empty() => e.as_bytes().ct_eq(g.as_bytes()).into(),
        _ => false,
    }
}

/// Refuses unsafe requests that a browser sent from another site. API clients with a bearer
/// token carry no cookies and are not subject to it; API calls with a session must also carry
/// the session's token in the `X-CSRF-Token` header.
///
/// It runs on a route's own method only (see `routes::guarded`): a method no route has is
/// answered 405 with `Allow`, not refused as a forgery.
pub async fn check_origin(req: Request, next: Next) -> Response {
    let ctx = req.extensions().get::<RequestContext>();
    let scheme = if ctx.is_some_and(|c| c.https) { "https" } else { "http" };
    if is_unsafe(req.method()) {
        let credential = ctx.and_then(|c| c.principal.as_ref()).map(|p| &p.credential);
        let is_api = req.uri().path().starts_with("/api/");
        let refused = match credential {
            // A bearer token is sent on purpose, never by a browser on its own.
            Some(Credential::ApiToken { .. }) => false,
            Some(Credential::Session { .. }) if is_api => {
                let given = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
                !same_origin(req.headers(), scheme) || !tokens_match(ctx.and_then(|c| c.csrf_token()), given)
            }
            // Without credentials an API call can do nothing a forger would want; the route's
            // guard answers it.
            None if is_api => false,
            // Pages, the login form among them.
            _ => !same_origin(req.headers(), scheme),
        };
        if refused {
            return AppError::Csrf.into_response();
        }
    }
    next.run(req).await
}

/// Whether a form's `csrf_token` field matches the session's token (or, before login, the
/// login cookie's).
pub(crate) fn check_form_token(ctx: Option<&RequestContext>, given: Option<&str>) -> Result<(), AppError> {
    if tokens_match(ctx.and_then(|c| c.csrf_token()), given) { Ok(()) } else { Err(AppError::Csrf) }
}

/// A file sent with a form.
pub struct UploadedFile {
    pub field: String,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// A multipart form (with files) whose `csrf_token` field must match, as for a
/// [`crate::forms::Submitted`] form.
pub struct CsrfMultipart {
    pub fields: Vec<(String, String)>,
    pub files: Vec<UploadedFile>,
}

impl CsrfMultipart {
    pub fn field(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    pub fn file(&self, name: &str) -> Option<&UploadedFile> {
        self.files.iter().find(|f| f.field == name && !f.bytes.is_empty())
    }
}

impl<S: Send + Sync> FromRequest<S> for CsrfMultipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = req.extensions().get::<RequestContext>().cloned();
        let mut multipart =
            axum::extract::Multipart::from_request(req, state).await.map_err(|_| AppError::BadRequest)?;
        let mut form = CsrfMultipart { fields: Vec::new(), files: Vec::new() };
        while let Some(field) = multipart.next_field().await.map_err(|_| AppError::PayloadTooLarge)? {
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let bytes = field.bytes().await.map_err(|_| AppError::PayloadTooLarge)?.to_vec();
                    form.files.push(UploadedFile {
                        field: name,
                        file_name: Some(file_name).filter(|f| !f.is_empty()),
                        bytes,
                    });
                }
                None => {
                    let text = field.text().await.map_err(|_| AppError::BadRequest)?;
                    form.fields.push((name, text));
                }
            }
        }
        check_form_token(ctx.as_ref(), Some(form.field(CSRF_FIELD)))?;
        Ok(form)
    }
}

/// Headers every response carries, unless a handler set its own.
pub fn headers() -> Vec<(header::HeaderName, HeaderValue)> {
    vec![
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::REFERRER_POLICY, HeaderValue::from_static("same-origin")),
        (
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ),
        // Pages hold personal data: no browser or proxy may keep a copy.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_must_name_the_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "etablera.example:8080".parse().unwrap());
        assert!(!same_origin(&h, "http"), "no origin and no referer is refused");
        h.insert(header::ORIGIN, "http://etablera.example:8080".parse().unwrap());
        assert!(same_origin(&h, "http"));
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(!same_origin(&h, "http"));
        h.insert(header::ORIGIN, "http://etablera.example:8080.evil.example".parse().unwrap());
        assert!(!same_origin(&h, "http"));
        h.remove(header::ORIGIN);
        h.insert(header::REFERER, "http://etablera.example:8080/login".parse().unwrap());
        assert!(same_origin(&h, "http"));
        h.insert(header::REFERER, "http://etablera.example:8080?next=/".parse().unwrap());
        assert!(same_origin(&h, "http"));
    }

    #[test]
    fn origin_must_have_the_scheme_users_reach_the_site_by() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "etablera.kommun.se".parse().unwrap());
        h.insert(header::ORIGIN, "http://etablera.kommun.se".parse().unwrap());
        assert!(!same_origin(&h, "https"), "a plain-HTTP page of the same host is another site");
        h.insert(header::ORIGIN, "https://etablera.kommun.se".parse().unwrap());
        assert!(same_origin(&h, "https"));
        assert!(!same_origin(&h, "http"));
    }

    #[test]
    fn empty_or_missing_tokens_never_match() {
        assert!(!tokens_match(None, None));
        assert!(!tokens_match(Some(""), Some("")));
        assert!(!tokens_match(Some("abc"), None));
        assert!(!tokens_match(Some("abc"), Some("abd")));
        assert!(tokens_match(Some("abc"), Some("abc")));
    }
}
