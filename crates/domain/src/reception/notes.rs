//! The journal: notes on a household or one of its persons, corrected only by new notes.

use crate::ids::{NoteId, PersonId};
use crate::input::{Errors, Invalid, required_text};
use crate::text::Text;

/// A note as typed: the text, whom it is about (empty for the household) and which note it
/// corrects (empty for none).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NoteForm {
    pub text: String,
    pub person_id: String,
    pub corrects: String,
}

/// A note, checked; that the person and the corrected note are the household's is checked
/// against what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    pub text: String,
    pub person_id: Option<PersonId>,
    pub corrects: Option<NoteId>,
}

/// A choice from a list of ids: none when empty.
fn chosen<T: std::str::FromStr>(field: &'static str, value: &str) -> Result<Option<T>, Invalid> {
    match value.trim() {
        "" => Ok(None),
        chosen => chosen.parse::<T>().map(Some).map_err(|_| Invalid::new(field, Text::new("choose-in-list"))),
    }
}

impl NoteForm {
    pub fn check(&self) -> Result<NewNote, Vec<Invalid>> {
        let mut errors = Errors::new();
        let text = errors.keep(required_text("text", &self.text, 10_000, Text::new("what-note")));
        let person_id = errors.keep(chosen("person_id", &self.person_id));
        let corrects = errors.keep(chosen("corrects", &self.corrects));
        errors.finish(|| Some(NewNote { text: text?, person_id: person_id?, corrects: corrects? }))
    }
}
