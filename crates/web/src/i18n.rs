//! The interface's words: Project Fluent catalogues, Swedish complete and English second.

use std::sync::Arc;

use axum::http::HeaderMap;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

const SWEDISH: &str = include_str!("../locales/sv.ftl");
const ENGLISH: &str = include_str!("../locales/en.ftl");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    Sv,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Sv => "sv",
            Locale::En => "en",
        }
    }

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
}

pub struct Catalog {
    sv: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(locale: &str, source: &str) -> FluentBundle<FluentResource> {
    let resource = FluentResource::try_new(source.to_owned()).expect("the built-in catalogue parses");
    let mut bundle = FluentBundle::new_concurrent(vec![locale.parse().expect("a valid language tag")]);
    // Unicode isolation marks would show up in copied text and in tests; the values are ours.
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).expect("no duplicate messages in the built-in catalogue");
    bundle
}

impl Catalog {
    pub fn new() -> Catalog {
        Catalog { sv: bundle("sv", SWEDISH), en: bundle("en", ENGLISH) }
    }

    fn bundle(&self, locale: Locale) -> &FluentBundle<FluentResource> {
        match locale {
            Locale::Sv => &self.sv,
            Locale::En => &self.en,
        }
    }

    /// The message, or its key when it is missing (a test makes sure none is).
    pub fn text(&self, locale: Locale, key: &str, args: &[(&str, String)]) -> String {
        let bundle = self.bundle(locale);
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, locale = locale.code(), "missing catalogue message");
            return key.to_owned();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned()
    }

    /// The message ids of a catalogue, for the test that both are complete.
    pub fn keys(locale: Locale) -> Vec<String> {
        let source = match locale {
            Locale::Sv => SWEDISH,
            Locale::En => ENGLISH,
        };
        let mut keys: Vec<String> = source
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_owned()))
            .collect();
        keys.sort();
        keys
    }
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::new()
    }
}

/// The catalogue in one locale, as templates use it.
#[derive(Clone)]
pub struct Tr {
    catalog: Arc<Catalog>,
    pub locale: Locale,
}

impl Tr {
    pub fn new(catalog: Arc<Catalog>, locale: Locale) -> Tr {
        Tr { catalog, locale }
    }

    pub fn get(&self, key: &str) -> String {
        self.catalog.text(self.locale, key, &[])
    }

    pub fn with(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.catalog.text(self.locale, key, &[(name, value.to_string())])
    }

    pub fn text(&self, key: &str, args: &[(&str, String)]) -> String {
        self.catalog.text(self.locale, key, args)
    }

    pub fn role(&self, role: &etablera_domain::access::Role) -> String {
        self.get(&format!("role-{}", role.code()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_messages() {
        assert_eq!(Catalog::keys(Locale::Sv), Catalog::keys(Locale::En));
        assert!(Catalog::keys(Locale::Sv).len() > 100);
    }

    #[test]
    fn every_role_has_a_name_in_both_languages() {
        let catalog = Arc::new(Catalog::new());
        for locale in [Locale::Sv, Locale::En] {
            let tr = Tr::new(catalog.clone(), locale);
            for role in etablera_domain::access::Role::ALL {
                assert!(!tr.role(&role).starts_with("role-"));
            }
        }
    }

    #[test]
    fn arguments_are_filled_in() {
        let tr = Tr::new(Arc::new(Catalog::new()), Locale::Sv);
        assert_eq!(tr.with("start-welcome", "name", "Anna"), "Välkommen, Anna");
    }

    #[test]
    fn swedish_unless_english_comes_first() {
        let mut headers = HeaderMap::new();
        assert_eq!(Locale::negotiate(&headers), Locale::Sv);
        headers.insert("accept-language", "en-GB,en;q=0.9,sv;q=0.8".parse().unwrap());
        assert_eq!(Locale::negotiate(&headers), Locale::En);
        headers.insert("accept-language", "sv-SE,en;q=0.5".parse().unwrap());
        assert_eq!(Locale::negotiate(&headers), Locale::Sv);
    }
}
