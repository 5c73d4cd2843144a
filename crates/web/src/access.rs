//! The access area on the web: login and logout, users, API keys, the access log and its API.

pub mod account;
pub mod api;
pub mod audit;
pub mod culling;
pub mod extract;
pub mod locks;
pub mod login;
pub mod review;
pub mod sso;
pub mod tokens;
pub mod users;

use etablera_store::access::Scope;
use etablera_store::access::users::User;

/// Whose records the user may see, in every area.
pub fn scope(user: &User) -> Scope {
    Scope::of(user)
}
