//! What users are told: the words and the link of a notification, the round that looks for
//! overdue first contacts every ten minutes, and e-mailing what is not yet sent. A serious
//! complaint or deviation is e-mailed at once, not at the next round.

use etablera_domain::access::Permission;
use etablera_store::access::users::User;
use etablera_store::notifications::{self, Notification, Subject};

use crate::app::AppState;
use crate::i18n::{Locale, Tr};
use crate::mail::Mailer;

/// How often overdue first contacts are looked for.
const NOTIFY_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

pub fn text(t: &Tr, n: &Notification) -> String {
    t.with(&format!("notification-{}", n.kind.code()), "subject", n.subject.label())
}

/// Where the notification leads: the household's file, or the complaint or deviation (the
/// committee's page of it for a reader without the unit's permissions).
pub fn href(n: &Notification, user: Option<&User>) -> String {
    match &n.subject {
        Subject::Household { id, .. } => format!("/reception/households/{id}"),
        Subject::Deviation { id } if user.is_some_and(|u| u.can(Permission::ReadCases)) => format!("/quality/{id}"),
        Subject::Deviation { id } => format!("/reports/serious/{id}"),
    }
}

fn mailer(state: &AppState) -> Option<Mailer> {
    state.config.mail.as_ref().and_then(|config| match Mailer::new(config) {
        Ok(mailer) => Some(mailer),
        Err(e) => {
            tracing::error!(error = %e, "notifications will not be e-mailed");
            None
        }
    })
}

/// Looks for overdue first contacts at start and then every ten minutes, for as long as the
/// server runs, and e-mails what is waiting.
pub fn notify_in_background(state: AppState) {
    let mailer = mailer(&state);
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

/// E-mails what is waiting now, in the background (after a serious complaint or deviation).
pub fn send_now(state: &AppState) {
    let Some(mailer) = mailer(state) else { return };
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = send(&state, &mailer).await {
            tracing::error!(error = %e, "could not e-mail notifications");
        }
    });
}

/// One round: makes the notifications of overdue first contacts, then e-mails those not yet
/// sent. A message that cannot be sent is tried again next round.
pub async fn notify(state: &AppState, mailer: Option<&Mailer>) -> Result<(), etablera_store::StoreError> {
    use etablera_store::reception::notifications::notify_overdue;
    let (days, at) = (state.config.first_contact_days, state.config.clock.now());
    let made = state.store.run(move |conn| notify_overdue(conn, at, days)).await?;
    if made > 0 {
        tracing::info!(count = made, "notified overdue first contacts");
    }
    match mailer {
        Some(mailer) => send(state, mailer).await,
        None => Ok(()),
    }
}

/// E-mails every notification not yet sent.
pub async fn send(state: &AppState, mailer: &Mailer) -> Result<(), etablera_store::StoreError> {
    let t = Tr::new(Locale::Sv);
    for pending in state.store.run(notifications::to_email).await? {
        let n = &pending.notification;
        let text = text(&t, n);
        let mut body = format!("{text}.\n");
        // The recipients of a deviation's notice are the committee's members.
        if let Some(link) = mailer.link(&href(n, None)) {
            body.push_str(&format!("\n{link}\n"));
        }
        body.push_str(&format!("\n{}\n", t.get("mail-footer")));
        let (id, at) = (n.id, state.config.clock.now());
        if !state.store.run(move |conn| notifications::claim_for_email(conn, id, at)).await? {
            continue;
        }
        if let Err(e) = mailer.send(&pending.email, &t.with("mail-subject", "text", &text), body).await {
            // The address is personal data: the log names the notification only.
            tracing::warn!(notification = id.get(), error = %e, "notification not e-mailed");
            state.store.run(move |conn| notifications::release_for_email(conn, id)).await?;
        }
    }
    send_contact_notices(state, mailer, &t).await
}

/// E-mails the order's committee contact about each serious case not yet sent, once.
async fn send_contact_notices(state: &AppState, mailer: &Mailer, t: &Tr) -> Result<(), etablera_store::StoreError> {
    use etablera_store::quality::deviations;
    for notice in state.store.run(deviations::contact_notices).await? {
        let (id, at) = (notice.deviation_id, state.config.clock.now());
        if !state.store.run(move |conn| deviations::claim_contact_notice(conn, id, at)).await? {
            continue;
        }
        let text = t.with(
            &format!("notification-{}", deviations::SERIOUS.code()),
            "subject",
            etablera_store::notifications::deviation_label(id),
        );
        let mut body = format!("{text}.\n");
        if let Some(link) = mailer.link(&format!("/reports/serious/{id}")) {
            body.push_str(&format!("\n{link}\n"));
        }
        body.push_str(&format!("\n{}\n", t.get("mail-footer")));
        let mut failed = false;
        for address in &notice.addresses {
            if let Err(e) = mailer.send(address, &t.with("mail-subject", "text", &text), body.clone()).await {
                tracing::warn!(deviation = id.get(), error = %e, "the committee contact was not e-mailed");
                failed = true;
            }
        }
        if failed {
            state.store.run(move |conn| deviations::release_contact_notice(conn, id)).await?;
        }
    }
    Ok(())
}
