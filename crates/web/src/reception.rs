//! The reception casework on the web: the case worker's list, placements, the household's and
//! the person's files with their forms, the activity catalogue, and the API.

pub mod api;
pub mod catalogue;
pub mod forms;
pub mod households;
pub mod persons;

use etablera_domain::reception::first_contact::Status;
use etablera_store::access::users::User;
use etablera_store::reception::Scope;

use crate::i18n::Tr;

pub fn scope(user: &User) -> Scope {
    Scope::of(user)
}

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

/// How often overdue first contacts are looked for.
const NOTIFY_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Tells the case workers and unit managers about overdue first contacts, at start and then
/// every ten minutes, for as long as the server runs.
pub fn notify_in_background(state: crate::app::AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(NOTIFY_EVERY);
        loop {
            tick.tick().await;
            let days = state.config.first_contact_days;
            let made = state
                .store
                .run(move |conn| {
                    etablera_store::reception::notifications::notify_overdue(conn, etablera_store::today(), days)
                })
                .await;
            match made {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "notified overdue first contacts"),
                Err(e) => tracing::error!(error = %e, "could not notify overdue first contacts"),
            }
        }
    });
}
