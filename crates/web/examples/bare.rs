//! A bare axum handler on the same runtime as Etablera's server: the ceiling that a page's
//! requests per second are compared with (`scripts/bench-page`, docs/performance.md). It answers
//! `GET /` with a short text and does nothing else.
//!
//! Usage: `cargo run --release -p etablera-web --example bare -- 127.0.0.1:PORT`

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listen = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8090".to_owned());
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "Etablera" }));
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    axum::serve(listener, app).await
}
