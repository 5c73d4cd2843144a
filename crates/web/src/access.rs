//! The access area on the web: login and logout, users, API keys, the access log and its API.

pub mod api;
pub mod audit;
pub mod login;
pub mod tokens;
pub mod users;
