//! A bare axum handler on the same runtime as Etablera's server: the ceiling that a page's
//! requests per second are compared with (`scripts/bench-page`, docs/performance.md). `GET /`
//! answers a short text and does nothing else.
//!
//! Given a database, `GET /session` checks the session cookie as every page does, and
//! `GET /logged` does the least that any page showing personal data must do and nothing more:
//! it checks the session and appends the reading's row to the access log, each in its own
//! transaction, through the store's own functions. Both answer the same short text. They are the
//! floors under every page and every logged page: no rendering, no reading of casework.
//!
//! Usage: `cargo run --release -p etablera-web --example bare -- 127.0.0.1:PORT [DATABASE_URL]`

use axum::http::{HeaderMap, StatusCode};
use etablera_store::access::Actor;
use etablera_store::access::log::{self, Action, Record, RecordKind};
use etablera_store::access::sessions::{self, SessionCheck, SessionLimits};
use etablera_store::{DatabaseUrl, Store};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listen = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8090".to_owned());
    let mut app = axum::Router::new().route("/", axum::routing::get(|| async { "Etablera" }));
    if let Some(url) = std::env::args().nth(2) {
        let store = Store::open_without_migrating(&DatabaseUrl::parse(&url)?)?;
        let (for_session, for_logged) = (store.clone(), store);
        app = app
            .route("/session", axum::routing::get(move |headers: HeaderMap| session(for_session.clone(), headers)))
            .route("/logged", axum::routing::get(move |headers: HeaderMap| logged(for_logged.clone(), headers)));
    }
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    Ok(axum::serve(listener, app).await?)
}

async fn session(store: Store, headers: HeaderMap) -> Result<&'static str, StatusCode> {
    check(&store, &headers).await?;
    Ok("Etablera")
}

async fn logged(store: Store, headers: HeaderMap) -> Result<&'static str, StatusCode> {
    let actor = check(&store, &headers).await?;
    let record = Record::all(RecordKind::Household);
    store
        .run(move |conn| log::record(conn, &actor, Action::Read, &record))
        .await
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    Ok("Etablera")
}

/// The session behind the cookie, as the server's middleware finds it.
async fn check(store: &Store, headers: &HeaderMap) -> Result<Actor, StatusCode> {
    let token = headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split("; ").find_map(|kv| kv.strip_prefix("etablera_session=")))
        .ok_or(StatusCode::UNAUTHORIZED)?
        .to_owned();
    let at = chrono::Utc::now().naive_utc();
    let check = store.run(move |conn| sessions::check(conn, &token, SessionLimits::default(), at));
    let SessionCheck::Valid(session) = check.await.map_err(|_| StatusCode::SERVICE_UNAVAILABLE)? else {
        return Err(StatusCode::UNAUTHORIZED);
    };
    Ok(Actor { user_id: Some(session.user.id), request_id: None, client_address: None, at })
}
