//! Reception and establishment casework: the rules of issue 4 that need no database.

pub mod exchange;
pub mod first_contact;
pub mod housing;
pub mod person;
pub mod plan;
pub mod target_group;
pub mod tasks;

use std::borrow::Cow;
use std::fmt;

/// Input that breaks a rule: which field (a form field's name, or a JSON path in an imported
/// file) and what to do, in Swedish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: Cow<'static, str>,
    pub message: String,
}

impl Invalid {
    pub fn new(field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Invalid {
        Invalid { field: field.into(), message: message.into() }
    }

    /// The same error one level down, for a path such as `households[0].persons[1].birth_date`.
    pub fn under(self, prefix: &str) -> Invalid {
        Invalid { field: Cow::Owned(format!("{prefix}.{}", self.field)), message: self.message }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A required text: trimmed, not empty, at most `max` characters.
pub fn required_text(field: &'static str, text: &str, max: usize, what: &str) -> Result<String, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::new(field, format!("Skriv {what}.")));
    }
    if text.chars().count() > max {
        return Err(Invalid::new(field, format!("{} får ha högst {max} tecken.", capitalise(what))));
    }
    Ok(text.to_owned())
}

/// An optional text: `None` when empty, at most `max` characters.
pub fn optional_text(
    field: &'static str,
    text: Option<&str>,
    max: usize,
    what: &str,
) -> Result<Option<String>, Invalid> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => required_text(field, t, max, what).map(Some),
    }
}

/// A date written YYYY-MM-DD.
pub fn date(field: &'static str, text: &str) -> Result<chrono::NaiveDate, Invalid> {
    crate::time::parse_date(text)
        .ok_or_else(|| Invalid::new(field, "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2024-02-01."))
}

/// An optional date: `None` when empty.
pub fn optional_date(field: &'static str, text: Option<&str>) -> Result<Option<chrono::NaiveDate>, Invalid> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => date(field, t).map(Some),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A domain message (lower case, no full stop) as a sentence.
pub fn sentence(text: &str) -> String {
    let text = capitalise(text);
    if text.ends_with('.') { text } else { format!("{text}.") }
}
