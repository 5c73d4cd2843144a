//! Words for people. Rules and the store say *what* to tell a person as a [`Text`] (a message
//! of the Project Fluent catalogue and its arguments); the page, the file or the command line
//! says it in the reader's language. Swedish is complete, English second.

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

const SWEDISH: &str = include_str!("../locales/sv.ftl");
const ENGLISH: &str = include_str!("../locales/en.ftl");

/// A message to show a person: its key in the catalogue and the values it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub key: Cow<'static, str>,
    pub args: Vec<(&'static str, Arg)>,
}

/// A value in a message: figures and names as written, or a message of its own, said in the
/// same language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Value(String),
    Text(Text),
}

impl Text {
    pub fn new(key: impl Into<Cow<'static, str>>) -> Text {
        Text { key: key.into(), args: Vec::new() }
    }

    /// The same message with one more value filled in.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Text {
        self.args.push((name, Arg::Value(value.to_string())));
        self
    }

    /// The same message with a message of its own filled in.
    pub fn with_text(mut self, name: &'static str, text: Text) -> Text {
        self.args.push((name, Arg::Text(text)));
        self
    }

    /// The message as a sentence of its own: the first letter in upper case and a full stop.
    /// Rules' errors are phrases ("en kommunkod har fyra siffror") that a line of an import
    /// report or the command line shows as they are, and a form as a sentence.
    pub fn sentence(self) -> Text {
        Text::new("sentence").with_text("text", self)
    }

    /// The message with its first letter in upper case, as the start of a line.
    pub fn capitalised(self) -> Text {
        Text::new("capitalised").with_text("text", self)
    }

    /// In Swedish: for the command line, logs of a person's own actions and tests.
    pub fn swedish(&self) -> String {
        catalog().say(Locale::Sv, self)
    }
}

/// A `Text` prints in Swedish, the language of the interface.
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.swedish())
    }
}

crate::coded! {
    /// The interface's languages: Swedish first, English second.
    pub enum Locale {
        Sv = "sv",
        En = "en",
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
    // `{ CAPITALISE($what) }`: a noun phrase of its own message at the start of a sentence.
    bundle
        .add_function("CAPITALISE", |positional, _named| match positional.first() {
            Some(FluentValue::String(text)) => FluentValue::String(crate::input::capitalise(text).into()),
            Some(other) => other.clone(),
            None => FluentValue::None,
        })
        .expect("one function of that name");
    bundle.add_resource(resource).expect("no duplicate messages in the built-in catalogue");
    bundle
}

/// The built-in catalogue, parsed once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::new);
    &CATALOG
}

impl Catalog {
    fn new() -> Catalog {
        Catalog { sv: bundle("sv", SWEDISH), en: bundle("en", ENGLISH) }
    }

    fn bundle(&self, locale: Locale) -> &FluentBundle<FluentResource> {
        match locale {
            Locale::Sv => &self.sv,
            Locale::En => &self.en,
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.sv.has_message(key) && self.en.has_message(key)
    }

    /// The message, or its key when it is missing (a test makes sure none is).
    pub fn text(&self, locale: Locale, key: &str, args: &[(&str, String)]) -> String {
        let bundle = self.bundle(locale);
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_owned();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned()
    }

    pub fn say(&self, locale: Locale, text: &Text) -> String {
        let args: Vec<(&str, String)> = text
            .args
            .iter()
            .map(|(name, arg)| match arg {
                Arg::Value(value) => (*name, value.clone()),
                Arg::Text(inner) => (*name, self.say(locale, inner)),
            })
            .collect();
        self.text(locale, &text.key, &args)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_messages() {
        assert_eq!(Catalog::keys(Locale::Sv), Catalog::keys(Locale::En));
        assert!(Catalog::keys(Locale::Sv).len() > 100);
    }

    /// The message keys written as literals in the crates that say things to people:
    /// `Text::new("key")`, and the arms of `Text::new(match … { … => "key", … })`.
    fn keys_in_source(text: &str) -> Vec<String> {
        fn literal_at(text: &str) -> Option<&str> {
            let rest = text.trim_start().strip_prefix('"')?;
            rest.find('"').map(|end| &rest[..end])
        }
        let mut keys = Vec::new();
        for (at, _) in text.match_indices("Text::new(") {
            let after = &text[at + "Text::new(".len()..];
            if let Some(key) = literal_at(after) {
                keys.push(key.to_owned());
            } else if after.trim_start().starts_with("match ") {
                // The match's arms, up to the parenthesis that closes `Text::new(`.
                let mut depth = 1;
                let end = after
                    .char_indices()
                    .find(|&(_, c)| {
                        depth += match c {
                            '(' => 1,
                            ')' => -1,
                            _ => 0,
                        };
                        depth == 0
                    })
                    .map_or(after.len(), |(i, _)| i);
                for (arm, _) in after[..end].match_indices("=>") {
                    if let Some(key) = literal_at(&after[arm + 2..end]) {
                        keys.push(key.to_owned());
                    }
                }
            }
        }
        keys
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("a source directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_key_written_in_the_source_is_in_both_catalogues() {
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for name in ["domain", "store", "web", "reports"] {
            rust_files(&crates.join(name).join("src"), &mut files);
        }
        let mut found = 0;
        let mut missing = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).expect("a readable source file");
            // A file's own tests may make up keys (this one's do).
            let text = text.split("\n#[cfg(test)]\nmod tests {").next().unwrap_or_default();
            for key in keys_in_source(text) {
                found += 1;
                if !catalog().has(&key) {
                    missing.push(format!("{}: {key}", file.display()));
                }
            }
        }
        assert!(found > 100, "the scan finds the keys ({found})");
        assert!(missing.is_empty(), "keys missing from a catalogue:\n{}", missing.join("\n"));
    }

    #[test]
    fn the_scan_finds_plain_keys_and_the_arms_of_a_match() {
        let source =
            r#"Text::new("one").with("x", 1); Text::new(match self { A => "two", B(_) => "three" }); Text::new(key)"#;
        assert_eq!(keys_in_source(source), ["one", "two", "three"]);
    }

    #[test]
    fn a_rules_phrase_is_said_as_it_is_or_as_a_sentence() {
        let phrase = crate::municipality::MunicipalityCodeError::Unknown("0100".into()).text();
        assert_eq!(phrase.swedish(), "det finns ingen kommun med koden 0100");
        assert_eq!(phrase.clone().sentence().swedish(), "Det finns ingen kommun med koden 0100.");
        assert_eq!(
            catalog().say(Locale::En, &phrase.clone().sentence()),
            "There is no municipality with the code 0100."
        );
        let line = crate::cofinancing::population::LineError::new(3, phrase);
        assert_eq!(line.to_string(), "rad 3: det finns ingen kommun med koden 0100");
        assert_eq!(line.text().capitalised().swedish(), "Rad 3: det finns ingen kommun med koden 0100");
        assert_eq!(catalog().say(Locale::En, &line.text()), "line 3: there is no municipality with the code 0100");
    }

    #[test]
    fn arguments_are_filled_in() {
        assert_eq!(Text::new("start-welcome").with("name", "Anna").swedish(), "Välkommen, Anna");
        assert_eq!(catalog().say(Locale::En, &Text::new("start-welcome").with("name", "Anna")), "Welcome, Anna");
        let nested = Text::new("start-welcome").with_text("name", Text::new("role-admin"));
        assert_eq!(catalog().say(Locale::En, &nested), "Welcome, System administrator");
    }
}
