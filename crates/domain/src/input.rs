//! Checking what a person typed or a file held: required and optional texts, dates, and the
//! error that names the field and says, by key in the catalogue, what to do.

use std::borrow::Cow;
use std::fmt;

use crate::text::Text;

/// Input that breaks a rule: which field (a form field's name, or a JSON path in an imported
/// file) and what to do, as a message of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: Cow<'static, str>,
    pub message: Text,
}

impl Invalid {
    pub fn new(field: impl Into<Cow<'static, str>>, message: Text) -> Invalid {
        Invalid { field: field.into(), message }
    }

    /// The same error one level down, for a path such as `households[0].persons[1].birth_date`.
    pub fn under(self, prefix: &str) -> Invalid {
        Invalid { field: Cow::Owned(format!("{prefix}.{}", self.field)), message: self.message }
    }
}

/// The field and the message in Swedish, for logs, the command line and tests.
impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A required text: trimmed, not empty, at most `max` characters. `what` names the text as
/// the message needs it ("förnamnet"), a message of its own such as `what-given-name`.
pub fn required_text(field: &'static str, text: &str, max: usize, what: Text) -> Result<String, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::new(field, Text::new("input-required").with_text("what", what)));
    }
    if text.chars().count() > max {
        return Err(Invalid::new(field, Text::new("input-too-long").with_text("what", what).with("max", max)));
    }
    Ok(text.to_owned())
}

/// An optional text: `None` when empty, at most `max` characters.
pub fn optional_text(
    field: &'static str,
    text: Option<&str>,
    max: usize,
    what: Text,
) -> Result<Option<String>, Invalid> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => required_text(field, t, max, what).map(Some),
    }
}

/// A date written YYYY-MM-DD.
pub fn date(field: &'static str, text: &str) -> Result<chrono::NaiveDate, Invalid> {
    crate::time::parse_date(text).ok_or_else(|| Invalid::new(field, Text::new("input-date")))
}

/// An optional date: `None` when empty.
pub fn optional_date(field: &'static str, text: Option<&str>) -> Result<Option<chrono::NaiveDate>, Invalid> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => date(field, t).map(Some),
    }
}

/// The text with its first letter in upper case.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A message in lower case without a full stop, as a sentence.
pub fn sentence(text: &str) -> String {
    let text = capitalise(text);
    if text.ends_with('.') { text } else { format!("{text}.") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_and_too_long_texts_name_what_to_write() {
        let e = required_text("given_name", " ", 100, Text::new("what-given-name")).unwrap_err();
        assert_eq!(e.message.swedish(), "Skriv förnamnet.");
        let e = required_text("given_name", &"a".repeat(101), 100, Text::new("what-given-name")).unwrap_err();
        assert_eq!(e.message.swedish(), "Förnamnet får ha högst 100 tecken.");
        let en = crate::text::catalog().say(crate::text::Locale::En, &e.message);
        assert_eq!(en, "The given name can have at most 100 characters.");
        assert_eq!(optional_text("x", Some("  "), 3, Text::new("what-given-name")), Ok(None));
    }

    #[test]
    fn a_date_is_written_as_in_the_example() {
        let e = date("start", "1 feb").unwrap_err();
        assert_eq!(e.message.swedish(), "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2024-02-01.");
        assert_eq!(optional_date("start", Some("")), Ok(None));
    }
}
