//! Every route, with the permission it needs, in one table. The router is built from it and the
//! tests walk it, so a new route is covered by the permission tests without being named there.

use axum::Router;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use etablera_domain::access::Permission;

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
    pub path: &'static str,
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
}

impl Routes {
    pub fn new() -> Routes {
        Routes { router: Router::new(), specs: Vec::new() }
    }

    pub fn add(mut self, method: Method, path: &'static str, guard: Guard, handler: MethodRouter<AppState>) -> Routes {
        let handler = match guard {
            Guard::Public => handler,
            guard => handler.route_layer(middleware::from_fn(move |req: Request, next: Next| check(guard, req, next))),
        };
        self.router = self.router.route(path, handler);
        self.specs.push(RouteSpec { method, path, guard });
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
