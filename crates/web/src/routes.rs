//! Every route, with the permission it needs, in one table. The router is built from it and the
//! tests walk it, so a new route is covered by the permission tests without being named there.
//! An API route is registered from its handler's OpenAPI entry (`routes!`), so it cannot exist
//! without its documentation; the errors every guarded route can answer are documented here,
//! from its guard, once.

use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use etablera_domain::access::Permission;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};
use utoipa_axum::router::UtoipaMethodRouter;

use crate::app::AppState;
use crate::context::RequestContext;
use crate::error::AppError;

/// What a route requires of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Anyone, signed in or not: the login page, health, static files, the API description.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A signed-in user whose roles grant the permission.
    Needs(Permission),
}

#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: String,
    pub guard: Guard,
}

impl RouteSpec {
    pub fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }
}

pub struct Routes {
    pub router: Router<AppState>,
    pub specs: Vec<RouteSpec>,
    /// The API routes' paths and the schemas they name.
    pub openapi: OpenApi,
}

/// A handler behind its guard, and before that the check that an unsafe request comes from
/// this site. Both as route layers: they run for the route's own method, never for a method
/// the path does not take (405).
fn guarded(guard: Guard, handler: MethodRouter<AppState>) -> MethodRouter<AppState> {
    let handler = match guard {
        Guard::Public => handler,
        guard => handler.route_layer(middleware::from_fn(move |req: Request, next: Next| check(guard, req, next))),
    };
    handler.route_layer(middleware::from_fn(crate::security::check_origin))
}

impl Routes {
    pub fn new() -> Routes {
        Routes { router: Router::new(), specs: Vec::new(), openapi: OpenApi::default() }
    }

    pub fn add(mut self, method: Method, path: &'static str, guard: Guard, handler: MethodRouter<AppState>) -> Routes {
        self.router = self.router.route(path, guarded(guard, handler));
        self.specs.push(RouteSpec { method, path: path.to_owned(), guard });
        self
    }

    /// An API route: its path, methods and documentation come from the handler's
    /// `#[utoipa::path]`, its guard from here.
    pub fn api(mut self, guard: Guard, (schemas, mut paths, handler): UtoipaMethodRouter<AppState>) -> Routes {
        for (path, item) in paths.paths.iter_mut() {
            for (method, operation) in [
                (Method::GET, item.get.as_mut()),
                (Method::POST, item.post.as_mut()),
                (Method::PUT, item.put.as_mut()),
                (Method::DELETE, item.delete.as_mut()),
            ] {
                let Some(operation) = operation else { continue };
                document_errors(operation, &method, path, guard);
                self.specs.push(RouteSpec { method, path: path.clone(), guard });
            }
            self.router = self.router.route(path, guarded(guard, handler.clone()));
        }
        self.openapi.paths.merge(paths);
        let components = self.openapi.components.get_or_insert_with(Default::default);
        components.schemas.extend(schemas);
        self
    }

    pub fn get(self, path: &'static str, guard: Guard, handler: MethodRouter<AppState>) -> Routes {
        self.add(Method::GET, path, guard, handler)
    }

    pub fn post(self, path: &'static str, guard: Guard, handler: MethodRouter<AppState>) -> Routes {
        self.add(Method::POST, path, guard, handler)
    }
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

/// The errors a route can answer, from its guard, its path and its method, each with the JSON
/// error body; and how to sign in for it.
fn document_errors(operation: &mut Operation, method: &Method, path: &str, guard: Guard) {
    let unsafe_method = *method != Method::GET;
    let takes_input = unsafe_method || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let errors = [
        (StatusCode::BAD_REQUEST, unsafe_method, "The request cannot be read."),
        (StatusCode::UNAUTHORIZED, guard != Guard::Public, "Not signed in: no session, or no valid API token."),
        (
            StatusCode::FORBIDDEN,
            matches!(guard, Guard::Needs(_)) || (unsafe_method && guard != Guard::Public),
            "The user's roles do not allow it, or the session's CSRF token or Origin is wrong.",
        ),
        (StatusCode::NOT_FOUND, path.contains('{'), "No such record, or not one the user may see."),
        (StatusCode::CONFLICT, unsafe_method, "Someone else changed the record first; read it again."),
        (StatusCode::PAYLOAD_TOO_LARGE, unsafe_method, "The request body is too large."),
        (StatusCode::UNPROCESSABLE_ENTITY, takes_input, "The input breaks a rule; `field` names it."),
        (StatusCode::INTERNAL_SERVER_ERROR, true, "Something failed on the server; quote `request_id`."),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            true,
            "The database is busy or does not answer; nothing was changed. Try again after `Retry-After` seconds.",
        ),
    ];
    for (status, applies, description) in errors {
        if applies {
            operation.responses.responses.entry(status.as_u16().to_string()).or_insert_with(|| {
                RefOr::T(
                    ResponseBuilder::new()
                        .description(description)
                        .content("application/json", Content::new(Some(Ref::from_schema_name("ErrorBody"))))
                        .build(),
                )
            });
        }
    }
    if guard != Guard::Public {
        let no_scopes: [&str; 0] = [];
        operation.security =
            Some(vec![SecurityRequirement::new("token", no_scopes), SecurityRequirement::new("session", no_scopes)]);
    }
}

/// The one place a route's guard is checked.
async fn check(guard: Guard, req: Request, next: Next) -> Response {
    let user = req.extensions().get::<RequestContext>().and_then(|ctx| ctx.principal.as_ref()).map(|p| &p.user);
    let allowed = match (guard, user) {
        (Guard::Public, _) => Ok(()),
        (_, None) => Err(AppError::Unauthenticated),
        (Guard::SignedIn, Some(_)) => Ok(()),
        (Guard::Needs(permission), Some(user)) if user.can(permission) => Ok(()),
        (Guard::Needs(_), Some(_)) => Err(AppError::Forbidden),
    };
    match allowed {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// All routes of the application, as the router serves them.
pub fn all() -> Vec<RouteSpec> {
    crate::app::routes().specs
}
