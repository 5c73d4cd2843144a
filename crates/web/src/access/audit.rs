//! The access log for the auditor: list and filter, verify the chain, export for the review.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use etablera_domain::time::{parse_date, start_of_local_day};
use etablera_reports::access::{LoggedAccess, access_log_csv};
use etablera_store::access::log::{self, Action, Filter, LogRow, RecordKind, Verification};
use etablera_store::access::users;
use etablera_store::{DbConn, StoreError};
use serde::{Deserialize, Serialize};

use crate::api::Params;
use crate::app::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::i18n::{Text, Tr};
use crate::pages::{PageContext, local_time, render, render_with};

pub const PAGE_SIZE: i64 = 50;

/// The filter as typed in the form or the query string. Dates are Stockholm calendar days,
/// both ends included.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuditQuery {
    /// First day, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last day (included), YYYY-MM-DD.
    pub to: Option<String>,
    /// An action code such as `login` or `read`.
    pub action: Option<String>,
    /// A record kind such as `user`.
    pub kind: Option<String>,
    /// The acting user's user name.
    pub actor: Option<String>,
    /// Rows to skip, for paging.
    pub offset: Option<i64>,
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Turns the typed filter into the store's, or the fields that are wrong and why.
pub fn parse_filter(conn: &mut DbConn, q: &AuditQuery) -> Result<Result<Filter, Vec<(String, Text)>>, StoreError> {
    let mut errors = Vec::new();
    let mut filter = Filter::default();
    let from = non_empty(&q.from).map(|d| (d, parse_date(d)));
    let to = non_empty(&q.to).map(|d| (d, parse_date(d)));
    match from {
        Some((_, Some(date))) => filter.from = Some(start_of_local_day(date)),
        Some((_, None)) => errors.push(("from".into(), Text::new("audit-bad-date"))),
        None => {}
    }
    match to {
        Some((_, Some(date))) => filter.until = date.succ_opt().map(start_of_local_day),
        Some((_, None)) => errors.push(("to".into(), Text::new("audit-bad-date"))),
        None => {}
    }
    if let (Some(from), Some(until)) = (filter.from, filter.until)
        && until <= from
    {
        errors.push(("to".into(), Text::new("audit-bad-range")));
    }
    match non_empty(&q.action).map(|a| Action::from_code(a).ok_or(a)) {
        Some(Ok(action)) => filter.action = Some(action),
        Some(Err(_)) => errors.push(("action".into(), Text::new("audit-bad-action"))),
        None => {}
    }
    match non_empty(&q.kind).map(|k| RecordKind::from_code(k).ok_or(k)) {
        Some(Ok(kind)) => filter.record_kind = Some(kind.code().to_owned()),
        Some(Err(_)) => errors.push(("kind".into(), Text::new("audit-bad-kind"))),
        None => {}
    }
    if let Some(actor) = non_empty(&q.actor) {
        match users::find_id(conn, actor)? {
            Some(id) => filter.actor_user_id = Some(id),
            None => errors.push(("actor".into(), Text::new("audit-bad-actor"))),
        }
    }
    Ok(if errors.is_empty() { Ok(filter) } else { Err(errors) })
}

/// Rows with the actors' user names, as pages, the API and the export show them.
pub fn with_usernames(conn: &mut DbConn, rows: Vec<LogRow>) -> Result<Vec<(LogRow, Option<String>)>, StoreError> {
    let mut ids: Vec<i32> = rows.iter().filter_map(|r| r.actor_user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names: HashMap<i32, String> = users::usernames(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let name = row.actor_user_id.and_then(|id| names.get(&id).cloned());
            (row, name)
        })
        .collect())
}

pub struct AuditRow {
    pub id: i32,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record: String,
    pub municipality: String,
    pub request_id: String,
    pub address: String,
}

pub struct ActionChoice {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: PageContext,
    from: String,
    to: String,
    actor: String,
    errors: Vec<(String, String)>,
    actions: Vec<ActionChoice>,
    kinds: Vec<ActionChoice>,
    rows: Vec<AuditRow>,
    newer: Option<String>,
    older: Option<String>,
    export: String,
}

impl AuditPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

fn query_string(q: &AuditQuery, offset: Option<i64>) -> String {
    let q = AuditQuery { offset, ..q.clone() };
    serde_urlencoded::to_string(&q).unwrap_or_default()
}

/// Rows named by the typed filter (one page, newest first), or the fields that are wrong.
pub type LogPageResult = Result<(Vec<(LogRow, Option<String>)>, bool), Vec<(String, Text)>>;

/// One page of the log for the page and the API alike; the reading is logged.
pub async fn load_page(
    state: &AppState,
    ctx: &crate::context::RequestContext,
    q: &AuditQuery,
) -> AppResult<LogPageResult> {
    let (actor, query) = (ctx.actor(), q.clone());
    let offset = q.offset.unwrap_or(0).max(0);
    Ok(state
        .store
        .run(move |conn| match parse_filter(conn, &query)? {
            Ok(filter) => {
                let (rows, more) = log::page(conn, &actor, &filter, offset, PAGE_SIZE)?;
                Ok(Ok((with_usernames(conn, rows)?, more)))
            }
            Err(errors) => Ok(Err(errors)),
        })
        .await?)
}

/// The first wrong field as the API's error.
pub fn first_invalid(errors: Vec<(String, Text)>) -> AppError {
    match errors.into_iter().next() {
        Some((field, message)) => AppError::Invalid { field, message },
        None => AppError::BadRequest,
    }
}

pub async fn page(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Params(q): Params<AuditQuery>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let offset = q.offset.unwrap_or(0).max(0);
    let (rows, more, errors) = match load_page(&state, &ctx, &q).await? {
        Ok((rows, more)) => (rows, more, Vec::new()),
        Err(errors) => {
            (Vec::new(), false, errors.into_iter().map(|(field, message)| (field, t.say(&message))).collect())
        }
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let system = t.get("audit-system");
    let page = AuditPage {
        actions: Action::ALL
            .iter()
            .map(|a| ActionChoice {
                code: a.code(),
                label: t.get(&format!("action-{}", a.code())),
                selected: q.action.as_deref() == Some(a.code()),
            })
            .collect(),
        kinds: RecordKind::ALL
            .iter()
            .map(|k| ActionChoice {
                code: k.code(),
                label: t.get(&format!("record-kind-{}", k.code())),
                selected: q.kind.as_deref() == Some(k.code()),
            })
            .collect(),
        rows: rows
            .into_iter()
            .map(|(row, name)| AuditRow {
                id: row.id,
                at: local_time(row.at),
                actor: name.unwrap_or_else(|| system.clone()),
                action: t.get(&format!("action-{}", row.action.code())),
                record: {
                    // Every kind written is one of RecordKind's; a row from before the list was
                    // closed shows its code.
                    let kind = RecordKind::from_code(&row.record_kind)
                        .map_or_else(|| row.record_kind.clone(), |k| t.get(&format!("record-kind-{}", k.code())));
                    match &row.record_id {
                        Some(id) => format!("{kind} {id}"),
                        None => kind,
                    }
                },
                municipality: row.municipality_code.unwrap_or_default(),
                request_id: row.request_id.unwrap_or_default(),
                address: row.client_address.unwrap_or_default(),
            })
            .collect(),
        newer: (offset > 0).then(|| query_string(&q, Some((offset - PAGE_SIZE).max(0)))),
        older: more.then(|| query_string(&q, Some(offset + PAGE_SIZE))),
        export: query_string(&q, None),
        errors,
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
        actor: q.actor.unwrap_or_default(),
        ctx: PageContext::new(&ctx, t.get("audit-title"), "/audit"),
    };
    Ok(render_with(status, &page))
}

#[derive(Template)]
#[template(path = "audit_verify.html")]
struct VerifyPage {
    ctx: PageContext,
    intact: bool,
    message: String,
}

/// The verification in words, for the page and the API.
pub fn describe(verification: &Verified, t: &Tr) -> String {
    match verification {
        Verified::Untrusted(reason) => t.text("audit-verify-untrusted", &[("reason", t.say(reason))]),
        Verified::Chain { verification, anchored } => match &verification.first_break {
            Some(b) => t.text("audit-verify-broken", &[("row", b.row().to_string()), ("reason", t.say(&b.describe()))]),
            None => {
                let whole = t.with("audit-verify-ok", "rows", verification.rows_checked);
                format!("{whole} {}", t.say(&verification.anchoring(*anchored)))
            }
        },
    }
}

/// What a verification came to: the chain checked (against the signed checkpoints when the
/// server keeps them), or a checkpoint file that cannot be trusted.
pub enum Verified {
    Chain { verification: Verification, anchored: bool },
    Untrusted(etablera_domain::text::Text),
}

impl Verified {
    pub fn intact(&self) -> bool {
        matches!(self, Verified::Chain { verification, .. } if verification.first_break.is_none())
    }
}

/// Verifies the chain for a person, against the checkpoints when the server keeps them.
pub async fn verified(state: &AppState, actor: etablera_store::access::Actor) -> AppResult<Verified> {
    let file = state.config.checkpoints.clone();
    let checkpoints = match file.as_ref().map(|f| f.read()).transpose() {
        Ok(checkpoints) => checkpoints.unwrap_or_default(),
        Err(reason) => return Ok(Verified::Untrusted(reason)),
    };
    let verification = state.store.run(move |conn| log::verify_as(conn, &actor, &checkpoints)).await?;
    Ok(Verified::Chain { verification, anchored: file.is_some() })
}

pub async fn verify_page(State(state): State<AppState>, Signed { ctx, .. }: Signed) -> AppResult<Html<String>> {
    let t = ctx.tr();
    let verification = verified(&state, ctx.actor()).await?;
    render(&VerifyPage {
        intact: verification.intact(),
        message: describe(&verification, &t),
        ctx: PageContext::new(&ctx, t.get("audit-verify-title"), "/audit"),
    })
}

/// Signs a checkpoint of the access log at start and then at the configured interval, for as
/// long as the server runs, when a checkpoint file is configured. A broken chain is not signed
/// and is reported in the server's log (by row number only).
pub fn checkpoint_in_background(state: AppState) {
    let Some(file) = state.config.checkpoints.clone() else { return };
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(state.config.checkpoint_every);
        loop {
            tick.tick().await;
            let file = file.clone();
            let actor = etablera_store::access::Actor::system(state.config.clock.now());
            use etablera_store::access::checkpoints::Taken;
            match state.store.run(move |conn| file.take(conn, &actor)).await {
                Ok(Ok(Taken::Added(c))) => tracing::info!(rows = c.rows, "signed a checkpoint of the access log"),
                Ok(Ok(Taken::Unchanged(_))) => {}
                Ok(Ok(Taken::Broken(b))) => {
                    tracing::error!(row = b.row(), "the access log's chain is broken; no checkpoint signed")
                }
                Ok(Err(reason)) => tracing::error!(reason = %reason.swedish(), "no checkpoint of the access log"),
                Err(e) => tracing::error!(error = %e, "no checkpoint of the access log"),
            }
        }
    });
}

/// The rows in the filter as CSV; a download for the monthly log review.
pub async fn export_csv(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Params(q): Params<AuditQuery>,
) -> AppResult<Response> {
    let actor = ctx.actor();
    let query = q.clone();
    let rows = state
        .store
        .run(move |conn| match parse_filter(conn, &query)? {
            Ok(filter) => {
                let rows = log::export(conn, &actor, &filter)?;
                Ok(Ok(with_usernames(conn, rows)?))
            }
            Err(errors) => Ok(Err(errors)),
        })
        .await?
        .map_err(first_invalid)?;
    let entries: Vec<_> = rows.iter().map(|(row, name)| (row.entry(), name, row)).collect();
    let logged: Vec<LoggedAccess<'_>> = entries
        .iter()
        .map(|(entry, name, row)| LoggedAccess { entry, actor_username: name.as_deref(), hash: &row.hash })
        .collect();
    let csv = access_log_csv(&logged).map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    let name = format!(
        "attachment; filename=\"atkomstlogg-{}-{}.csv\"",
        non_empty(&q.from).unwrap_or("start"),
        non_empty(&q.to).unwrap_or("idag")
    );
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)], csv)
        .into_response())
}
