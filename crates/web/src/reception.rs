//! The reception casework on the web: the case worker's list, placements, the household's and
//! the person's files with their forms, the activity catalogue, and the API.

pub mod api;
pub mod catalogue;
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
    let mailer = state.config.mail.as_ref().and_then(|config| match crate::mail::Mailer::new(config) {
        Ok(mailer) => Some(mailer),
        Err(e) => {
            tracing::error!(error = %e, "notifications will not be e-mailed");
            None
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(NOTIFY_EVERY);
        loop {
            tick.tick().await;
            if let Err(e) = notify(&state, mailer.as_ref()).await {
                tracing::error!(error = %e, "could not notify overdue first contacts");
            }
        }
    });
}

/// One round: makes the notifications, then e-mails those not yet sent. A message that cannot
/// be sent is tried again next round.
pub async fn notify(
    state: &crate::app::AppState,
    mailer: Option<&crate::mail::Mailer>,
) -> Result<(), etablera_store::StoreError> {
    use etablera_store::reception::notifications;
    let days = state.config.first_contact_days;
    let made = state.store.run(move |conn| notifications::notify_overdue(conn, etablera_store::today(), days)).await?;
    if made > 0 {
        tracing::info!(count = made, "notified overdue first contacts");
    }
    let Some(mailer) = mailer else { return Ok(()) };
    let t = Tr::new(state.catalog.clone(), crate::i18n::Locale::Sv);
    for pending in state.store.run(notifications::to_email).await? {
        let text = t.with(&format!("notification-{}", pending.kind), "household", &pending.household_label);
        let mut body = format!("{text}.\n");
        if let Some(link) = mailer.link(&format!("/reception/households/{}", pending.household_id)) {
            body.push_str(&format!("\n{link}\n"));
        }
        body.push_str(&format!("\n{}\n", t.get("mail-footer")));
        match mailer.send(&pending.email, &format!("Etablera: {text}"), body).await {
            Ok(()) => {
                let id = pending.id;
                state.store.run(move |conn| notifications::mark_emailed(conn, id)).await?;
            }
            // The address is personal data: the log names the notification only.
            Err(e) => tracing::warn!(notification = pending.id, error = %e, "notification not e-mailed"),
        }
    }
    Ok(())
}
