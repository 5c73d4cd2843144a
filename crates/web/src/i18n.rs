//! The interface's words in the request's language: the domain's catalogue, chosen by the
//! browser's Accept-Language, and `Tr` as the templates use it.

use axum::http::HeaderMap;
pub use etablera_domain::text::{Locale, Text, catalog};

/// Swedish unless the browser puts English first.
pub fn negotiate(headers: &HeaderMap) -> Locale {
    let first = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|tag| tag.trim().to_ascii_lowercase());
    match first {
        Some(tag) if tag.starts_with("en") => Locale::En,
        _ => Locale::Sv,
    }
}

/// The catalogue in one locale, as templates use it.
#[derive(Clone, Copy)]
pub struct Tr {
    pub locale: Locale,
}

impl Tr {
    pub fn new(locale: Locale) -> Tr {
        Tr { locale }
    }

    pub fn get(&self, key: &str) -> String {
        catalog().text(self.locale, key, &[])
    }

    pub fn with(&self, key: &str, name: &str, value: impl ToString) -> String {
        catalog().text(self.locale, key, &[(name, value.to_string())])
    }

    pub fn text(&self, key: &str, args: &[(&str, String)]) -> String {
        catalog().text(self.locale, key, args)
    }

    /// What the domain or the store asks to tell the person.
    pub fn say(&self, text: &Text) -> String {
        catalog().say(self.locale, text)
    }

    pub fn role(&self, role: &etablera_domain::access::Role) -> String {
        self.get(&format!("role-{}", role.code()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_a_name_in_both_languages() {
        for locale in [Locale::Sv, Locale::En] {
            let tr = Tr::new(locale);
            for role in etablera_domain::access::Role::ALL {
                assert!(!tr.role(role).starts_with("role-"));
            }
        }
    }

    #[test]
    fn every_kind_of_logged_record_and_every_action_has_a_name_in_both_languages() {
        use etablera_store::access::log::{Action, RecordKind};
        for locale in [Locale::Sv, Locale::En] {
            let tr = Tr::new(locale);
            for kind in RecordKind::ALL {
                let key = format!("record-kind-{}", kind.code());
                assert_ne!(tr.get(&key), key, "{locale:?}");
            }
            for action in Action::ALL {
                let key = format!("action-{}", action.code());
                assert_ne!(tr.get(&key), key, "{locale:?}");
            }
        }
    }

    #[test]
    fn swedish_unless_english_comes_first() {
        let mut headers = HeaderMap::new();
        assert_eq!(negotiate(&headers), Locale::Sv);
        headers.insert("accept-language", "en-GB,en;q=0.9,sv;q=0.8".parse().unwrap());
        assert_eq!(negotiate(&headers), Locale::En);
        headers.insert("accept-language", "sv-SE,en;q=0.5".parse().unwrap());
        assert_eq!(negotiate(&headers), Locale::Sv);
    }
}
