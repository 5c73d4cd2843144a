//! Who may do what: roles, permissions, passwords rules, and the access log's hash chain.

mod chain;
pub mod checkpoint;
pub mod culling;
mod passwords;
pub mod review;
mod roles;
pub mod sso;
pub mod throttle;

pub use chain::{AccessLogEntry, GENESIS_HASH, chain_hash};
pub use passwords::{MIN_PASSWORD_LENGTH, check_new_password};
pub use roles::{NotPersonal, Permission, Role, UnknownRole};

use crate::input::{Errors, Invalid};
use crate::municipality::MunicipalityCode;
use crate::text::Text;

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
        let grants = check_grants(&mut errors, &self.roles, &self.municipalities, &self.unit, &self.email);
        errors.finish(|| {
            let (roles, municipalities, unit, email) = grants?;
            Some(NewUser {
                username: username.to_owned(),
                display_name: display_name?,
                password: self.password.clone(),
                roles,
                municipalities,
                unit,
                email,
            })
        })
    }
}

type CheckedGrants = (Vec<Role>, Vec<MunicipalityCode>, Option<String>, Option<String>);

/// What a user may do and where, as the administrator types it (for a new user and an edited
/// one alike): roles, municipalities, unit and e-mail.
fn check_grants(
    errors: &mut Errors,
    roles: &[String],
    municipalities: &str,
    unit: &str,
    email: &str,
) -> Option<CheckedGrants> {
    let roles: Vec<Role> = roles.iter().filter_map(|r| Role::from_code(r.trim())).collect();
    if roles.is_empty() {
        errors.push(Invalid::new("roles", Text::new("user-roles-needed")));
    }
    let mut codes = Vec::new();
    for code in municipalities.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        match code.parse::<MunicipalityCode>() {
            Ok(parsed) if !codes.contains(&parsed) => codes.push(parsed),
            Ok(_) => {}
            Err(_) => {
                errors.push(Invalid::new("municipalities", Text::new("users-bad-municipality").with("code", code)))
            }
        }
    }
    let unit = errors.keep(check_unit(Some(unit)));
    if roles.contains(&Role::CaseWorker) && matches!(unit, Some(None)) {
        errors.push(Invalid::new("unit", Text::new("user-case-worker-unit")));
    }
    let email = errors.keep(check_optional_email(Some(email)));
    Some((roles, codes, unit?, email?))
}

/// A user's details after the administrator's edit: everything but the user name (which the
/// access log names them by) and the password (which has its own form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserChange {
    pub display_name: String,
    pub roles: Vec<Role>,
    pub municipalities: Vec<MunicipalityCode>,
    pub unit: Option<String>,
    pub email: Option<String>,
    /// The login id at the identity provider (the configured claim's value); none: no login
    /// through the provider.
    pub sso_id: Option<String>,
}

/// An existing user as the administrator edits them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct UserEditForm {
    pub display_name: String,
    pub roles: Vec<String>,
    pub municipalities: String,
    pub unit: String,
    pub email: String,
    pub sso_id: String,
}

/// A login id at the identity provider: whatever the provider's claim holds, kept to one line.
fn check_sso_id(text: &str) -> Result<Option<String>, Text> {
    let text = text.trim();
    if text.len() > 255 || text.chars().any(char::is_control) {
        return Err(Text::new("users-sso-id-format"));
    }
    Ok(Some(text.to_owned()).filter(|t| !t.is_empty()))
}

impl UserEditForm {
    pub fn check(&self) -> Result<UserChange, Vec<Invalid>> {
        let mut errors = Errors::new();
        let display_name = errors.keep(check_display_name(&self.display_name));
        let grants = check_grants(&mut errors, &self.roles, &self.municipalities, &self.unit, &self.email);
        let sso_id = errors.keep(check_sso_id(&self.sso_id).map_err(|e| Invalid::new("sso_id", e)));
        errors.finish(|| {
            let (roles, municipalities, unit, email) = grants?;
            Some(UserChange { display_name: display_name?, roles, municipalities, unit, email, sso_id: sso_id? })
        })
    }
}

/// A password the administrator sets for someone who has forgotten theirs.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PasswordResetForm {
    pub password: String,
}

impl PasswordResetForm {
    pub fn check(&self) -> Result<String, Vec<Invalid>> {
        check_new_password(&self.password)
            .map(|()| self.password.clone())
            .map_err(|m| vec![Invalid::new("password", m)])
    }
}

/// A user changing their own password: the current one proves it is them, the new one twice.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PasswordChangeForm {
    pub current_password: String,
    pub new_password: String,
    pub repeat_password: String,
}

/// A checked change of one's own password; whether the current one is right is the store's to say.
#[derive(Debug, Clone)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

impl PasswordChangeForm {
    pub fn check(&self) -> Result<PasswordChange, Vec<Invalid>> {
        let mut errors = Errors::new();
        if self.current_password.is_empty() {
            errors.push(Invalid::new("current_password", Text::new("account-current-needed")));
        }
        errors.keep(check_new_password(&self.new_password).map_err(|m| Invalid::new("new_password", m)));
        if self.repeat_password != self.new_password {
            errors.push(Invalid::new("repeat_password", Text::new("account-repeat-differs")));
        } else if !self.current_password.is_empty() && self.new_password == self.current_password {
            errors.push(Invalid::new("new_password", Text::new("account-same-password")));
        }
        errors
            .finish(|| Some(PasswordChange { current: self.current_password.clone(), new: self.new_password.clone() }))
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

    #[test]
    fn an_edited_user_keeps_each_municipality_once_and_names_every_error() {
        let edit = UserEditForm {
            display_name: " Jan ".into(),
            roles: vec!["committee".into()],
            municipalities: "0117, 0117,0586".into(),
            ..Default::default()
        };
        let change = edit.check().unwrap();
        assert_eq!(change.display_name, "Jan");
        assert_eq!(change.municipalities.len(), 2);
        let bad = UserEditForm { roles: vec!["case_worker".into()], email: "x".into(), ..Default::default() };
        let fields: Vec<String> = bad.check().unwrap_err().into_iter().map(|e| e.field.into_owned()).collect();
        assert_eq!(fields, ["display_name", "unit", "email"]);
    }

    #[test]
    fn a_new_password_is_typed_twice_and_differs_from_the_current_one() {
        let form = |current: &str, new: &str, repeat: &str| PasswordChangeForm {
            current_password: current.into(),
            new_password: new.into(),
            repeat_password: repeat.into(),
        };
        assert!(form("gammal fras här", "en ny lång fras", "en ny lång fras").check().is_ok());
        let fields = |f: PasswordChangeForm| -> Vec<String> {
            f.check().unwrap_err().into_iter().map(|e| e.field.into_owned()).collect()
        };
        assert_eq!(fields(form("", "kort", "annan")), ["current_password", "new_password", "repeat_password"]);
        assert_eq!(fields(form("en ny lång fras", "en ny lång fras", "en ny lång fras")), ["new_password"]);
    }
}
