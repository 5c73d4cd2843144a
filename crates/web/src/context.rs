//! What every handler knows about the request: who (if anyone), from where, in which language.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{NaiveDate, NaiveDateTime};
use etablera_store::access::Actor;
use etablera_store::access::users::User;

use crate::error::AppError;
use crate::i18n::{Locale, Tr};

/// How the user proved who they are.
#[derive(Debug, Clone)]
pub enum Credential {
    Session { id: i32, csrf_token: String },
    ApiToken { id: i32 },
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub credential: Credential,
}

#[derive(Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub client_address: Option<String>,
    pub locale: Locale,
    pub principal: Option<Principal>,
    /// The request came with a session that had been idle too long.
    pub session_expired: bool,
    /// The login form's double-submit token, from its cookie.
    pub login_csrf: Option<String>,
    /// The moment the request arrived, from the application's clock: the time of every act
    /// it makes, and the day its pages are dated by.
    pub at: NaiveDateTime,
    /// The site is reached over HTTPS (its cookies are marked secure): the scheme a request
    /// from this site's own pages comes from.
    pub https: bool,
}

impl RequestContext {
    /// A request no middleware has described (an error before authentication ran): no user,
    /// no request id.
    pub fn anonymous(locale: Locale, at: NaiveDateTime) -> RequestContext {
        RequestContext {
            request_id: String::new(),
            client_address: None,
            locale,
            principal: None,
            session_expired: false,
            login_csrf: None,
            at,
            https: false,
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.principal.as_ref().map(|p| p.user.id),
            request_id: Some(self.request_id.clone()),
            client_address: self.client_address.clone(),
            at: self.at,
        }
    }

    /// Today in Stockholm, as the request sees it.
    pub fn today(&self) -> NaiveDate {
        etablera_domain::time::to_local(self.at).date()
    }

    pub fn tr(&self) -> Tr {
        Tr::new(self.locale)
    }

    /// The token the request's forms must carry.
    pub fn csrf_token(&self) -> Option<&str> {
        match &self.principal {
            Some(Principal { credential: Credential::Session { csrf_token, .. }, .. }) => Some(csrf_token),
            Some(_) => None,
            None => self.login_csrf.as_deref(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .ok_or_else(|| AppError::Internal("the request context middleware did not run".into()))
    }
}

/// A handler that takes this runs only for a signed-in user; the route's guard has already
/// checked the permission it declares.
pub struct Signed {
    pub ctx: RequestContext,
    pub user: User,
}

impl<S: Send + Sync> FromRequestParts<S> for Signed {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = RequestContext::from_request_parts(parts, state).await?;
        let user = ctx.principal.as_ref().map(|p| p.user.clone()).ok_or(AppError::Unauthenticated)?;
        Ok(Signed { ctx, user })
    }
}
