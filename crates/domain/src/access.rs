//! Who may do what: roles, permissions, passwords rules, and the access log's hash chain.

mod chain;
mod roles;

pub use chain::{AccessLogEntry, GENESIS_HASH, chain_hash};
pub use roles::{NotPersonal, Permission, Role, UnknownRole};

use crate::input::{Errors, Invalid};
use crate::municipality::MunicipalityCode;
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

/// A person's name as the access log and the pages show it: not empty, at most 200 characters.
pub fn check_display_name(name: &str) -> Result<String, Invalid> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Invalid::new("display_name", Text::new("user-name-needed")));
    }
    Ok(name.to_owned())
}

/// A work e-mail address when one is given.
pub fn check_optional_email(email: Option<&str>) -> Result<Option<String>, Invalid> {
    match email.map(str::trim) {
        None | Some("") => Ok(None),
        Some(e) => check_email(e).map(Some).map_err(|m| Invalid::new("email", m)),
    }
}

/// The unit a user belongs to when one is given: at most 200 characters.
pub fn check_unit(unit: Option<&str>) -> Result<Option<String>, Invalid> {
    match unit.map(str::trim) {
        None | Some("") => Ok(None),
        Some(u) if u.chars().count() <= 200 => Ok(Some(u.to_owned())),
        Some(_) => Err(Invalid::new("unit", Text::new("user-unit-too-long"))),
    }
}

/// A user to create: who, how they sign in, what they may do and for which municipalities.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<Role>,
    pub municipalities: Vec<MunicipalityCode>,
    pub unit: Option<String>,
    pub email: Option<String>,
}

/// A new user as the administrator types them: the roles as checkboxes, the municipalities'
/// codes separated by commas.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct UserForm {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<String>,
    pub municipalities: String,
    pub unit: String,
    pub email: String,
}

impl UserForm {
    /// Every field checked at once; whether the user name is taken is the store's to say.
    pub fn check(&self) -> Result<NewUser, Vec<Invalid>> {
        let mut errors = Errors::new();
        let username = self.username.trim();
        errors.keep(check_username(username).map_err(|m| Invalid::new("username", m)));
        let display_name = errors.keep(check_display_name(&self.display_name));
        errors.keep(check_new_password(&self.password).map_err(|m| Invalid::new("password", m)));
        let roles: Vec<Role> = self.roles.iter().filter_map(|r| Role::from_code(r.trim())).collect();
        if roles.is_empty() {
            errors.push(Invalid::new("roles", Text::new("user-roles-needed")));
        }
        let mut municipalities = Vec::new();
        for code in self.municipalities.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            match code.parse::<MunicipalityCode>() {
                Ok(parsed) => municipalities.push(parsed),
                Err(_) => {
                    errors.push(Invalid::new("municipalities", Text::new("users-bad-municipality").with("code", code)))
                }
            }
        }
        let unit = errors.keep(check_unit(Some(&self.unit)));
        if roles.contains(&Role::CaseWorker) && matches!(unit, Some(None)) {
            errors.push(Invalid::new("unit", Text::new("user-case-worker-unit")));
        }
        let email = errors.keep(check_optional_email(Some(&self.email)));
        errors.finish(|| {
            Some(NewUser {
                username: username.to_owned(),
                display_name: display_name?,
                password: self.password.clone(),
                roles,
                municipalities,
                unit: unit?,
                email: email?,
            })
        })
    }
}

/// An API key's name as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TokenForm {
    pub name: String,
}

impl TokenForm {
    pub fn check(&self) -> Result<TokenName, Vec<Invalid>> {
        TokenName::new(&self.name).map_err(|e| vec![e])
    }
}

/// An API key's name, checked: trimmed, not empty, at most 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    pub fn new(name: &str) -> Result<TokenName, Invalid> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Invalid::new("name", Text::new("token-name-needed")));
        }
        Ok(TokenName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
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

    #[test]
    fn a_token_is_named_in_at_most_100_characters() {
        assert_eq!(TokenForm { name: " Ekonomisystemet ".into() }.check().unwrap().as_str(), "Ekonomisystemet");
        assert!(TokenName::new(&"x".repeat(100)).is_ok());
        for bad in ["", "   ", &"x".repeat(101)] {
            let errors = TokenForm { name: bad.into() }.check().unwrap_err();
            assert_eq!(errors.iter().map(|e| e.field.as_ref()).collect::<Vec<_>>(), ["name"], "{bad}");
        }
    }

    #[test]
    fn a_new_user_names_every_wrong_field_at_once() {
        let form = UserForm {
            username: "Jan Demo".into(),
            roles: vec!["case_worker".into()],
            municipalities: "0117, 9999".into(),
            email: "jan@".into(),
            ..Default::default()
        };
        let fields: Vec<String> = form.check().unwrap_err().into_iter().map(|e| e.field.into_owned()).collect();
        assert_eq!(fields, ["username", "display_name", "password", "municipalities", "unit", "email"]);
        let good = UserForm {
            username: " jan ".into(),
            display_name: "Jan Demo".into(),
            password: "en lång lösenfras".into(),
            roles: vec!["unit_manager".into(), "okänd".into()],
            municipalities: "0117".into(),
            ..Default::default()
        };
        let user = good.check().unwrap();
        assert_eq!((user.username.as_str(), user.roles.len(), user.unit), ("jan", 1, None));
    }
}
