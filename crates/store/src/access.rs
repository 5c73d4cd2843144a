//! Users, roles, sessions, API tokens, login throttling and the access log.

pub mod log;
pub mod passwords;
mod scope;
pub mod sessions;
pub mod tokens;
pub mod users;

pub use scope::Scope;

/// Who is acting, for the access log: the user (when known), the request and the address.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i32>,
    pub request_id: Option<String>,
    pub client_address: Option<String>,
}

impl Actor {
    /// The command line, run by a person at the server: no user account, no request.
    pub fn command_line() -> Actor {
        Actor { user_id: None, request_id: None, client_address: Some("cli".to_owned()) }
    }

    pub fn user(&self, user_id: i32) -> Actor {
        Actor { user_id: Some(user_id), ..self.clone() }
    }
}

/// A random token, hex encoded, from the operating system's generator.
pub fn random_token(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// Tokens are stored as their SHA-256: a copy of the database gives no usable token.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}
