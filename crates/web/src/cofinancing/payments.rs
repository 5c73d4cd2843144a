//! Reading Bankgirot's payment file (BgMax) into the post's invoices: the payments whose OCR
//! number and amount match a sent invoice mark it paid on the deposit day; the rest are listed
//! with why, for the coordinator to handle by hand.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use etablera_domain::cofinancing::bgmax::{self, Settlement};
use etablera_store::cofinancing::payments::{self, Settled};

use super::current_post;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::pages::{PageContext, local_time, render_with};
use crate::security::CsrfMultipart;

pub struct PaymentRow {
    pub line: usize,
    pub reference: String,
    pub amount: String,
    pub deposited_on: String,
    pub outcome: String,
    pub settled: bool,
}

pub struct FileRow {
    pub name: String,
    pub at: String,
    pub payments: i32,
    pub settled: i32,
}

#[derive(Template)]
#[template(path = "cofinancing/payments.html")]
struct PaymentsPage {
    ctx: PageContext,
    /// Why the file was refused, if it was: nothing was changed.
    error: Option<String>,
    rows: Vec<PaymentRow>,
    summary: Option<String>,
    files: Vec<FileRow>,
    has_post: bool,
}

async fn render(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    status: StatusCode,
    error: Option<String>,
    settled: Option<Vec<Settled>>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let post = current_post(state, user).await?.map(|p| p.id);
    let files = match post {
        Some(id) => state.store.run(move |conn| payments::files(conn, id)).await?,
        None => Vec::new(),
    };
    let summary = settled.as_ref().map(|list| {
        let paid = list.iter().filter(|s| matches!(s.settlement, Settlement::Paid { .. })).count();
        t.text("payments-summary", &[("paid", paid.to_string()), ("count", list.len().to_string())])
    });
    let rows = settled
        .unwrap_or_default()
        .into_iter()
        .map(|s| PaymentRow {
            line: s.payment.line,
            reference: s.payment.reference.clone(),
            amount: s.payment.amount.to_string(),
            deposited_on: s.payment.deposited_on.to_string(),
            outcome: t.say(&s.settlement.text(s.payment.amount)),
            settled: matches!(s.settlement, Settlement::Paid { .. }),
        })
        .collect();
    let page = PaymentsPage {
        has_post: post.is_some(),
        error,
        rows,
        summary,
        files: files
            .into_iter()
            .map(|f| FileRow {
                name: f.file_name.unwrap_or_default(),
                at: local_time(f.imported_at),
                payments: f.payments,
                settled: f.settled,
            })
            .collect(),
        ctx: PageContext::new(ctx, t.get("payments-title"), "/cofinancing/population"),
    };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, Signed { ctx, user }: Signed) -> AppResult<Response> {
    render(&state, &ctx, &user, StatusCode::OK, None, None).await
}

/// Reads the file: refused whole, with the line and what is wrong, or read in one transaction.
pub async fn read(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    form: CsrfMultipart,
) -> AppResult<Response> {
    let t = ctx.tr();
    let refuse = |message: String| render(&state, &ctx, &user, StatusCode::UNPROCESSABLE_ENTITY, Some(message), None);
    let Some(file) = form.file("file") else {
        return refuse(t.get("payments-file-needed")).await;
    };
    let parsed = match bgmax::parse(&file.bytes) {
        Ok(parsed) => parsed,
        Err(e) => return refuse(t.say(&e.text().capitalised())).await,
    };
    let post = current_post(&state, &user).await?.ok_or(AppError::NotFound)?;
    let (actor, bytes, name) = (ctx.actor(), file.bytes.clone(), file.file_name.clone());
    let outcome =
        state.store.run(move |conn| payments::read(conn, &actor, post.id, &parsed, &bytes, name.as_deref())).await;
    match outcome {
        Ok(settled) => render(&state, &ctx, &user, StatusCode::OK, None, Some(settled)).await,
        Err(etablera_store::StoreError::Invalid { message, .. }) => refuse(t.say(&message)).await,
        Err(other) => Err(other.into()),
    }
}
