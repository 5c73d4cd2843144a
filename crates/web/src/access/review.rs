//! The monthly review of the access log on the web: the municipality's reviews, starting the
//! review of a month, marking its reads reviewed with a comment, and signing it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::access::Permission;
use etablera_domain::reporting::monthly::Month;
use etablera_store::StoreError;
use etablera_store::access::review;
use etablera_store::access::users::User;
use serde::Deserialize;

use crate::api::Params;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::Submitted;
use crate::i18n::{Text, Tr};
use crate::listing::{Listing, Pager, number};
use crate::pages::{PageContext, local_time, municipality_options, render_with};

fn codes(user: &User) -> Vec<String> {
    user.municipalities.iter().map(|m| m.as_str().to_owned()).collect()
}

pub struct ReviewRow {
    pub id: i32,
    pub municipality: String,
    pub month: String,
    pub items: i64,
    pub open: i64,
    pub status: String,
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct ReviewsPage {
    ctx: PageContext,
    rows: Vec<ReviewRow>,
    municipalities: Vec<(String, String)>,
    month: String,
    error: Option<String>,
}

fn reviews_status(t: &Tr, r: &review::Review) -> String {
    match (&r.signed_at, &r.signed_by) {
        (Some(at), by) => t.text(
            "review-signed",
            &[("date", local_time(*at)), ("by", by.clone().unwrap_or_else(|| t.get("extract-system")))],
        ),
        (None, _) => t.with("review-open-count", "open", r.open),
    }
}

async fn reviews_page(state: &AppState, ctx: &RequestContext, user: &User, error: Option<Text>) -> AppResult<Response> {
    let t = ctx.tr();
    let (actor, codes) = (ctx.actor(), codes(user));
    let reviews = state.store.run(move |conn| review::list(conn, &actor, &codes)).await?;
    let rows = reviews
        .iter()
        .map(|r| ReviewRow {
            id: r.id,
            municipality: format!(
                "{} {}",
                r.municipality_code,
                etablera_domain::municipality::name_of(&r.municipality_code)
            ),
            month: r.month.clone(),
            items: r.items,
            open: r.open,
            status: reviews_status(&t, r),
        })
        .collect();
    let today = ctx.today();
    let last_month = Month::parse(&today.format("%Y-%m").to_string()).map(|m| m.previous().code()).unwrap_or_default();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_with(
        status,
        &ReviewsPage {
            rows,
            municipalities: municipality_options(user),
            month: last_month,
            error: error.map(|e| t.say(&e)),
            ctx: PageContext::new(ctx, t.get("review-title"), "/audit/reviews"),
        },
    ))
}

pub async fn list(State(state): State<AppState>, Signed { ctx, user }: Signed) -> AppResult<Response> {
    reviews_page(&state, &ctx, &user, None).await
}

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    month: String,
}

pub async fn start(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input: form, .. }: Submitted<StartForm>,
) -> AppResult<Response> {
    let Some(month) = Month::parse(form.month.trim()) else {
        return reviews_page(&state, &ctx, &user, Some(Text::new("review-bad-month"))).await;
    };
    let (actor, codes) = (ctx.actor(), codes(&user));
    let code = form.municipality.trim().to_owned();
    match state.store.run(move |conn| review::start(conn, &actor, &codes, &code, month)).await {
        Ok(id) => Ok(Redirect::to(&format!("/audit/reviews/{id}")).into_response()),
        Err(StoreError::Invalid { message, .. }) => reviews_page(&state, &ctx, &user, Some(message)).await,
        Err(e) => Err(e.into()),
    }
}

pub struct ItemRow {
    pub id: i32,
    pub at: String,
    pub reader: String,
    pub action: String,
    pub record: String,
    pub record_href: Option<String>,
    pub reasons: String,
    pub reviewed: Option<String>,
    pub comment: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    ctx: PageContext,
    id: i32,
    heading: String,
    status: String,
    signed: bool,
    summary: Option<String>,
    open: i64,
    open_only: bool,
    rows: Vec<ItemRow>,
    pager: Pager,
    /// The query the mark forms carry, to come back to the same list and page.
    back_query: String,
    sign_error: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewQuery {
    #[serde(default)]
    visa: Option<String>,
    #[serde(default, deserialize_with = "number")]
    page: Option<u32>,
}

impl ReviewQuery {
    fn open_only(&self) -> bool {
        self.visa.as_deref() != Some("alla")
    }
}

/// Where a form on the page goes back to: the same list and page.
fn back(id: i32, q: &ReviewQuery) -> String {
    let mut href = format!("/audit/reviews/{id}?visa={}", if q.open_only() { "ogranskade" } else { "alla" });
    if let Some(page) = q.page.filter(|p| *p > 1) {
        href.push_str(&format!("&page={page}"));
    }
    href
}

enum Failed {
    Item(i32, Text),
    Sign(Text),
}

async fn review_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &User,
    id: i32,
    q: ReviewQuery,
    failed: Option<Failed>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let (actor, codes) = (ctx.actor(), codes(user));
    let paging = etablera_store::paging::Paging::new(q.page, None);
    let open_only = q.open_only();
    let (review, page) = state
        .store
        .run(move |conn| {
            let review = review::get(conn, &actor, &codes, id)?;
            let page = review::items(conn, &codes, id, open_only, paging)?;
            Ok((review, page))
        })
        .await?;
    let can_read_cases = user.can(Permission::ReadCases);
    let status_code = if failed.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let (item_error, sign_error) = match failed {
        Some(Failed::Item(item, text)) => (Some((item, t.say(&text))), None),
        Some(Failed::Sign(text)) => (None, Some(t.say(&text))),
        None => (None, None),
    };
    let rows = page
        .rows
        .iter()
        .map(|i| {
            let kind = t.get(&format!("record-kind-{}", i.record_kind));
            let record_id = i.record_id.clone().unwrap_or_default();
            let path = match i.record_kind.as_str() {
                "household" => "households",
                _ => "persons",
            };
            ItemRow {
                id: i.id,
                at: local_time(i.at),
                reader: i.reader.clone().unwrap_or_else(|| t.get("extract-system")),
                action: t.get(&format!("action-{}", i.action)),
                record: format!("{kind} {record_id}"),
                record_href: can_read_cases.then(|| format!("/reception/{path}/{record_id}")),
                reasons: i.reasons.iter().map(|r| t.say(&r.text())).collect::<Vec<_>>().join(", "),
                reviewed: i.reviewed_at.map(|at| {
                    t.text(
                        "review-reviewed-by",
                        &[("date", local_time(at)), ("by", i.reviewed_by.clone().unwrap_or_default())],
                    )
                }),
                comment: i.comment.clone().unwrap_or_default(),
                error: item_error.as_ref().filter(|(item, _)| *item == i.id).map(|(_, e)| e.clone()),
            }
        })
        .collect();
    // The summary and position as every list says them; the links keep this list's own query.
    let mut pager = Listing::new("/audit/reviews", "id", false, paging).pager(&t, &page);
    let at_page = |n: u32| back(id, &ReviewQuery { page: Some(n), ..q.clone() });
    pager.previous = (paging.page > 1).then(|| at_page(paging.page - 1));
    pager.next = (paging.page < page.pages()).then(|| at_page(paging.page + 1));
    let heading = t.text(
        "review-heading",
        &[
            ("month", review.month.clone()),
            (
                "municipality",
                format!(
                    "{} {}",
                    review.municipality_code,
                    etablera_domain::municipality::name_of(&review.municipality_code)
                ),
            ),
        ],
    );
    Ok(render_with(
        status_code,
        &ReviewPage {
            id,
            status: reviews_status(&t, &review),
            signed: review.signed_at.is_some(),
            summary: review.summary.clone(),
            open: review.open,
            open_only,
            rows,
            pager,
            back_query: back(id, &q).split_once('?').map(|(_, q)| q.to_owned()).unwrap_or_default(),
            sign_error,
            ctx: PageContext::new(ctx, heading.clone(), "/audit/reviews"),
            heading,
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Params(q): Params<ReviewQuery>,
) -> AppResult<Response> {
    review_page(&state, &ctx, &user, id, q, None).await
}

#[derive(Deserialize)]
pub struct MarkForm {
    #[serde(default)]
    comment: String,
}

pub async fn mark(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path((id, item)): Path<(i32, i32)>,
    Params(q): Params<ReviewQuery>,
    Submitted { input: form, .. }: Submitted<MarkForm>,
) -> AppResult<Response> {
    let (actor, codes) = (ctx.actor(), codes(&user));
    match state.store.run(move |conn| review::mark(conn, &actor, &codes, id, item, &form.comment)).await {
        Ok(()) => Ok(Redirect::to(&back(id, &q)).into_response()),
        Err(StoreError::Invalid { message, .. }) => {
            review_page(&state, &ctx, &user, id, q, Some(Failed::Item(item, message))).await
        }
        Err(e) => Err(AppError::from(e)),
    }
}

#[derive(Deserialize)]
pub struct SignForm {
    #[serde(default)]
    summary: String,
}

pub async fn sign(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input: form, .. }: Submitted<SignForm>,
) -> AppResult<Response> {
    let (actor, codes) = (ctx.actor(), codes(&user));
    match state.store.run(move |conn| review::sign(conn, &actor, &codes, id, &form.summary)).await {
        Ok(()) => Ok(Redirect::to(&format!("/audit/reviews/{id}?visa=alla")).into_response()),
        Err(StoreError::Invalid { message, .. }) => {
            review_page(&state, &ctx, &user, id, ReviewQuery::default(), Some(Failed::Sign(message))).await
        }
        Err(e) => Err(AppError::from(e)),
    }
}
