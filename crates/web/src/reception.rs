//! The reception casework on the web: the case worker's list, placements, the household's and
//! the person's files with their forms, the activity catalogue, and the API.

pub mod api;
pub mod catalogue;
pub mod contracts;
pub mod households;
pub mod persons;

use crate::i18n::Tr;
use etablera_domain::reception::first_contact::Status;

/// The first contact's status in words, and whether it needs attention now.
pub fn first_contact_text(t: &Tr, status: Option<Status>) -> (String, bool) {
    match status {
        None | Some(Status::NotArrived) => (t.get("first-contact-not-arrived"), false),
        Some(Status::Waiting { due }) => (t.with("first-contact-waiting", "due", due), false),
        Some(Status::DueToday) => (t.get("first-contact-due-today"), true),
        Some(Status::Overdue { due, days_late }) => {
            (t.text("first-contact-overdue", &[("due", due.to_string()), ("days", days_late.to_string())]), true)
        }
        Some(Status::Made { on_time: true }) => (t.get("first-contact-made"), false),
        Some(Status::Made { on_time: false }) => (t.get("first-contact-made-late"), false),
    }
}
