//! Etablera's web interface and JSON API: pages in Swedish (askama, htmx), `/api/v1` with its
//! OpenAPI document, login, sessions, CSRF protection and permission checks.

pub mod access;
mod agreements;
mod api;
mod app;
pub mod cofinancing;
mod config;
mod context;
mod documents;
mod economy;
mod error;
mod forms;
mod i18n;
mod listing;
pub mod mail;
pub mod notifications;
mod pages;
mod quality;
pub mod reception;
pub mod reporting;
pub mod routes;
mod security;
mod start;

pub use api::openapi;
pub use app::{AppState, router, serve, serve_until, with_middleware};
pub use config::{MailConfig, SsoConfig, WebConfig};
pub use i18n::{Locale, Tr};
