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

/// A date written YYYY-MM-DD. The message names the date by its field, so that a form with
/// several dates says which one is wrong.
pub fn date(field: &'static str, text: &str) -> Result<chrono::NaiveDate, Invalid> {
    crate::time::parse_date(text)
        .ok_or_else(|| Invalid::new(field, Text::new("input-date").with_text("what", date_named(field))))
}

/// A date field's name as the messages say it ("startdatumet"); a path such as
/// `move_out.notice_date` by its last part.
fn date_named(field: &str) -> Text {
    let name = field.rsplit('.').next().unwrap_or(field);
    Text::new(match name {
        "start" | "start_date" => "what-start-date",
        "end" | "end_date" => "what-end-date",
        "placement_date" => "what-placement-date",
        "expected_reception_date" => "what-expected-reception-date",
        "reception_date" => "what-reception-date",
        "birth_date" => "what-birth-date",
        "signed_on" => "what-signed-on",
        "exit_date" => "what-exit-date",
        "returned_on" => "what-returned-on",
        "effective_from" => "what-effective-from",
        "valid_from" => "what-valid-from",
        "valid_to" => "what-valid-to",
        "received_on" => "what-received-on",
        "closed_on" => "what-closed-on",
        "period_start" => "what-period-start",
        "period_end" => "what-period-end",
        "notice_date" => "what-notice-date",
        "keys_returned_on" => "what-keys-returned-on",
        "inspection_on" => "what-inspection-on",
        "contract_start" => "what-contract-start",
        "contract_end" => "what-contract-end",
        "due_date" => "what-due-date",
        "done_on" => "what-done-on",
        "from" => "what-from",
        _ => "what-date",
    })
}

/// An optional date: `None` when empty.
pub fn optional_date(field: &'static str, text: Option<&str>) -> Result<Option<chrono::NaiveDate>, Invalid> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => date(field, t).map(Some),
    }
}

/// A whole number, 0 and up, when one is written; `message` says how to write it.
pub fn optional_number(field: &'static str, text: &str, message: Text) -> Result<Option<u32>, Invalid> {
    match text.trim() {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| Invalid::new(field, message)),
    }
}

/// A year of the work written with four digits, 2000 to 2100.
pub fn year(field: &'static str, text: &str) -> Result<crate::time::Year, Invalid> {
    let text = text.trim();
    if text.len() != 4 || text.parse::<i32>().is_err() {
        return Err(Invalid::new(field, Text::new("year-four-digits")));
    }
    text.parse().map_err(|_| Invalid::new(field, Text::new("year-range")))
}

/// An amount in kronor ("39 500", "39 500,50").
pub fn money(field: &'static str, text: &str) -> Result<crate::money::Money, Invalid> {
    crate::money::Money::parse_kr(text).map_err(|e| Invalid::new(field, e.text().sentence()))
}

/// An amount in kronor when one is written.
pub fn optional_money(field: &'static str, text: &str) -> Result<Option<crate::money::Money>, Invalid> {
    if text.trim().is_empty() { Ok(None) } else { money(field, text).map(Some) }
}

/// A field that is there once sent, even empty (`#[serde(deserialize_with = "sent")]`): a form
/// asked by GET is worked out only when it was sent, not when the page is first opened.
pub fn sent<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    <String as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// Every error of a form, kept while its fields are checked one by one, so that the person sees
/// them all at once and not one per try.
#[derive(Debug, Default)]
pub struct Errors(Vec<Invalid>);

impl Errors {
    pub fn new() -> Errors {
        Errors::default()
    }

    /// The value, or `None` with its error kept.
    pub fn keep<T>(&mut self, checked: Result<T, Invalid>) -> Option<T> {
        checked.map_err(|e| self.0.push(e)).ok()
    }

    /// The value, or `None` with all its errors kept.
    pub fn keep_all<T>(&mut self, checked: Result<T, Vec<Invalid>>) -> Option<T> {
        checked.map_err(|errors| self.0.extend(errors)).ok()
    }

    pub fn push(&mut self, error: Invalid) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What `build` makes of the kept values when nothing was wrong, else every error. `build`
    /// returns `None` only when a value it needs failed, which left an error here.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, Vec<Invalid>> {
        if !self.0.is_empty() {
            return Err(self.0);
        }
        Ok(build().expect("every value that failed left an error"))
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
    fn every_error_of_a_form_at_once() {
        let mut errors = Errors::new();
        let start = errors.keep(date("start", ""));
        let end = errors.keep(date("end", "2024-13-01"));
        let name = errors.keep(required_text("given_name", "Anna", 100, Text::new("what-given-name")));
        let result = errors.finish(|| Some((start?, end?, name?)));
        let fields: Vec<_> = result.unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["start", "end"]);
        let mut fine = Errors::new();
        let day = fine.keep(date("start", "2024-02-01"));
        assert_eq!(fine.finish(|| day).unwrap().to_string(), "2024-02-01");
    }

    #[test]
    fn a_date_is_written_as_in_the_example() {
        let e = date("start", "1 feb").unwrap_err();
        assert_eq!(e.message.swedish(), "Skriv startdatumet som ÅÅÅÅ-MM-DD, till exempel 2024-02-01.");
        let e = date("move_out.notice_date", "").unwrap_err();
        assert_eq!(e.message.swedish(), "Skriv uppsägningsdagen som ÅÅÅÅ-MM-DD, till exempel 2024-02-01.");
        let e = date("some_day", "x").unwrap_err();
        assert_eq!(e.message.swedish(), "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2024-02-01.");
        assert_eq!(optional_date("start", Some("")), Ok(None));
    }
}
