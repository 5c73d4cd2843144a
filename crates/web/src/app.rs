//! The application: its state, its routes, the middleware every request passes, and `serve`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::CookieJar;
use etablera_domain::access::Permission;
use etablera_store::Store;
use etablera_store::access::sessions::{self, SessionCheck};
use etablera_store::access::tokens;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa_axum::routes;

use crate::access;
use crate::agreements;
use crate::cofinancing;
use crate::config::WebConfig;
use crate::context::{Credential, Principal, RequestContext};
use crate::documents;
use crate::economy;
use crate::error::AppError;
use crate::i18n;
use crate::pages;
use crate::quality;
use crate::reception;
use crate::reporting;
use crate::routes::{Guard, Routes};
use crate::security::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE};

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    /// The municipality's OpenID provider, when logins go through it.
    pub sso: Option<Arc<access::sso::Sso>>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        let sso = config.sso.clone().map(|c| Arc::new(access::sso::Sso::new(c)));
        AppState { store, config: Arc::new(config), sso }
    }
}

/// Every route and the guard it needs.
pub fn routes() -> Routes {
    use Guard::*;
    Routes::new()
        .api(Public, routes!(health))
        .get("/static/app.css", Public, get(pages::stylesheet))
        .get("/static/htmx.min.js", Public, get(pages::htmx))
        .get("/login", Public, get(access::login::form))
        .post("/login", Public, post(access::login::submit))
        .get("/login/sso", Public, get(access::sso::start))
        .get("/login/sso/callback", Public, get(access::sso::callback))
        .post("/logout", SignedIn, post(access::login::logout))
        .get("/", SignedIn, get(crate::start::page))
        .get("/account", SignedIn, get(access::account::page))
        .post("/account/password", SignedIn, post(access::account::change_password))
        .post("/account/sessions/{id}/end", SignedIn, post(access::account::end_session))
        .post("/account/sessions/end-others", SignedIn, post(access::account::end_others))
        .get("/account/tokens", SignedIn, get(access::tokens::page))
        .post("/account/tokens", SignedIn, post(access::tokens::create))
        .post("/account/tokens/{id}/revoke", SignedIn, post(access::tokens::revoke))
        .get("/admin/users", Needs(Permission::ManageUsers), get(access::users::list))
        .get("/admin/login-locks", Needs(Permission::ManageUsers), get(access::locks::page))
        .post("/admin/login-locks/clear", Needs(Permission::ManageUsers), post(access::locks::clear))
        .get("/audit/reviews", Needs(Permission::ReviewAccessLog), get(access::review::list))
        .post("/audit/reviews", Needs(Permission::ReviewAccessLog), post(access::review::start))
        .get("/audit/reviews/{id}", Needs(Permission::ReviewAccessLog), get(access::review::show))
        .post("/audit/reviews/{id}/items/{item}", Needs(Permission::ReviewAccessLog), post(access::review::mark))
        .post("/audit/reviews/{id}/sign", Needs(Permission::ReviewAccessLog), post(access::review::sign))
        .get("/admin/culling", Needs(Permission::CullRecords), get(access::culling::page))
        .post("/admin/culling", Needs(Permission::CullRecords), post(access::culling::cull))
        .get("/admin/users/new", Needs(Permission::ManageUsers), get(access::users::new_form))
        .post("/admin/users/new", Needs(Permission::ManageUsers), post(access::users::create))
        .get("/admin/users/{username}", Needs(Permission::ManageUsers), get(access::users::edit_form))
        .post("/admin/users/{username}", Needs(Permission::ManageUsers), post(access::users::update))
        .post("/admin/users/{username}/password", Needs(Permission::ManageUsers), post(access::users::reset_password))
        .post("/admin/users/{username}/disable", Needs(Permission::ManageUsers), post(access::users::disable))
        .post("/admin/users/{username}/enable", Needs(Permission::ManageUsers), post(access::users::enable))
        .get("/audit", Needs(Permission::ReadAccessLog), get(access::audit::page))
        .get("/audit/verify", Needs(Permission::ReadAccessLog), get(access::audit::verify_page))
        .get("/audit/export.csv", Needs(Permission::ReadAccessLog), get(access::audit::export_csv))
        .get("/cofinancing/population", Needs(Permission::ManageCofinancing), get(cofinancing::population::page))
        .post("/cofinancing/population", Needs(Permission::ManageCofinancing), post(cofinancing::population::import))
        .get("/cofinancing/own", Needs(Permission::ReadOwnAgreement), get(cofinancing::own::page))
        .get("/cofinancing/post", Needs(Permission::ManageCofinancing), get(cofinancing::post::page))
        .post("/cofinancing/post", Needs(Permission::ManageCofinancing), post(cofinancing::post::set_cost))
        .post(
            "/cofinancing/post/invoicing",
            Needs(Permission::ManageCofinancing),
            post(cofinancing::post::set_invoicing),
        )
        .get("/cofinancing/cost", Needs(Permission::ManageCofinancing), get(cofinancing::calculator::cost))
        .get(
            "/cofinancing/apportion",
            Needs(Permission::ManageCofinancing),
            get(cofinancing::calculator::apportion_page),
        )
        .get("/cofinancing/check", Needs(Permission::ManageCofinancing), get(cofinancing::calculator::check_form))
        .post("/cofinancing/check", Needs(Permission::ManageCofinancing), post(cofinancing::calculator::check_submit))
        .get("/cofinancing/agreements", Needs(Permission::ManageCofinancing), get(cofinancing::agreements::list))
        .get(
            "/cofinancing/agreements/new",
            Needs(Permission::ManageCofinancing),
            get(cofinancing::agreement_form::new_form),
        )
        .post(
            "/cofinancing/agreements/new",
            Needs(Permission::ManageCofinancing),
            post(cofinancing::agreement_form::create),
        )
        .get("/cofinancing/agreements/{id}", Needs(Permission::ManageCofinancing), get(cofinancing::agreements::show))
        .get(
            "/cofinancing/agreements/{id}/versions",
            Needs(Permission::ManageCofinancing),
            get(cofinancing::agreement_form::amend_form),
        )
        .post(
            "/cofinancing/agreements/{id}/versions",
            Needs(Permission::ManageCofinancing),
            post(cofinancing::agreement_form::amend),
        )
        .post(
            "/cofinancing/agreements/{id}/address",
            Needs(Permission::ManageCofinancing),
            post(cofinancing::agreements::set_address),
        )
        .post(
            "/cofinancing/agreements/{id}/withdraw",
            Needs(Permission::ManageCofinancing),
            post(cofinancing::agreements::withdraw),
        )
        .get("/cofinancing/invoices", Needs(Permission::ManageCofinancing), get(cofinancing::invoices::list))
        .post("/cofinancing/invoices", Needs(Permission::ManageCofinancing), post(cofinancing::invoices::generate))
        .get(
            "/cofinancing/invoices/export.xlsx",
            Needs(Permission::ManageCofinancing),
            get(cofinancing::invoices::xlsx),
        )
        .get("/cofinancing/invoices/export.csv", Needs(Permission::ManageCofinancing), get(cofinancing::invoices::csv))
        .get("/cofinancing/invoices/payments", Needs(Permission::ManageCofinancing), get(cofinancing::payments::page))
        .post("/cofinancing/invoices/payments", Needs(Permission::ManageCofinancing), post(cofinancing::payments::read))
        .post(
            "/cofinancing/invoices/status",
            Needs(Permission::ManageCofinancing),
            post(cofinancing::invoices::set_status_all),
        )
        .get("/cofinancing/invoices/{id}", Needs(Permission::ManageCofinancing), get(cofinancing::invoices::show))
        .get(
            "/cofinancing/own/invoices/{id}/invoice.pdf",
            Needs(Permission::ReadOwnAgreement),
            get(cofinancing::invoices::own_pdf),
        )
        .get(
            "/cofinancing/own/invoices/{id}/ubl.xml",
            Needs(Permission::ReadOwnAgreement),
            get(cofinancing::invoices::own_ubl_xml),
        )
        .get(
            "/cofinancing/invoices/{id}/ubl.xml",
            Needs(Permission::ManageCofinancing),
            get(cofinancing::invoices::ubl_xml),
        )
        .get(
            "/cofinancing/invoices/{id}/invoice.pdf",
            Needs(Permission::ManageCofinancing),
            get(cofinancing::invoices::pdf),
        )
        .post(
            "/cofinancing/invoices/{id}/status",
            Needs(Permission::ManageCofinancing),
            post(cofinancing::invoices::set_status),
        )
        .post(
            "/cofinancing/invoices/{id}/credit",
            Needs(Permission::ManageCofinancing),
            post(cofinancing::invoices::credit),
        )
        .get("/cofinancing/vacancies", Needs(Permission::ManageCofinancing), get(cofinancing::vacancies::page))
        .post("/cofinancing/vacancies", Needs(Permission::ManageCofinancing), post(cofinancing::vacancies::record))
        .get("/reception", Needs(Permission::ReadCases), get(reception::households::list))
        .get("/reception/contracts", Needs(Permission::ReadCases), get(reception::contracts::list))
        .get("/reception/households/new", Needs(Permission::WriteCases), get(reception::households::new_form))
        .post("/reception/households/new", Needs(Permission::WriteCases), post(reception::households::create))
        .get("/reception/households/{id}", Needs(Permission::ReadCases), get(reception::households::show))
        .post(
            "/reception/households/{id}/persons",
            Needs(Permission::WriteCases),
            post(reception::households::add_person),
        )
        .post(
            "/reception/households/{id}/responsible",
            Needs(Permission::ManageUnit),
            post(reception::households::assign),
        )
        .post(
            "/reception/households/{id}/edit",
            Needs(Permission::WriteCases),
            post(reception::households::edit_placement),
        )
        .post("/reception/households/{id}/arrival", Needs(Permission::WriteCases), post(reception::households::arrival))
        .post(
            "/reception/households/{id}/first-contact",
            Needs(Permission::WriteCases),
            post(reception::households::first_contact),
        )
        .post(
            "/reception/households/{id}/housing",
            Needs(Permission::WriteCases),
            post(reception::households::add_housing),
        )
        .post(
            "/reception/households/{id}/housing/{housing_id}",
            Needs(Permission::WriteCases),
            post(reception::households::update_housing),
        )
        .post(
            "/reception/households/{id}/housing/{housing_id}/damages",
            Needs(Permission::WriteCases),
            post(reception::households::add_damage),
        )
        .post(
            "/reception/households/{id}/housing/{housing_id}/move-out",
            Needs(Permission::WriteCases),
            post(reception::households::move_out),
        )
        .post("/reception/households/{id}/tasks", Needs(Permission::WriteCases), post(reception::households::add_task))
        .post(
            "/reception/households/{id}/tasks/{task_id}/done",
            Needs(Permission::WriteCases),
            post(reception::households::complete_task),
        )
        .post("/reception/households/{id}/notes", Needs(Permission::WriteCases), post(reception::households::add_note))
        .get("/reception/persons/{id}", Needs(Permission::ReadCases), get(reception::persons::show))
        .get("/reception/persons/{id}/plan.pdf", Needs(Permission::ReadCases), get(reception::persons::plan_pdf))
        .get("/reception/persons/{id}/extract.pdf", Needs(Permission::ManageUnit), get(access::extract::pdf))
        .get("/reception/persons/{id}/extract.json", Needs(Permission::ManageUnit), get(access::extract::json))
        .post("/reception/persons/{id}/edit", Needs(Permission::WriteCases), post(reception::persons::edit))
        .post(
            "/reception/persons/{id}/activities",
            Needs(Permission::WriteCases),
            post(reception::persons::add_activity),
        )
        .post(
            "/reception/persons/{id}/activities/{activity_id}/end",
            Needs(Permission::WriteCases),
            post(reception::persons::end_activity),
        )
        .post("/reception/persons/{id}/declines", Needs(Permission::WriteCases), post(reception::persons::add_decline))
        .post(
            "/reception/persons/{id}/exemptions",
            Needs(Permission::WriteCases),
            post(reception::persons::add_exemption),
        )
        .post("/reception/persons/{id}/exit", Needs(Permission::WriteCases), post(reception::persons::exit))
        .post(
            "/reception/persons/{id}/return",
            Needs(Permission::WriteCases),
            post(reception::persons::return_to_group),
        )
        .get("/admin/activity-types", Needs(Permission::ManageRules), get(reception::catalogue::list))
        .post("/admin/activity-types", Needs(Permission::ManageRules), post(reception::catalogue::add))
        .get("/economy", Needs(Permission::ManageEconomy), get(economy::costs::list))
        .get("/economy/costs/new", Needs(Permission::ManageEconomy), get(economy::costs::new_form))
        .post("/economy/costs/new", Needs(Permission::ManageEconomy), post(economy::costs::create))
        .post("/economy/costs/preview", Needs(Permission::ManageEconomy), post(economy::costs::preview))
        .post("/economy/costs/{id}/remove", Needs(Permission::ManageEconomy), post(economy::costs::remove))
        .get("/economy/costs/{id}", Needs(Permission::ManageEconomy), get(economy::costs::show))
        .post(
            "/economy/costs/{id}/documents",
            Needs(Permission::ManageEconomy),
            documents::upload_route(economy::costs::attach_document),
        )
        .post(
            "/economy/claims/{id}/documents",
            Needs(Permission::ManageEconomy),
            documents::upload_route(economy::claims::attach_document),
        )
        .post(
            "/reception/households/{id}/documents",
            Needs(Permission::WriteCases),
            documents::upload_route(reception::households::attach_document),
        )
        .post(
            "/reception/households/{id}/housing/{housing_id}/documents",
            Needs(Permission::WriteCases),
            documents::upload_route(reception::households::attach_housing_document),
        )
        .post(
            "/reception/persons/{id}/documents",
            Needs(Permission::WriteCases),
            documents::upload_route(reception::persons::attach_document),
        )
        .post(
            "/quality/{id}/documents",
            Needs(Permission::WriteCases),
            documents::upload_route(quality::attach_document),
        )
        .get("/documents/{id}", SignedIn, get(documents::download))
        .post("/documents/{id}/remove", SignedIn, post(documents::remove))
        .get("/economy/claims", Needs(Permission::ManageEconomy), get(economy::claims::list))
        .post("/economy/claims", Needs(Permission::ManageEconomy), post(economy::claims::prepare))
        .get("/economy/claims/{id}", Needs(Permission::ManageEconomy), get(economy::claims::show))
        .post("/economy/claims/{id}/steps", Needs(Permission::ManageEconomy), post(economy::claims::step))
        .post("/economy/claims/{id}/discard", Needs(Permission::ManageEconomy), post(economy::claims::discard))
        .get("/economy/claims/{id}/claim.xlsx", Needs(Permission::ManageEconomy), get(economy::claims::xlsx))
        .get("/economy/claims/{id}/claim.csv", Needs(Permission::ManageEconomy), get(economy::claims::csv))
        .get("/economy/claims/{id}/claim.pdf", Needs(Permission::ManageEconomy), get(economy::claims::pdf))
        .get("/economy/standard", Needs(Permission::ManageEconomy), get(economy::standard::page))
        .get("/economy/sie", Needs(Permission::ManageEconomy), get(economy::sie::show))
        .post("/economy/sie/settings", Needs(Permission::ManageEconomy), post(economy::sie::save_settings))
        .get("/economy/sie/export", Needs(Permission::ManageEconomy), get(economy::sie::export))
        .get("/economy/grant", Needs(Permission::ReadAggregateReports), get(economy::grant::show))
        .post("/economy/grant", Needs(Permission::ManageEconomy), post(economy::grant::set))
        .get("/economy/grant.xlsx", Needs(Permission::ReadAggregateReports), get(economy::grant::xlsx))
        .get("/economy/grant.csv", Needs(Permission::ReadAggregateReports), get(economy::grant::csv))
        .get("/economy/grant.pdf", Needs(Permission::ReadAggregateReports), get(economy::grant::pdf))
        .get("/reports", Needs(Permission::ReadAggregateReports), get(reporting::signed::list))
        .get("/reports/signed/{month}", Needs(Permission::ReadAggregateReports), get(reporting::signed::show))
        .get("/reports/signed/{month}/report.pdf", Needs(Permission::ReadAggregateReports), get(reporting::signed::pdf))
        .get(
            "/reports/signed/{month}/report.xlsx",
            Needs(Permission::ReadAggregateReports),
            get(reporting::signed::xlsx),
        )
        .get("/reports/signed/{month}/report.csv", Needs(Permission::ReadAggregateReports), get(reporting::signed::csv))
        .get(
            "/reports/signed/{month}/report-sv.csv",
            Needs(Permission::ReadAggregateReports),
            get(reporting::signed::swedish_csv),
        )
        .get("/reports/monthly", Needs(Permission::ManageUnit), get(reporting::monthly::show))
        .get("/reports/closings", Needs(Permission::ReadAggregateReports), get(reporting::closings::show))
        .get("/reports/closings/summary.pdf", Needs(Permission::ReadAggregateReports), get(reporting::closings::pdf))
        .get("/reports/closings/summary.xlsx", Needs(Permission::ReadAggregateReports), get(reporting::closings::xlsx))
        .get("/reports/closings/summary.csv", Needs(Permission::ReadAggregateReports), get(reporting::closings::csv))
        .post("/reports/closings/interim", Needs(Permission::ManageUnit), post(reporting::closings::set_interim))
        .get("/orders", Needs(Permission::ReadAggregateReports), get(agreements::orders::show))
        .get("/orders/new", Needs(Permission::ManageUnit), get(agreements::orders::new_form))
        .post("/orders/new", Needs(Permission::ManageUnit), post(agreements::orders::create))
        .post("/orders/fulfil", Needs(Permission::ManageUnit), post(agreements::orders::fulfil))
        .post("/orders/staffing", Needs(Permission::ManageUnit), post(agreements::orders::staffing))
        .post("/orders/amend", Needs(Permission::ManageUnit), post(agreements::orders::amend))
        .post("/orders/duties", Needs(Permission::ManageUnit), post(agreements::orders::reschedule))
        .get("/reports/serious/{id}", Needs(Permission::ReadAggregateReports), get(reporting::serious::show))
        .get("/quality", Needs(Permission::ReadCases), get(quality::list))
        .get("/quality/new", Needs(Permission::WriteCases), get(quality::new_form))
        .post("/quality/new", Needs(Permission::WriteCases), post(quality::create))
        .get("/quality/{id}", Needs(Permission::ReadCases), get(quality::show))
        .post("/quality/{id}", Needs(Permission::WriteCases), post(quality::update))
        .post("/reports/monthly/sign", Needs(Permission::ManageUnit), post(reporting::monthly::sign))
        .get("/admin/reimbursement-rules", Needs(Permission::ManageRules), get(economy::rules::list))
        .get("/admin/reimbursement-rules/{id}", Needs(Permission::ManageRules), get(economy::rules::edit_form))
        .post("/admin/reimbursement-rules/{id}", Needs(Permission::ManageRules), post(economy::rules::update))
        .post("/admin/reimbursement-rules/{id}/copy", Needs(Permission::ManageRules), post(economy::rules::copy))
        .post("/admin/price-base-amounts", Needs(Permission::ManageRules), post(economy::rules::set_price_base))
        .post("/notifications/{id}/read", SignedIn, post(crate::start::mark_read))
        .api(Public, routes!(crate::api::openapi_json))
        .api(SignedIn, routes!(access::api::me))
        .api(Needs(Permission::ManageUsers), routes!(access::api::users))
        .api(Needs(Permission::ReadAccessLog), routes!(access::api::access_log))
        .api(Needs(Permission::ReadAccessLog), routes!(access::api::verify))
        .api(Needs(Permission::ManageCofinancing), routes!(cofinancing::api::populations))
        .api(Needs(Permission::ManageCofinancing), routes!(cofinancing::api::apportionment))
        .api(Needs(Permission::ManageCofinancing), routes!(cofinancing::api::cost))
        .api(Needs(Permission::ManageCofinancing), routes!(cofinancing::api::table_check))
        .api(Needs(Permission::ManageCofinancing), routes!(cofinancing::api::agreements_list))
        .api(Needs(Permission::ManageCofinancing), routes!(cofinancing::api::agreement))
        .api(Needs(Permission::ManageCofinancing), routes!(cofinancing::api::withdrawal_preview))
        .api(Needs(Permission::ManageCofinancing), routes!(cofinancing::api::withdraw))
        .api(Needs(Permission::ManageCofinancing), routes!(cofinancing::api::invoices_list))
        .api(Needs(Permission::ManageCofinancing), routes!(cofinancing::api::invoices_generate))
        .api(Needs(Permission::ManageCofinancing), routes!(cofinancing::api::vacancy_refunds))
        .api(Needs(Permission::ReadCases), routes!(reception::api::households_list))
        .api(Needs(Permission::ReadCases), routes!(reception::api::person))
        .api(Needs(Permission::ManageEconomy), routes!(economy::api::reimbursable_calc))
        .api(Needs(Permission::ManageEconomy), routes!(economy::api::claims_list))
}

/// The whole application as a router, with its middleware.
pub fn router(state: AppState) -> Router {
    with_middleware(routes().router, state)
}

/// The middleware every request passes, around the given routes: the application's, or a
/// test's own.
pub fn with_middleware(routes: Router<AppState>, state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let security_headers =
        security::headers().into_iter().map(|(name, value)| SetResponseHeaderLayer::if_not_present(name, value));
    let mut router = routes
        .fallback(|| async { AppError::NotFound })
        // Innermost, so that a handler's panic becomes an error page or JSON body with the
        // request's id, rendered like any other error, and never drops the connection.
        .layer(CatchPanicLayer::custom(panic_as_error))
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(middleware::from_fn_with_state(state.clone(), render_errors));
    for layer in security_headers {
        router = router.layer(layer);
    }
    router
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn(set_aside_client_request_id))
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    // The path only: query strings may one day carry search words about persons.
                    TraceLayer::new_for_http()
                        .make_span_with(|req: &Request| {
                            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                            let client_id = req.extensions().get::<ClientRequestId>().map_or("-", |c| c.0.as_str());
                            tracing::info_span!("request", id, client_id, method = %req.method(), path = req.uri().path())
                        })
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(CompressionLayer::new())
                .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, state.config.request_timeout))
                .layer(DefaultBodyLimit::max(state.config.body_limit)),
        )
        .with_state(state)
}

/// A client's own id for its request, kept beside the server's when it is a short token of safe
/// characters (for following a request from a client's log into the server's).
#[derive(Clone)]
pub struct ClientRequestId(pub String);

/// The longest client request id kept.
const CLIENT_REQUEST_ID_MAX: usize = 64;

/// Takes a client's `X-Request-Id` out of the request, so that the server always makes its own
/// (which the access log and the server's log lines carry), and keeps the client's as a
/// [`ClientRequestId`] only if it is at most 64 letters, digits, dots, hyphens and underscores:
/// anything else (a 60 kB header, a formula, control characters) is dropped unread.
async fn set_aside_client_request_id(mut req: Request, next: Next) -> Response {
    if let Some(value) = req.headers_mut().remove("x-request-id") {
        let safe = value.to_str().ok().filter(|v| {
            (1..=CLIENT_REQUEST_ID_MAX).contains(&v.len())
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        });
        if let Some(id) = safe {
            let id = ClientRequestId(id.to_owned());
            req.extensions_mut().insert(id);
        }
    }
    next.run(req).await
}

/// Finds out who is asking (session cookie, or bearer token on the API) and puts the request's
/// context where handlers, guards and the error renderer find it.
async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let jar = CookieJar::from_headers(headers);
    let is_api = req.uri().path().starts_with("/api/");
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    let session_token = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
    let mut ctx = RequestContext {
        request_id: headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned(),
        client_address: client_address(&req, state.config.behind_proxy),
        locale: i18n::negotiate(headers),
        principal: None,
        session_expired: false,
        login_csrf: jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned()),
        at: state.config.clock.now(),
        https: state.config.secure_cookies,
    };
    let at = ctx.at;
    let mut forget_session = false;

    let found = match (bearer, session_token) {
        (Some(token), _) if is_api => match state.store.run(move |conn| tokens::authenticate(conn, &token, at)).await {
            Ok(Some((id, user))) => Ok(Some(Principal { user, credential: Credential::ApiToken { id } })),
            Ok(None) => Err(AppError::Unauthenticated),
            Err(e) => Err(e.into()),
        },
        (_, Some(token)) => {
            let limits = state.config.sessions;
            match state.store.run(move |conn| sessions::check(conn, &token, limits, at)).await {
                Ok(SessionCheck::Valid(s)) => Ok(Some(Principal {
                    user: s.user,
                    credential: Credential::Session { id: s.id, csrf_token: s.csrf_token },
                })),
                Ok(SessionCheck::Expired) => {
                    ctx.session_expired = true;
                    forget_session = true;
                    Ok(None)
                }
                Ok(SessionCheck::Unknown) => {
                    forget_session = true;
                    Ok(None)
                }
                Err(e) => Err(e.into()),
            }
        }
        _ => Ok(None),
    };
    match found {
        Ok(principal) => ctx.principal = principal,
        Err(e) => {
            let mut response = e.into_response();
            response.extensions_mut().insert(ctx);
            return response;
        }
    }

    req.extensions_mut().insert(ctx.clone());
    let mut response = next.run(req).await;
    if forget_session && !response.headers().contains_key(axum::http::header::SET_COOKIE) {
        security::set_cookie(&mut response, security::removal(SESSION_COOKIE, state.config.secure_cookies));
    }
    response.extensions_mut().insert(ctx);
    response
}

/// The client's address: the peer, or behind a proxy the last address the proxy added to
/// `X-Forwarded-For` (earlier entries are the client's own claims and cannot be trusted).
fn client_address(req: &Request, behind_proxy: bool) -> Option<String> {
    let forwarded = || {
        req.headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
            .last()
    };
    let peer = || req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let address = if behind_proxy { forwarded().or_else(peer) } else { peer() };
    address.map(|a| a.to_string())
}

/// Turns an [`AppError`] into a page or a JSON body in the request's language.
async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let path = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
    let locale = i18n::negotiate(req.headers());
    let response = next.run(req).await;
    let error = match response.extensions().get::<crate::error::ErrorMarker>() {
        Some(marker) => marker.0.clone(),
        None => return response,
    };
    let ctx = response
        .extensions()
        .get::<RequestContext>()
        .cloned()
        .unwrap_or_else(|| RequestContext::anonymous(locale, state.config.clock.now()));
    let cookies: Vec<_> = response.headers().get_all(axum::http::header::SET_COOKIE).iter().cloned().collect();
    let request_id = ctx.request_id.clone();
    match &*error {
        AppError::Internal(cause) => tracing::error!(request_id, cause, "internal error"),
        AppError::Unavailable(cause) => tracing::warn!(request_id, cause, "database busy or down"),
        _ => {}
    }
    let mut rendered = if is_api {
        crate::api::error_body(ctx.locale, &error, &request_id)
    } else {
        pages::error_page(ctx, &error, &path)
    };
    for cookie in cookies {
        rendered.headers_mut().append(axum::http::header::SET_COOKIE, cookie);
    }
    if matches!(&*error, AppError::Unavailable(_)) {
        // A busy pool frees within a second or two; a client that waits that long gets in.
        rendered.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
    }
    rendered
}

/// A panic in a handler: an internal error like any other. Its message goes to the log with the
/// request id (it may name values, never shown to the client).
fn panic_as_error(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    AppError::Internal(format!("panic: {message}")).into_response()
}

/// Health: 200 when the database answers, 503 when it does not.
#[utoipa::path(get, path = "/healthz", tag = "access",
    responses((status = 200, description = "`{\"status\":\"ok\",\"database\":\"sqlite\"|\"postgres\"}`"),
              (status = 503, description = "The database does not answer")))]
async fn health(State(state): State<AppState>) -> Response {
    let backend = state.store.backend().name();
    let ping = state
        .store
        .run(|conn| {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT 1").execute(conn)?;
            Ok(())
        })
        .await;
    match ping {
        Ok(()) => Json(serde_json::json!({ "status": "ok", "database": backend })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "unavailable", "database": backend })))
                .into_response()
        }
    }
}

/// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    serve_until(state, listener, shutdown_signal()).await
}

/// Serves until `stop` is ready. Requests in flight then have the configured grace to finish;
/// whatever is still open after it is closed, so that a stop never waits for ever.
pub async fn serve_until(
    state: AppState,
    listener: tokio::net::TcpListener,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    crate::notifications::notify_in_background(state.clone());
    crate::access::audit::checkpoint_in_background(state.clone());
    crate::access::culling::cull_in_background(state.clone());
    let (idle, grace) = (state.config.idle_timeout, state.config.shutdown_grace);
    let app = router(state);
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let stop = async move {
        stop.await;
        let _ = stopping.send(());
    };
    // No-op tap: it gives the listener the peer address as connect info.
    let listener = IdleClosing { inner: listener, idle }.tap_io(|_| {});
    let server = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(stop)
        .into_future();
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result,
        _ = stopped => {}
    }
    match tokio::time::timeout(grace, server).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!(seconds = grace.as_secs(), "shutdown: connections still open after the grace; closing them");
            Ok(())
        }
    }
}

/// A listener whose connections are closed after a silence of `idle`: a request header sent
/// half-way, or a kept-alive connection with nothing more to ask, does not hold a connection
/// (nor a stop) for ever. Longer than any request may take, as the server reads nothing while a
/// handler runs.
struct IdleClosing {
    inner: tokio::net::TcpListener,
    idle: std::time::Duration,
}

impl axum::serve::Listener for IdleClosing {
    type Io = std::pin::Pin<Box<tokio_io_timeout::TimeoutStream<tokio::net::TcpStream>>>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, address)) => {
                    let mut timed = tokio_io_timeout::TimeoutStream::new(stream);
                    timed.set_read_timeout(Some(self.idle));
                    return (Box::pin(timed), address);
                }
                // Out of file descriptors and the like: wait a little and go on, as axum does.
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
