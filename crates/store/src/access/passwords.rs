//! Password hashing with Argon2id (the `argon2` crate's defaults follow OWASP's advice).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 hashing cannot fail with default parameters")
        .to_string()
}

pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Spends the time a real verification takes, so that an unknown user name answers as slowly
/// as a wrong password.
pub fn verify_dummy(password: &str) {
    use std::sync::OnceLock;
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("etablera-dummy-password"));
    let _ = verify(password, dummy);
}

#[cfg(test)]
mod tests {
    #[test]
    fn verifies_only_the_right_password() {
        let stored = super::hash("rätt häst batteri häftklammer");
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify("rätt häst batteri häftklammer", &stored));
        assert!(!super::verify("fel", &stored));
        assert!(!super::verify("fel", "not a hash"));
    }
}
