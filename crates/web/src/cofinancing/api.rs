//! `/api/v1/cofinancing`: the same calculations as the pages, in öre.

use axum::Json;
use axum::extract::State;
use etablera_domain::cofinancing::{CostModel, Percent, StatedRow, Unit, apportion, check_table};
use etablera_domain::money::Money;
use etablera_domain::municipality::MunicipalityCode;
use etablera_domain::time::Year;
use etablera_store::cofinancing::population;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::Path;
use crate::api::{JsonBody, MAX_AMOUNT_ORE, Params, codes};
use crate::app::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::i18n::Text;

fn invalid(field: &str, message: Text) -> AppError {
    AppError::Invalid { field: field.to_owned(), message }
}

/// A county as the API names it: two digits (a county without municipalities has no figures).
fn county(code: Option<&str>) -> AppResult<Option<String>> {
    match code {
        Some(c) if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_digit()) => {
            Err(invalid("county", Text::new("api-county")))
        }
        c => Ok(c.map(str::to_owned)),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PopulationQuery {
    /// The year of the figures.
    pub year: i32,
    /// Only this county's municipalities (two digits, e.g. 05).
    #[param(pattern = r"^[0-9]{2}$")]
    pub county: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PopulationRowBody {
    pub code: String,
    pub name: String,
    pub population: u64,
}

#[derive(Serialize, ToSchema)]
pub struct PopulationBody {
    pub year: i32,
    pub total: u64,
    pub rows: Vec<PopulationRowBody>,
}

/// Population per municipality for a year.
#[utoipa::path(get, path = "/api/v1/cofinancing/populations", tag = "cofinancing", params(PopulationQuery),
    responses((status = 200, body = PopulationBody)))]
pub async fn populations(
    State(state): State<AppState>,
    Signed { .. }: Signed,
    Params(q): Params<PopulationQuery>,
) -> AppResult<Json<PopulationBody>> {
    let county = county(q.county.as_deref())?;
    let figures = state.store.run(move |conn| population::figures(conn, q.year, county.as_deref())).await?;
    Ok(Json(PopulationBody {
        year: q.year,
        total: figures.iter().map(|f| f.population).sum(),
        rows: figures
            .into_iter()
            .map(|f| PopulationRowBody { code: f.code, name: f.name, population: f.population })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApportionQuery {
    /// The year of the population figures.
    pub year: i32,
    /// The total to split, in öre.
    #[param(minimum = 0, maximum = 100_000_000_000_i64)]
    pub total_ore: i64,
    /// The rounding unit: whole kronor (the default) or öre.
    #[param(schema_with = codes::<RoundTo>)]
    pub unit: Option<RoundTo>,
    /// The county (two digits); default the caller's county.
    #[param(pattern = r"^[0-9]{2}$")]
    pub county: Option<String>,
}

etablera_domain::coded! {
    /// The unit an apportionment is rounded to.
    pub enum RoundTo {
        Kr = "kr",
        Ore = "ore",
    }
}

#[derive(Serialize, ToSchema)]
pub struct AllocationBody {
    pub code: String,
    pub name: String,
    pub population: u64,
    pub amount_ore: i64,
    /// The share of the population, e.g. "5,9496 %".
    pub share: String,
    /// The exact quota before rounding, e.g. "41 737,6699 kr".
    pub exact_quota: String,
    pub rounded_up: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ApportionBody {
    pub total_ore: i64,
    pub sum_ore: i64,
    pub total_population: u64,
    pub rows: Vec<AllocationBody>,
}

/// Splits a total among a county's municipalities by population (largest remainder).
#[utoipa::path(get, path = "/api/v1/cofinancing/apportionment", tag = "cofinancing", params(ApportionQuery),
    responses((status = 200, body = ApportionBody)))]
pub async fn apportionment(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Params(q): Params<ApportionQuery>,
) -> AppResult<Json<ApportionBody>> {
    let unit = match q.unit {
        None | Some(RoundTo::Kr) => Unit::Krona,
        Some(RoundTo::Ore) => Unit::Ore,
    };
    if !(0..=MAX_AMOUNT_ORE).contains(&q.total_ore) {
        return Err(invalid("total_ore", Text::new("api-amount-range")));
    }
    let county = county(q.county.as_deref())?.or_else(|| super::county_of(&user));
    let year = q.year;
    let figures = state.store.run(move |conn| population::figures(conn, year, county.as_deref())).await?;
    if figures.is_empty() {
        return Err(invalid("year", Text::new("population-none-for-year").with("year", year)));
    }
    let claimants = figures;
    let total = Money::from_ore(q.total_ore);
    let allocation = apportion(total, unit, &claimants).map_err(|e| invalid("total_ore", e.text()))?;
    Ok(Json(ApportionBody {
        total_ore: total.ore(),
        sum_ore: allocation.iter().map(|a| a.amount.ore()).sum(),
        total_population: claimants.iter().map(|c| c.population).sum(),
        rows: allocation
            .iter()
            .map(|a| AllocationBody {
                code: a.code.clone(),
                name: a.name.clone(),
                population: a.population,
                amount_ore: a.amount.ore(),
                share: a.share_text(),
                exact_quota: a.quota_text(),
                rounded_up: a.rounded_up,
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CostQuery {
    #[param(minimum = 0, maximum = 100_000_000_000_i64)]
    pub monthly_salary_ore: i64,
    /// On-costs in percent, 0–1000 with at most two decimals, e.g. `48` or `31.42`.
    #[param(pattern = r"^(1000([.,]0{1,2})?|0?[0-9]{1,3}([.,][0-9]{1,2})?)$")]
    pub on_cost_percent: String,
    #[serde(default)]
    #[param(minimum = 0, maximum = 100_000_000_000_i64)]
    pub monthly_overhead_ore: i64,
    #[param(minimum = 1, maximum = 1200)]
    pub months: u32,
}

#[derive(Serialize, ToSchema)]
pub struct CostBody {
    pub total_ore: i64,
}

/// A post's cost for a number of months.
#[utoipa::path(get, path = "/api/v1/cofinancing/cost", tag = "cofinancing", params(CostQuery),
    responses((status = 200, body = CostBody)))]
pub async fn cost(Signed { .. }: Signed, Params(q): Params<CostQuery>) -> AppResult<Json<CostBody>> {
    // The forms also take "48 %" and "48,"; the API takes its pattern's form only.
    let text = q.on_cost_percent.as_str();
    let plain = text.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',') && !text.ends_with(['.', ',']);
    let on_cost: Percent = Some(text)
        .filter(|_| plain)
        .ok_or(etablera_domain::cofinancing::cost::PercentError)
        .and_then(str::parse)
        .map_err(|e: etablera_domain::cofinancing::cost::PercentError| invalid("on_cost_percent", e.text()))?;
    for (field, amount) in
        [("monthly_salary_ore", q.monthly_salary_ore), ("monthly_overhead_ore", q.monthly_overhead_ore)]
    {
        if !(0..=MAX_AMOUNT_ORE).contains(&amount) {
            return Err(invalid(field, Text::new("api-amount-range")));
        }
    }
    if !(1..=1200).contains(&q.months) {
        return Err(invalid("months", Text::new("api-months-range")));
    }
    let model = CostModel {
        monthly_salary: Money::from_ore(q.monthly_salary_ore),
        on_cost,
        monthly_overhead: Money::from_ore(q.monthly_overhead_ore),
    };
    Ok(Json(CostBody { total_ore: model.cost(q.months).ore() }))
}

#[derive(Deserialize, ToSchema)]
pub struct StatedRowBody {
    pub code: String,
    #[serde(default)]
    pub name: String,
    pub population: u64,
    pub stated_ore: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct TableCheckRequest {
    pub total_ore: i64,
    pub rows: Vec<StatedRowBody>,
}

#[derive(Serialize, ToSchema)]
pub struct CheckedRowBody {
    pub code: String,
    pub stated_ore: i64,
    pub expected_ore: i64,
    pub difference_ore: i64,
    pub flagged: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TableCheckBody {
    pub stated_sum_ore: i64,
    pub sum_matches_total: bool,
    pub rows: Vec<CheckedRowBody>,
}

/// Checks a printed table against the exact allocation of its total.
#[utoipa::path(post, path = "/api/v1/cofinancing/table-check", tag = "cofinancing", request_body = TableCheckRequest,
    responses((status = 200, body = TableCheckBody)))]
pub async fn table_check(
    Signed { .. }: Signed,
    JsonBody(request): JsonBody<TableCheckRequest>,
) -> AppResult<Json<TableCheckBody>> {
    let mut rows = Vec::with_capacity(request.rows.len());
    for (i, r) in request.rows.iter().enumerate() {
        let code: MunicipalityCode =
            r.code.parse().map_err(|e: etablera_domain::municipality::MunicipalityCodeError| {
                invalid("rows", Text::new("api-row-error").with("row", i + 1).with_text("message", e.text()))
            })?;
        let name = if r.name.is_empty() { code.name().to_owned() } else { r.name.clone() };
        rows.push(StatedRow {
            code: code.to_string(),
            name,
            population: r.population,
            stated: Money::from_ore(r.stated_ore),
        });
    }
    let check = check_table(Money::from_ore(request.total_ore), &rows).map_err(|e| invalid("rows", e.text()))?;
    Ok(Json(TableCheckBody {
        stated_sum_ore: check.stated_sum.ore(),
        sum_matches_total: check.sum_matches_total,
        rows: check
            .rows
            .iter()
            .map(|r| CheckedRowBody {
                code: r.code.clone(),
                stated_ore: r.stated.ore(),
                expected_ore: r.expected.ore(),
                difference_ore: r.difference.ore(),
                flagged: r.flagged,
            })
            .collect(),
    }))
}

// ---- agreements, invoices, withdrawals, vacancies ----

use chrono::NaiveDate;
use etablera_domain::agreements::{InvoiceSchedule, Period, Validity};
use etablera_store::StoreError;
use etablera_store::agreements::{self, Agreement};
use etablera_store::cofinancing::invoices::{self, Invoice};
use etablera_store::cofinancing::{vacancies, withdrawals};

use crate::i18n::Tr;

#[derive(Serialize, ToSchema)]
pub struct TermsBody {
    pub start_date: NaiveDate,
    /// Empty for an agreement until further notice.
    pub end_date: Option<NaiveDate>,
    pub notice_months: Option<u32>,
    /// `none` or `from-month-after-end`.
    pub refund_policy: String,
    pub vacancy_threshold_months: Option<u32>,
    /// `yearly` (by `yearly_due`, MM-DD) or `instalments`.
    pub schedule: String,
    pub yearly_due: Option<String>,
    pub instalments: Vec<InstalmentBody>,
}

#[derive(Serialize, ToSchema)]
pub struct InstalmentBody {
    pub due: NaiveDate,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct VersionBody {
    pub version: i32,
    pub effective_from: NaiveDate,
    pub registry_number: Option<String>,
    pub decision: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub municipality_org_number: String,
    pub county_org_number: String,
    pub terms: TermsBody,
    /// Contact persons; only in the single agreement (the reading is logged).
    pub contacts: Vec<ContactBody>,
}

#[derive(Serialize, ToSchema)]
pub struct ContactBody {
    pub side: String,
    pub name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TerminationBody {
    pub notice_date: NaiveDate,
    pub end_date: NaiveDate,
    pub refund_ore: i64,
    pub amount_due_ore: i64,
}

#[derive(Serialize, ToSchema)]
pub struct AgreementBody {
    pub id: i32,
    pub municipality_code: String,
    pub title: String,
    pub versions: Vec<VersionBody>,
    pub termination: Option<TerminationBody>,
}

fn agreement_body(a: &Agreement) -> AgreementBody {
    AgreementBody {
        id: a.id,
        municipality_code: a.municipality_code.clone(),
        title: a.title.clone(),
        versions: a
            .versions
            .iter()
            .map(|v| {
                let terms = &v.terms;
                let (schedule, yearly_due, instalments) = match &terms.schedule {
                    InvoiceSchedule::Yearly { month, day } => {
                        (terms.schedule.kind(), Some(format!("{month:02}-{day:02}")), Vec::new())
                    }
                    InvoiceSchedule::Instalments(list) => (
                        terms.schedule.kind(),
                        None,
                        list.iter()
                            .map(|i| InstalmentBody {
                                due: i.due,
                                period_start: i.period.start,
                                period_end: i.period.end,
                            })
                            .collect(),
                    ),
                    InvoiceSchedule::None => (terms.schedule.kind(), None, Vec::new()),
                };
                VersionBody {
                    version: v.version,
                    effective_from: v.effective_from,
                    registry_number: v.registry_number.clone(),
                    decision: v.decision.clone(),
                    signed_on: v.signed_on,
                    municipality_org_number: v.municipality_org_number.clone(),
                    county_org_number: v.county_org_number.clone(),
                    terms: TermsBody {
                        start_date: terms.validity.start(),
                        end_date: match terms.validity {
                            Validity::FixedTerm { end, .. } => Some(end),
                            Validity::UntilFurtherNotice { .. } => None,
                        },
                        notice_months: terms.notice_months,
                        refund_policy: terms.refund_policy.code().to_owned(),
                        vacancy_threshold_months: terms.vacancy_threshold_months,
                        schedule: schedule.code().to_owned(),
                        yearly_due,
                        instalments,
                    },
                    contacts: v
                        .contacts
                        .iter()
                        .map(|c| ContactBody {
                            side: c.side.code().to_owned(),
                            name: c.name.clone(),
                            title: c.title.clone(),
                            email: c.email.clone(),
                            phone: c.phone.clone(),
                        })
                        .collect(),
                }
            })
            .collect(),
        termination: a.termination.as_ref().map(|t| TerminationBody {
            notice_date: t.notice_date,
            end_date: t.end_date,
            refund_ore: t.refund_ore,
            amount_due_ore: t.amount_due_ore,
        }),
    }
}

async fn post_id(state: &AppState, user: &etablera_store::access::users::User) -> AppResult<i32> {
    super::current_post(state, user)
        .await?
        .map(|p| p.id)
        .ok_or_else(|| invalid("post", Text::new("post-none-in-county")))
}

/// The agreements of the caller's shared post, without contact persons.
#[utoipa::path(get, path = "/api/v1/cofinancing/agreements", tag = "cofinancing",
    responses((status = 200, body = Vec<AgreementBody>)))]
pub async fn agreements_list(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
) -> AppResult<Json<Vec<AgreementBody>>> {
    let id = post_id(&state, &user).await?;
    let list = state.store.run(move |conn| agreements::for_post(conn, id)).await?;
    Ok(Json(list.iter().map(agreement_body).collect()))
}

async fn owned_agreement(
    state: &AppState,
    user: &etablera_store::access::users::User,
    actor: etablera_store::access::Actor,
    id: i32,
) -> AppResult<Agreement> {
    let post = post_id(state, user).await?;
    let agreement = state.store.run(move |conn| agreements::get(conn, &actor, id)).await?;
    if agreement.post_id != Some(post) {
        return Err(AppError::NotFound);
    }
    Ok(agreement)
}

/// One agreement with all its versions and contact persons. The reading is logged.
#[utoipa::path(get, path = "/api/v1/cofinancing/agreements/{id}", tag = "cofinancing", params(("id" = i32, Path)),
    responses((status = 200, body = AgreementBody)))]
pub async fn agreement(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
) -> AppResult<Json<AgreementBody>> {
    let agreement = owned_agreement(&state, &user, ctx.actor(), id).await?;
    Ok(Json(agreement_body(&agreement)))
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceBody {
    pub id: i32,
    pub number: String,
    pub agreement_id: i32,
    pub municipality_code: String,
    /// `invoice`, `final` or `credit`.
    pub kind: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The date the document bears: the day it was sent, or until then the day it is to be sent.
    pub invoice_date: NaiveDate,
    /// The day payment is due: the invoice date plus the terms of payment.
    pub due_date: NaiveDate,
    pub amount_ore: i64,
    /// `draft`, `sent`, `paid` or `credited`.
    pub status: String,
    /// How the amount was reached, in the request's language.
    pub basis: String,
    pub version: i32,
}

fn invoice_body(i: &Invoice, t: &Tr) -> InvoiceBody {
    InvoiceBody {
        id: i.id.get(),
        number: i.number.clone(),
        agreement_id: i.agreement_id.get(),
        municipality_code: i.municipality_code.clone(),
        kind: i.kind.code().to_owned(),
        period_start: i.period_start,
        period_end: i.period_end,
        invoice_date: i.issue_date(),
        due_date: i.due_date(),
        amount_ore: i.amount_ore,
        status: i.status.code().to_owned(),
        basis: super::invoices::basis_text(t, &i.basis),
        version: i.version,
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Invoices dated in this year (2000–2100).
    #[param(value_type = i32, minimum = 2000, maximum = 2100)]
    pub year: Year,
}

/// The invoices due in a year.
#[utoipa::path(get, path = "/api/v1/cofinancing/invoices", tag = "cofinancing", params(YearQuery),
    responses((status = 200, body = Vec<InvoiceBody>)))]
pub async fn invoices_list(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<YearQuery>,
) -> AppResult<Json<Vec<InvoiceBody>>> {
    let id = post_id(&state, &user).await?;
    let list = state.store.run(move |conn| invoices::list(conn, id, Some(q.year))).await?;
    let t = ctx.tr();
    Ok(Json(list.iter().map(|i| invoice_body(i, &t)).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct GenerateRequest {
    /// 2000–2100.
    #[schema(value_type = i32, minimum = 2000, maximum = 2100)]
    pub year: Year,
}

#[derive(Serialize, ToSchema)]
pub struct GenerateBody {
    pub created: Vec<InvoiceBody>,
    /// Agreements that already had their invoice.
    pub already: usize,
}

/// Makes the drafts the agreements' schedules call for in a year; never the same twice.
#[utoipa::path(post, path = "/api/v1/cofinancing/invoices", tag = "cofinancing", request_body = GenerateRequest,
    responses((status = 200, body = GenerateBody)))]
pub async fn invoices_generate(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    JsonBody(request): JsonBody<GenerateRequest>,
) -> AppResult<Json<GenerateBody>> {
    let id = post_id(&state, &user).await?;
    let actor = ctx.actor();
    let generated = state.store.run(move |conn| invoices::generate(conn, &actor, id, request.year)).await?;
    let t = ctx.tr();
    Ok(Json(GenerateBody {
        created: generated.created.iter().map(|i| invoice_body(i, &t)).collect(),
        already: generated.already,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// The day notice is given, YYYY-MM-DD.
    pub notice_date: NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct WithdrawalBody {
    pub end_date: NaiveDate,
    /// The invoice of the period the agreement ends in.
    pub invoice_number: Option<String>,
    pub refund_from: Option<NaiveDate>,
    pub refund_ore: i64,
    pub amount_due_ore: i64,
    /// A credit note or final invoice the withdrawal made (when recorded).
    pub created: Option<InvoiceBody>,
}

fn withdrawal_body(w: &withdrawals::Withdrawal, t: &Tr) -> WithdrawalBody {
    WithdrawalBody {
        end_date: w.end_date,
        invoice_number: w.invoice.as_ref().map(|i| i.number.clone()),
        refund_from: w.outcome.and_then(|o| o.refund_from),
        refund_ore: w.outcome.map_or(0, |o| o.refund.ore()),
        amount_due_ore: w.outcome.map_or(0, |o| o.amount_due.ore()),
        created: w.created.as_ref().map(|i| invoice_body(i, t)),
    }
}

/// What a notice on the date would give; nothing is saved.
#[utoipa::path(get, path = "/api/v1/cofinancing/agreements/{id}/withdrawal", tag = "cofinancing", params(("id" = i32, Path), NoticeQuery),
    responses((status = 200, body = WithdrawalBody)))]
pub async fn withdrawal_preview(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Params(q): Params<NoticeQuery>,
) -> AppResult<Json<WithdrawalBody>> {
    owned_agreement(&state, &user, ctx.actor(), id).await?;
    let preview = state.store.run(move |conn| withdrawals::preview(conn, id, q.notice_date)).await?;
    Ok(Json(withdrawal_body(&preview, &ctx.tr())))
}

#[derive(Deserialize, ToSchema)]
pub struct WithdrawRequest {
    pub notice_date: NaiveDate,
    pub registry_number: Option<String>,
}

/// Records the notice, with its credit note or final invoice. The change is logged.
#[utoipa::path(post, path = "/api/v1/cofinancing/agreements/{id}/withdrawal", tag = "cofinancing", params(("id" = i32, Path)), request_body = WithdrawRequest,
    responses((status = 200, body = WithdrawalBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    JsonBody(request): JsonBody<WithdrawRequest>,
) -> AppResult<Json<WithdrawalBody>> {
    owned_agreement(&state, &user, ctx.actor(), id).await?;
    let actor = ctx.actor();
    let recorded = state
        .store
        .run(move |conn| {
            withdrawals::withdraw(conn, &actor, id, request.notice_date, request.registry_number.as_deref())
        })
        .await?;
    Ok(Json(withdrawal_body(&recorded, &ctx.tr())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VacancyQuery {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct VacancyRefundBody {
    pub municipality_code: String,
    pub invoice_number: String,
    pub threshold_months: Option<u32>,
    pub refundable: bool,
    pub vacancy_days: i64,
    pub period_days: i64,
    pub refund_ore: i64,
}

/// Each party's refund for a vacancy, under its agreement; nothing is saved.
#[utoipa::path(get, path = "/api/v1/cofinancing/vacancy-refunds", tag = "cofinancing", params(VacancyQuery),
    responses((status = 200, body = Vec<VacancyRefundBody>)))]
pub async fn vacancy_refunds(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Params(q): Params<VacancyQuery>,
) -> AppResult<Json<Vec<VacancyRefundBody>>> {
    let period = Period::new(q.start, q.end)
        .map_err(|e| AppError::from(StoreError::invalid("end", Text::new("full-stop").with_text("text", e.text()))))?;
    let id = post_id(&state, &user).await?;
    let refunds = state.store.run(move |conn| vacancies::refunds(conn, id, period)).await?;
    Ok(Json(
        refunds
            .iter()
            .map(|r| VacancyRefundBody {
                municipality_code: r.municipality_code.clone(),
                invoice_number: r.invoice.number.clone(),
                threshold_months: r.threshold_months,
                refundable: r.refund.refundable,
                vacancy_days: r.refund.vacancy_days,
                period_days: r.refund.period_days,
                refund_ore: r.refund.refund.ore(),
            })
            .collect(),
    ))
}
