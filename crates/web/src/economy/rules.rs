//! The reimbursement rules table for the administrator: every row with its validity, caps, age
//! band, amount and deadline; missing values shown as missing; edits and new rows (copied from
//! an existing one, for a new period) kept with their earlier revisions; the price base amounts.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::economy::rules::{CapKind, DeadlineKind, PriceBaseForm, RuleForm};
use etablera_domain::money::Money;
use etablera_store::economy::rules::{self, RuleRow};
use serde::Deserialize;

use super::{category_name, claim_type_name};
use crate::api::{Params, Path};
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::AppResult;
use crate::forms::{Filled, SavedQuery, Submitted, save};
use crate::i18n::Tr;
use crate::pages::{PageContext, local_time, render_with};

pub struct RuleView {
    pub id: i32,
    pub claim_type: String,
    pub subject: String,
    pub valid: String,
    pub cap: String,
    pub ages: String,
    pub amount: String,
    pub deadline: String,
    pub missing: bool,
    pub revision: i32,
}

fn kr(ore: Option<i64>) -> Option<String> {
    ore.map(|o| Money::from_ore(o).to_string())
}

/// The row in words; `missing` when a value the rule needs is not known.
pub fn view(t: &Tr, r: &RuleRow) -> RuleView {
    let missing_text = t.get("rule-missing");
    let need = |v: Option<String>| v.unwrap_or_else(|| missing_text.clone());
    let cap = match r.cap_kind {
        CapKind::None => t.get("rule-cap-none"),
        CapKind::PerPerson => t.with("rule-cap-per-person", "amount", need(kr(r.cap_per_person_ore))),
        CapKind::PerDay => t.with("rule-cap-per-day", "amount", need(kr(r.cap_per_day_ore))),
        CapKind::PerHousehold => t.text(
            "rule-cap-per-household",
            &[("first", need(kr(r.cap_per_household_ore))), ("extra", need(kr(r.cap_per_extra_member_ore)))],
        ),
        CapKind::Missing => missing_text.clone(),
    };
    let deadline = match (r.deadline_kind, r.deadline_months) {
        (DeadlineKind::NoApplication, _) => t.get("rule-deadline-no_application"),
        (DeadlineKind::Missing, _) | (_, None) => missing_text.clone(),
        (kind, Some(m)) => t.with(&format!("rule-deadline-{}", kind.code()), "months", m),
    };
    let amount = match (r.amount_ore, r.price_base_share_bp) {
        (Some(a), _) => Money::from_ore(a).to_string(),
        (None, Some(bp)) => t.with("rule-share", "share", etablera_domain::economy::rules::Share(bp as u32)),
        (None, None) if r.category.is_none() => missing_text.clone(),
        (None, None) => String::new(),
    };
    let ages = match (r.age_from, r.age_to) {
        (None, None) => String::new(),
        (Some(a), None) => t.with("rule-age-from", "age", a),
        (None, Some(b)) => t.with("rule-age-to", "age", b),
        (Some(a), Some(b)) => format!("{a}–{b}"),
    };
    let missing = cap.contains(&missing_text) || deadline == missing_text || amount == missing_text;
    RuleView {
        id: r.id,
        claim_type: claim_type_name(t, r.claim_type),
        subject: match r.category {
            Some(c) => category_name(t, c),
            None => r.covers.clone(),
        },
        valid: format!("{} – {}", r.valid_from, r.valid_to.map(|d| d.to_string()).unwrap_or_default()),
        cap,
        ages,
        amount,
        deadline,
        missing,
        revision: r.revision,
    }
}

#[derive(Template)]
#[template(path = "economy/rules.html")]
struct RulesPage {
    ctx: PageContext,
    f: Filled,
    notice: Option<String>,
    rules: Vec<RuleView>,
    price_bases: Vec<(i32, String, String)>,
    /// What the table lacks for this year and the next, in words.
    gaps: Vec<String>,
    years: String,
}

/// What the rules table lacks for this year and the next, said in the reader's language.
pub async fn gap_texts(state: &AppState, ctx: &RequestContext) -> AppResult<Vec<String>> {
    let t = ctx.tr();
    let year = chrono::Datelike::year(&ctx.today());
    let gaps = state.store.run(move |conn| rules::gaps(conn, year..=year + 1)).await?;
    Ok(gaps.iter().map(|g| t.say(&g.text())).collect())
}

async fn list_page(state: &AppState, ctx: &RequestContext, f: Filled, notice: Option<String>) -> AppResult<Response> {
    let t = ctx.tr();
    let (rows, bases) = state.store.run(|conn| Ok((rules::rows(conn)?, rules::price_base_table(conn)?))).await?;
    let gaps = gap_texts(state, ctx).await?;
    let year = chrono::Datelike::year(&ctx.today());
    let status = f.status();
    let page = RulesPage {
        f,
        notice,
        rules: rows.iter().map(|r| view(&t, r)).collect(),
        price_bases: bases.into_iter().map(|(y, m, source)| (y, m.to_string(), source.unwrap_or_default())).collect(),
        gaps,
        years: t.text("gaps-years", &[("year", year.to_string()), ("next", (year + 1).to_string())]),
        ctx: PageContext::new(ctx, t.get("rules-title"), "/admin/reimbursement-rules"),
    };
    Ok(render_with(status, &page))
}

pub async fn list(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Params(q): Params<SavedQuery>,
) -> AppResult<Response> {
    let notice = q.saved.map(|_| ctx.tr().get("rules-saved"));
    list_page(&state, &ctx, Filled::default(), notice).await
}

pub async fn set_price_base(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Submitted { input, fields }: Submitted<PriceBaseForm>,
) -> AppResult<Response> {
    let actor = ctx.actor();
    let outcome =
        save(&state, input.check(), move |conn, base| rules::set_price_base_amount(conn, &actor, &base)).await;
    match Filled::after("price-base", fields, outcome)? {
        None => Ok(Redirect::to("/admin/reimbursement-rules?saved=1").into_response()),
        Some(f) => list_page(&state, &ctx, f, None).await,
    }
}

#[derive(Template)]
#[template(path = "economy/rule_form.html")]
struct RuleFormPage {
    ctx: PageContext,
    f: Filled,
    /// The row being changed, or the row a new one is copied from.
    row: RuleRow,
    is_new: bool,
    action: String,
    v: RuleView,
    cap_kinds: Vec<(&'static str, String)>,
    deadline_kinds: Vec<(&'static str, String)>,
    revisions: Vec<(String, String)>,
    vals: RuleForm,
}

/// The form's starting values: the row's, as they would be typed (the kinds are chosen from the
/// row on the page itself).
fn typed(row: &RuleRow) -> RuleForm {
    let money =
        |ore: Option<i64>| ore.map(|o| Money::from_ore(o).format_number().replace('\u{a0}', " ")).unwrap_or_default();
    let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    RuleForm {
        covers: row.covers.clone(),
        valid_from: row.valid_from.to_string(),
        valid_to: row.valid_to.map(|d| d.to_string()).unwrap_or_default(),
        cap_per_person: money(row.cap_per_person_ore),
        cap_per_household: money(row.cap_per_household_ore),
        cap_per_extra_member: money(row.cap_per_extra_member_ore),
        cap_per_day: money(row.cap_per_day_ore),
        age_from: number(row.age_from),
        age_to: number(row.age_to),
        amount: money(row.amount_ore),
        share: row.price_base_share_bp.map(|bp| format!("{},{:02}", bp / 100, bp % 100)).unwrap_or_default(),
        deadline_months: number(row.deadline_months),
        source: row.source.clone(),
        ..RuleForm::default()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FormQuery {
    pub copy: Option<String>,
}

async fn form_page(state: &AppState, ctx: &RequestContext, id: i32, is_new: bool, f: Filled) -> AppResult<Response> {
    let t = ctx.tr();
    let (row, revisions) =
        state.store.run(move |conn| Ok((rules::row(conn, id)?, rules::revisions(conn, id)?))).await?;
    let status = f.status();
    let v = view(&t, &row);
    let title = if is_new {
        t.with("rule-new-title", "rule", &v.subject)
    } else {
        t.with("rule-edit-title", "rule", &v.subject)
    };
    let page = RuleFormPage {
        f,
        action: if is_new {
            format!("/admin/reimbursement-rules/{id}/copy")
        } else {
            format!("/admin/reimbursement-rules/{id}")
        },
        is_new,
        cap_kinds: CapKind::ALL.iter().map(|k| (k.code(), t.get(&format!("rule-cap-kind-{}", k.code())))).collect(),
        deadline_kinds: DeadlineKind::ALL
            .iter()
            .map(|k| (k.code(), t.get(&format!("rule-deadline-kind-{}", k.code()))))
            .collect(),
        revisions: revisions
            .into_iter()
            .map(|r| {
                let line = t.text(
                    "rule-revision-line",
                    &[("revision", r.revision.to_string()), ("at", local_time(r.replaced_at))],
                );
                (line, r.snapshot)
            })
            .collect(),
        v,
        vals: typed(&row),
        row,
        ctx: PageContext::new(ctx, title, "/admin/reimbursement-rules"),
    };
    Ok(render_with(status, &page))
}

pub async fn edit_form(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Path(id): Path<i32>,
    Params(q): Params<FormQuery>,
) -> AppResult<Response> {
    form_page(&state, &ctx, id, q.copy.is_some(), Filled::default()).await
}

async fn save_rule(
    state: AppState,
    ctx: RequestContext,
    id: i32,
    is_new: bool,
    Submitted { input, fields }: Submitted<RuleForm>,
) -> AppResult<Response> {
    let base = state.store.run(move |conn| rules::row(conn, id)).await?;
    let outcome = match input.check() {
        Ok(terms) => {
            let (actor, row, revision) = (ctx.actor(), base.with(terms), input.revision);
            Ok(state
                .store
                .run(move |conn| {
                    if is_new {
                        rules::add(conn, &actor, row).map(|_| ())
                    } else {
                        rules::update(conn, &actor, id, row, revision)
                    }
                })
                .await)
        }
        Err(errors) => Err(errors),
    };
    match Filled::after("rule", fields, outcome)? {
        None => Ok(Redirect::to("/admin/reimbursement-rules?saved=1").into_response()),
        Some(f) => form_page(&state, &ctx, id, is_new, f).await,
    }
}

pub async fn update(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Path(id): Path<i32>,
    form: Submitted<RuleForm>,
) -> AppResult<Response> {
    save_rule(state, ctx, id, false, form).await
}

pub async fn copy(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Path(id): Path<i32>,
    form: Submitted<RuleForm>,
) -> AppResult<Response> {
    save_rule(state, ctx, id, true, form).await
}
