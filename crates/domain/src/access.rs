//! Who may do what: roles, permissions, passwords rules, and the access log's hash chain.

mod chain;
mod roles;

pub use chain::{AccessLogEntry, GENESIS_HASH, chain_hash};
pub use roles::{NotPersonal, Permission, Role, UnknownRole};

use crate::text::Text;

/// The shortest password a person may choose. Long passphrases beat complexity rules (NIST SP 800-63B).
pub const MIN_PASSWORD_LENGTH: usize = 12;

/// Checks a new password against the rules; the message is shown to the person choosing it.
pub fn check_new_password(password: &str) -> Result<(), Text> {
    if password.chars().count() < MIN_PASSWORD_LENGTH {
        return Err(Text::new("password-too-short").with("min", MIN_PASSWORD_LENGTH));
    }
    if password.trim().is_empty() {
        return Err(Text::new("password-blank"));
    }
    Ok(())
}

/// Checks a user name: what people type to log in, and what the access log shows as the actor.
pub fn check_username(username: &str) -> Result<(), Text> {
    let ok_len = (2..=64).contains(&username.len());
    let ok_chars =
        username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if ok_len && ok_chars { Ok(()) } else { Err(Text::new("username-format")) }
}

/// Checks a work e-mail address for notifications: one `@` with text on both sides, a dot in the
/// domain, no spaces. Delivery is what proves an address; this catches typing mistakes.
pub fn check_email(email: &str) -> Result<String, Text> {
    let email = email.trim();
    let ok = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
                && email.len() <= 254
        }
        None => false,
    };
    if ok { Ok(email.to_owned()) } else { Err(Text::new("email-format")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_rules() {
        assert_eq!(check_email(" anna@osteraker.se ").unwrap(), "anna@osteraker.se");
        for bad in ["anna", "anna@", "@osteraker.se", "anna@osteraker", "anna svensson@osteraker.se", "a@b@c.se"] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn password_rules() {
        assert!(check_new_password("kort").is_err());
        assert!(check_new_password("            ").is_err());
        assert!(check_new_password("en lång lösenfras").is_ok());
    }

    #[test]
    fn username_rules() {
        assert!(check_username("anna.svensson").is_ok());
        assert!(check_username("Anna").is_err());
        assert!(check_username("a").is_err());
        assert!(check_username("anna svensson").is_err());
    }
}
