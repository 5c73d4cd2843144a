//! Agreements with each municipality: their versions and terms, invoices and payments, and a
//! withdrawal with its arithmetic and the scenario for the parties that remain.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use etablera_domain::agreements::termination::NoticeForm;
use etablera_domain::agreements::{InvoiceSchedule, RefundPolicy, Side, Terms, Validity};
use etablera_domain::cofinancing::invoices::PopulationChoice;
use etablera_domain::cofinancing::payment::{AddressForm, PostalAddress};
use etablera_domain::cofinancing::{Claimant, Unit, apportion};
use etablera_domain::ids::AgreementId;
use etablera_domain::money::Money;
use etablera_domain::municipality;
use etablera_store::agreements::{self, Agreement};
use etablera_store::cofinancing::withdrawals::{self, Withdrawal};
use etablera_store::cofinancing::{invoices, population, posts};
use serde::Deserialize;

use super::current_post;
use super::invoices::{InvoiceView, view};
use crate::api::{Params, Path};
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Asked, Fields, Filled, Submitted, save};
use crate::i18n::Tr;
use crate::pages::{PageContext, render_with};

/// The terms in words.
pub struct TermsView {
    pub validity: String,
    pub notice: String,
    pub refund: String,
    pub vacancy: String,
    pub schedule: String,
}

pub fn terms_view(terms: &Terms, t: &Tr) -> TermsView {
    TermsView {
        validity: match terms.validity {
            Validity::FixedTerm { start, end } => {
                t.text("terms-fixed", &[("start", start.to_string()), ("end", end.to_string())])
            }
            Validity::UntilFurtherNotice { start } => t.with("terms-until-notice", "start", start),
        },
        notice: match terms.notice_months {
            Some(m) => t.with("terms-notice", "months", m),
            None => t.get("terms-no-notice"),
        },
        refund: t.get(match terms.refund_policy {
            RefundPolicy::None => "terms-refund-none",
            RefundPolicy::FromMonthAfterEnd => "terms-refund-month-after",
        }),
        vacancy: match terms.vacancy_threshold_months {
            Some(m) => t.with("terms-vacancy-threshold", "months", m),
            None => t.get("terms-vacancy-any"),
        },
        schedule: match &terms.schedule {
            InvoiceSchedule::Yearly { month, day } => {
                t.text("terms-yearly", &[("day", day.to_string()), ("month", month.to_string())])
            }
            InvoiceSchedule::Instalments(list) => list
                .iter()
                .map(|i| {
                    t.text(
                        "terms-instalment",
                        &[
                            ("due", i.due.to_string()),
                            ("start", i.period.start.to_string()),
                            ("end", i.period.end.to_string()),
                        ],
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            InvoiceSchedule::None => t.get("terms-not-invoiced"),
        },
    }
}

pub struct AgreementRow {
    pub id: i32,
    pub municipality: String,
    pub title: String,
    pub registry_number: String,
    pub validity: String,
    pub status: String,
    pub ended: bool,
}

#[derive(Template)]
#[template(path = "cofinancing/agreements.html")]
struct AgreementsPage {
    ctx: PageContext,
    post_name: Option<String>,
    rows: Vec<AgreementRow>,
}

pub fn status_text(agreement: &Agreement, today: NaiveDate, t: &Tr) -> (String, bool) {
    match (&agreement.termination, agreement.ends_on()) {
        (Some(term), _) => (
            t.text(
                "agreement-terminated",
                &[("notice", term.notice_date.to_string()), ("end", term.end_date.to_string())],
            ),
            true,
        ),
        (None, Some(end)) if end < today => (t.with("agreement-expired", "end", end), true),
        _ => (t.get("agreement-active"), false),
    }
}

pub async fn list(State(state): State<AppState>, Signed { ctx, user }: Signed) -> AppResult<Response> {
    let t = ctx.tr();
    let post = current_post(&state, &user).await?;
    let list = match &post {
        Some(p) => {
            let id = p.id;
            state.store.run(move |conn| agreements::for_post(conn, id)).await?
        }
        None => Vec::new(),
    };
    let page = AgreementsPage {
        post_name: post.map(|p| p.name),
        rows: list
            .iter()
            .map(|a| {
                let (status, ended) = status_text(a, ctx.today(), &t);
                AgreementRow {
                    id: a.id,
                    municipality: format!("{} {}", a.municipality_code, municipality::name_of(&a.municipality_code)),
                    title: a.title.clone(),
                    registry_number: a.current().registry_number.clone().unwrap_or_default(),
                    validity: terms_view(&a.current().terms, &t).validity,
                    status,
                    ended,
                }
            })
            .collect(),
        ctx: PageContext::new(&ctx, t.get("agreements-title"), "/cofinancing/population"),
    };
    Ok(render_with(StatusCode::OK, &page))
}

pub struct VersionView {
    pub version: i32,
    pub effective_from: String,
    pub registry_number: String,
    pub decision: String,
    pub signed_on: String,
    pub terms: TermsView,
    pub municipality_org_number: String,
    pub county_org_number: String,
    pub contacts: Vec<agreements::Contact>,
    pub note: String,
}

/// A withdrawal's outcome in words, and what the others would pay without the party.
pub struct WithdrawalView {
    pub notice_date: String,
    pub end_date: String,
    pub lines: Vec<String>,
    pub scenario_title: String,
    pub scenario: Vec<ScenarioRow>,
    pub scenario_note: String,
}

pub struct ScenarioRow {
    pub municipality: String,
    pub with_party: String,
    pub without_party: String,
    pub difference: String,
    pub withdrawing: bool,
}

#[derive(Template)]
#[template(path = "cofinancing/agreement.html")]
struct AgreementPage {
    ctx: PageContext,
    id: i32,
    municipality: String,
    today: String,
    status: String,
    terminated: bool,
    versions: Vec<VersionView>,
    invoices: Vec<InvoiceView>,
    paid: Vec<(i32, String)>,
    withdrawal: Option<WithdrawalView>,
    recorded: bool,
    /// Where the municipality's invoices go, as stored ("" when not yet said).
    address: Fields,
    /// The notice's forms: the preview (asked by GET) and the recording, named alike so that
    /// an error of either is shown at the day typed.
    f: Filled,
}

/// The form that previews and records a notice.
const NOTICE: &str = "withdrawal";

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    recorded: Option<String>,
}

async fn agreement_of_post(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    id: i32,
) -> AppResult<Agreement> {
    let post = current_post(state, user).await?.ok_or(AppError::NotFound)?;
    let actor = ctx.actor();
    let agreement = state.store.run(move |conn| agreements::get(conn, &actor, id)).await?;
    if agreement.post_id != Some(post.id) {
        return Err(AppError::NotFound);
    }
    Ok(agreement)
}

/// What the remaining parties would each pay in the year after the party leaves, by the latest
/// population table, against what all would pay.
async fn scenario(
    state: &AppState,
    agreement: &Agreement,
    end_date: NaiveDate,
    t: &Tr,
) -> AppResult<(String, Vec<ScenarioRow>, String)> {
    let post_id = agreement.post_id.ok_or(AppError::NotFound)?;
    let leaving = agreement.municipality_code.clone();
    let year = end_date.year() + 1;
    let (post, model, parties, figures) = state
        .store
        .run(move |conn| {
            let post = posts::get(conn, post_id)?;
            let model = posts::cost_model_for(conn, post_id, year)?;
            let parties: Vec<String> = agreements::for_post(conn, post_id)?
                .into_iter()
                .filter(|a| a.ends_on().is_none_or(|end| end.year() >= year))
                .map(|a| a.municipality_code)
                .collect();
            // A forecast: the table the agreement names when it is there, else the latest before it.
            let choice = PopulationChoice::new(
                year,
                post.population_year_lag,
                population::years(conn)?.into_iter().map(|(y, _)| y),
            );
            let figures = match choice.available {
                Some(y) => (y, population::figures(conn, y, Some(&post.county_code))?),
                None => (choice.wanted, Vec::new()),
            };
            Ok((post, model, parties, figures))
        })
        .await?;
    let (population_year, figures) = figures;
    let Some(model) = model else {
        return Ok((t.with("scenario-title", "year", year), Vec::new(), t.with("scenario-no-cost", "year", year)));
    };
    let total = model.cost.cost(12);
    let claimants = |without: bool| -> Vec<Claimant> {
        let mut list: Vec<&String> = parties.iter().collect();
        if !list.contains(&&leaving) {
            list.push(&leaving);
        }
        list.into_iter()
            .filter(|code| !(without && **code == leaving))
            .filter_map(|code| figures.iter().find(|f| &f.code == code).cloned())
            .collect()
    };
    let (all, rest) = (claimants(false), claimants(true));
    if all.is_empty() || rest.is_empty() {
        return Ok((
            t.with("scenario-title", "year", year),
            Vec::new(),
            t.with("scenario-no-population", "year", population_year),
        ));
    }
    let with = apportion(total, Unit::Krona, &all).map_err(|e| AppError::Internal(e.to_string()))?;
    let without = apportion(total, Unit::Krona, &rest).map_err(|e| AppError::Internal(e.to_string()))?;
    let rows = with
        .iter()
        .map(|a| {
            let after = without.iter().find(|b| b.code == a.code).map(|b| b.amount);
            ScenarioRow {
                municipality: format!("{} {}", a.code, a.name),
                with_party: a.amount.to_string(),
                without_party: after.map(|m| m.to_string()).unwrap_or_else(|| "–".into()),
                difference: after.map(|m| format!("+{}", m - a.amount)).unwrap_or_else(|| format!("-{}", a.amount)),
                withdrawing: a.code == leaving,
            }
        })
        .collect();
    let note = t.text(
        "scenario-note",
        &[
            ("post", post.name),
            ("total", total.to_string()),
            ("arithmetic", model.cost.arithmetic(12)),
            ("population_year", population_year.to_string()),
            ("parties", rest.len().to_string()),
        ],
    );
    Ok((t.with("scenario-title", "year", year), rows, note))
}

fn outcome_lines(w: &Withdrawal, t: &Tr) -> Vec<String> {
    let mut lines = vec![t.with("withdrawal-end", "end", w.end_date)];
    match (&w.invoice, w.outcome) {
        (Some(invoice), Some(o)) => {
            lines.push(t.text(
                "withdrawal-invoice",
                &[
                    ("number", invoice.number.clone()),
                    ("amount", invoice.amount().to_string()),
                    ("status", super::invoices::status_name(t, invoice.status)),
                ],
            ));
            if let Some(from) = o.refund_from {
                lines.push(t.text(
                    "withdrawal-refund",
                    &[
                        ("from", from.to_string()),
                        ("amount", invoice.amount().to_string()),
                        ("months", o.refund_months.to_string()),
                        ("period_months", o.period_months.to_string()),
                        ("refund", o.refund.to_string()),
                    ],
                ));
            } else if o.amount_due.ore() > 0 || o.due_months > 0 {
                lines.push(t.text(
                    "withdrawal-final",
                    &[
                        ("amount", invoice.amount().to_string()),
                        ("months", o.due_months.to_string()),
                        ("period_months", o.period_months.to_string()),
                        ("due", o.amount_due.to_string()),
                    ],
                ));
            } else {
                lines.push(t.get("withdrawal-no-refund"));
            }
        }
        _ => lines.push(t.get("withdrawal-not-invoiced")),
    }
    if let Some(created) = &w.created {
        lines.push(t.text(
            "withdrawal-created",
            &[("number", created.number.clone()), ("amount", created.amount().to_string())],
        ));
    }
    lines
}

/// The recorded termination in words: its end, and the refund or final amount recorded.
fn recorded_lines(term: &agreements::Termination, t: &Tr) -> Vec<String> {
    let mut lines = vec![t.with("withdrawal-end", "end", term.end_date)];
    if let Some(number) = &term.registry_number {
        lines.push(t.with("withdrawal-recorded-registry", "registry", number));
    }
    if term.refund_ore > 0 {
        lines.push(t.with("withdrawal-recorded-refund", "refund", Money::from_ore(term.refund_ore)));
    }
    if term.amount_due_ore > 0 {
        lines.push(t.with("withdrawal-recorded-final", "due", Money::from_ore(term.amount_due_ore)));
    }
    if term.refund_ore == 0 && term.amount_due_ore == 0 {
        lines.push(t.get("withdrawal-recorded-nothing"));
    }
    lines
}

/// The agreement's page; with a notice's `preview`, its calculation and the scenario.
async fn render_agreement(
    state: &AppState,
    ctx: &RequestContext,
    agreement: Agreement,
    preview: Option<(NaiveDate, Withdrawal)>,
    f: Filled,
    recorded: bool,
) -> AppResult<Response> {
    let t = ctx.tr();
    let id = agreement.id;
    let code = agreement.municipality_code.clone();
    let (list, paid) = state
        .store
        .run(move |conn| {
            Ok((invoices::for_agreement(conn, AgreementId::new(id))?, invoices::paid_per_year(conn, &code)?))
        })
        .await?;
    // A recorded termination shows what was recorded; a preview shows the calculation.
    let outcome = match (&agreement.termination, &preview) {
        (Some(term), _) => Some((term.notice_date.to_string(), term.end_date, recorded_lines(term, &t))),
        (None, Some((notice, w))) => Some((notice.to_string(), w.end_date, outcome_lines(w, &t))),
        (None, None) => None,
    };
    let withdrawal_view = match outcome {
        Some((notice_date, end_date, lines)) => {
            let (scenario_title, scenario, scenario_note) = scenario(state, &agreement, end_date, &t).await?;
            Some(WithdrawalView {
                notice_date,
                end_date: end_date.to_string(),
                lines,
                scenario_title,
                scenario,
                scenario_note,
            })
        }
        None => None,
    };
    let (status, _) = status_text(&agreement, ctx.today(), &t);
    let status_code = f.status();
    let page = AgreementPage {
        id,
        today: ctx.today().to_string(),
        municipality: format!(
            "{} {}",
            agreement.municipality_code,
            municipality::name_of(&agreement.municipality_code)
        ),
        status,
        terminated: agreement.termination.is_some(),
        versions: agreement
            .versions
            .iter()
            .rev()
            .map(|v| VersionView {
                version: v.version,
                effective_from: v.effective_from.to_string(),
                registry_number: v.registry_number.clone().unwrap_or_default(),
                decision: v.decision.clone().unwrap_or_default(),
                signed_on: v.signed_on.map(|d| d.to_string()).unwrap_or_default(),
                terms: terms_view(&v.terms, &t),
                municipality_org_number: v.municipality_org_number.clone(),
                county_org_number: v.county_org_number.clone(),
                contacts: v.contacts.clone(),
                note: v.note.clone().unwrap_or_default(),
            })
            .collect(),
        invoices: list.iter().map(|i| view(i, &t)).collect(),
        paid: paid.into_iter().map(|(y, m): (i32, Money)| (y, m.to_string())).collect(),
        withdrawal: withdrawal_view,
        recorded,
        address: address_fields(agreement.invoice_address.as_ref()),
        f,
        ctx: PageContext::new(ctx, agreement.title.clone(), "/cofinancing/population"),
    };
    Ok(render_with(status_code, &page))
}

/// The stored invoicing address as the form's fields.
pub(super) fn address_fields(address: Option<&PostalAddress>) -> Fields {
    let Some(a) = address else { return Fields::default() };
    Fields(vec![
        ("street".to_owned(), a.street.clone()),
        ("postcode".to_owned(), a.postcode.to_string()),
        ("city".to_owned(), a.city.clone()),
    ])
}

/// The form that sets the municipality's invoicing address.
const ADDRESS: &str = "address";

/// Sets where the municipality's invoices under the agreement are sent.
pub async fn set_address(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<AddressForm>,
) -> AppResult<Response> {
    let agreement = agreement_of_post(&state, &ctx, &user, id).await?;
    let actor = ctx.actor();
    let outcome =
        save(&state, input.check(), move |conn, address| agreements::set_invoice_address(conn, &actor, id, &address))
            .await;
    match Filled::after(ADDRESS, fields, outcome)? {
        None => Ok(Redirect::to(&format!("/cofinancing/agreements/{id}#address-heading")).into_response()),
        Some(f) => render_agreement(&state, &ctx, agreement, None, f, false).await,
    }
}

/// The agreement; with `?notice_date=` a preview of a withdrawal on that date (nothing saved).
pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Params(q): Params<ShowQuery>,
    Asked { input, fields }: Asked<NoticeForm>,
) -> AppResult<Response> {
    let agreement = agreement_of_post(&state, &ctx, &user, id).await?;
    if agreement.termination.is_some() || input.notice_date.trim().is_empty() {
        let recorded = agreement.termination.is_some() && q.recorded.is_some();
        return render_agreement(&state, &ctx, agreement, None, Filled::default(), recorded).await;
    }
    let notice = match input.check() {
        Ok(notice) => notice,
        Err(errors) => {
            return render_agreement(&state, &ctx, agreement, None, Filled::failed(NOTICE, fields, errors), false)
                .await;
        }
    };
    match state.store.run(move |conn| withdrawals::preview(conn, id, notice.date)).await {
        Ok(preview) => {
            let f = Filled::kept(NOTICE, fields);
            render_agreement(&state, &ctx, agreement, Some((notice.date, preview)), f, false).await
        }
        Err(e) => {
            let f = Filled::from_store(NOTICE, fields, e)?;
            render_agreement(&state, &ctx, agreement, None, f, false).await
        }
    }
}

/// Records the notice, with its refund or final invoice.
pub async fn withdraw(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<NoticeForm>,
) -> AppResult<Response> {
    let agreement = agreement_of_post(&state, &ctx, &user, id).await?;
    let actor = ctx.actor();
    let outcome = save(&state, input.check(), move |conn, notice| {
        withdrawals::withdraw(conn, &actor, id, notice.date, notice.registry_number.as_deref())
    })
    .await;
    match Filled::after(NOTICE, fields, outcome)? {
        None => Ok(Redirect::to(&format!("/cofinancing/agreements/{id}?recorded=1")).into_response()),
        Some(f) => render_agreement(&state, &ctx, agreement, None, f, false).await,
    }
}
