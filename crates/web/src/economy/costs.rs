//! Costs: the list, and the form that tells as the cost is entered which claim type it belongs
//! to, how much is reimbursable under the cap in force on its date, and what is over the cap.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use etablera_domain::documents::{Owner, OwnerKind};
use etablera_domain::economy::costs::CostForm;
use etablera_domain::economy::rules::CostCategory;
use etablera_domain::ids::{HouseholdId, PersonId};
use etablera_domain::input::Invalid;
use etablera_domain::money::Money;
use etablera_store::StoreError;
use etablera_store::economy::costs::{self, Assessment, CostFilter, CostSort, NewCost, NotReimbursable};
use serde::Deserialize;

use super::{category_name, claim_type_name};
use crate::access::scope;
use crate::api::Params;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::documents::{self as attached, DocumentsView};
use crate::error::AppResult;
use crate::forms::{Filled, Submitted};
use crate::i18n::Tr;
use crate::listing::{ListParams, Listing};
use crate::pages::{PageContext, render, render_with};

pub struct CostRow {
    pub id: i32,
    /// Not in a claim and the household's newest in its category.
    pub removable: bool,
    pub date: String,
    pub household_id: i32,
    pub household: String,
    pub category: String,
    pub supplier: String,
    pub amount: String,
    pub reimbursable: String,
    pub over_cap: String,
    pub deadline: String,
    pub claim: Option<i32>,
}

#[derive(Template)]
#[template(path = "economy/costs.html")]
struct CostsPage {
    ctx: PageContext,
    f: Filled,
    notice: Option<String>,
    section: &'static str,
    has_households: bool,
    rows: Vec<CostRow>,
    total: String,
    total_reimbursable: String,
    total_over_cap: String,
    search: String,
    unclaimed: bool,
    /// The list shows one household's costs.
    household_id: Option<i32>,
    /// The households a search for one found, to choose from: id, label and names.
    matches: Vec<(i32, String, String)>,
    headings: Vec<crate::listing::Heading>,
    pager: crate::listing::Pager,
}

/// The cost list's address: its search, filter, order and page.
#[derive(Debug, Default, Deserialize)]
pub struct CostsQuery {
    pub saved: Option<String>,
    pub unclaimed: Option<String>,
    /// One household's costs, by its id (the start page's links to costs near their deadline).
    pub household: Option<String>,
    /// `q` is part of a household's reference.
    #[serde(flatten)]
    pub list: ListParams,
}

impl CostsQuery {
    fn store(&self) -> AppResult<costs::CostQuery> {
        let list = &self.list;
        Ok(costs::CostQuery {
            filter: CostFilter {
                unclaimed: self.unclaimed.is_some(),
                household: list.search(),
                ..CostFilter::default()
            },
            sort: if list.sort.as_deref() == Some("deadline") { CostSort::Deadline } else { CostSort::Date },
            ascending: !list.descending(list.sort.as_deref() != Some("deadline")),
            paging: list.paging()?,
        })
    }
}

fn money(m: Money) -> String {
    m.to_string()
}

pub async fn list(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<CostsQuery>,
) -> AppResult<Response> {
    let notice = q.saved.as_ref().map(|_| ctx.tr().get("cost-removed"));
    list_page(&state, &ctx, &user, &q, Filled::default(), notice).await
}

async fn list_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    q: &CostsQuery,
    f: Filled,
    notice: Option<String>,
) -> AppResult<Response> {
    choose_page(state, ctx, user, q, f, notice, Vec::new()).await
}

async fn choose_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    q: &CostsQuery,
    f: Filled,
    notice: Option<String>,
    matches: Vec<(i32, String, String)>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let scope = scope(user);
    let mut query = q.store()?;
    query.filter.household_id = crate::listing::filter::<i32>("household", q.household.as_deref())?;
    let asked = query.clone();
    let (has_households, list) = state
        .store
        .run(move |conn| {
            Ok((etablera_store::reception::households::any(conn, &scope)?, costs::page(conn, &scope, &asked)?))
        })
        .await?;
    let search = query.filter.household.clone().unwrap_or_default();
    let sort = if query.sort == CostSort::Deadline { "deadline" } else { "date" };
    let listing = Listing::new("/economy", sort, !query.ascending, query.paging)
        .keep("q", Some(&search))
        .keep("unclaimed", query.filter.unclaimed.then_some("on"))
        .keep("household", query.filter.household_id.map(|h| h.to_string()).as_deref());
    let headings = vec![
        listing.heading("date", t.get("col-date"), true),
        listing.heading("deadline", t.get("cost-deadline"), false),
    ];
    let pager = listing.pager(&t, &list.page);
    let status = f.status();
    let page = CostsPage {
        f,
        notice,
        section: "costs",
        has_households,
        total: money(list.amount),
        total_reimbursable: money(list.reimbursable),
        total_over_cap: money(list.over_cap),
        rows: list
            .page
            .rows
            .iter()
            .map(|listed| {
                let c = &listed.cost;
                CostRow {
                    id: c.id,
                    removable: listed.removable,
                    date: c.cost_date.to_string(),
                    household_id: c.household_id,
                    household: listed.household.clone(),
                    category: category_name(&t, c.category),
                    supplier: c.supplier.clone(),
                    amount: money(Money::from_ore(c.amount_ore)),
                    reimbursable: money(Money::from_ore(c.reimbursable_ore)),
                    over_cap: money(Money::from_ore(c.over_cap_ore)),
                    deadline: c.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    claim: c.claim_id,
                }
            })
            .collect(),
        search,
        unclaimed: query.filter.unclaimed,
        household_id: query.filter.household_id,
        matches,
        headings,
        pager,
        ctx: PageContext::new(ctx, t.get("economy-costs-title"), "/economy"),
    };
    Ok(render_with(status, &page))
}

pub async fn remove(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    crate::api::Path(id): crate::api::Path<i32>,
    Submitted { fields, .. }: Submitted<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome = Ok(state.store.run(move |conn| costs::remove(conn, &actor, &scope, id)).await);
    match Filled::after("remove", fields, outcome)? {
        None => Ok(Redirect::to("/economy?saved=removed").into_response()),
        Some(f) => list_page(&state, &ctx, &user, &CostsQuery::default(), f, None).await,
    }
}

#[derive(Template)]
#[template(path = "economy/cost.html")]
struct CostPage {
    ctx: PageContext,
    f: Filled,
    notice: Option<String>,
    section: &'static str,
    household_id: i32,
    household: String,
    facts: Vec<(String, String)>,
    claim: Option<i32>,
    documents: DocumentsView,
}

async fn cost_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    id: i32,
    f: Filled,
    notice: Option<String>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let (actor, scope) = (ctx.actor(), scope(user));
    let file = state.store.run(move |conn| costs::open(conn, &actor, &scope, id)).await?;
    let c = &file.cost;
    let mut facts = vec![
        (t.get("cost-date"), c.cost_date.to_string()),
        (t.get("cost-person-short"), file.person_name.clone().unwrap_or_else(|| t.get("cost-whole-household-short"))),
        (t.get("cost-category"), category_name(&t, c.category)),
        (t.get("cost-supplier"), c.supplier.clone()),
        (t.get("cost-amount"), money(Money::from_ore(c.amount_ore))),
        (t.get("cost-vat-short"), money(Money::from_ore(c.vat_ore))),
    ];
    if let Some(reference) = &c.receipt_reference {
        facts.push((t.get("cost-receipt-short"), reference.clone()));
    }
    if let Some(claim_type) = c.claim_type {
        facts.push((t.get("cost-claim-type"), claim_type_name(&t, claim_type)));
        facts.push((t.get("cost-reimbursable"), money(Money::from_ore(c.reimbursable_ore))));
        facts.push((t.get("cost-over-cap"), money(Money::from_ore(c.over_cap_ore))));
    }
    if let Some(deadline) = c.deadline {
        facts.push((t.get("cost-deadline"), deadline.to_string()));
    }
    let status = f.status();
    let page = CostPage {
        section: "costs",
        household_id: c.household_id,
        household: file.household_label.clone(),
        claim: c.claim_id,
        documents: DocumentsView::new(
            &t,
            user,
            Owner::new(OwnerKind::Cost, id),
            format!("/economy/costs/{id}/documents"),
            &file.documents,
        ),
        facts,
        f,
        notice,
        ctx: PageContext::new(
            ctx,
            t.text(
                "economy-cost-title",
                &[("household", file.household_label.clone()), ("date", c.cost_date.to_string())],
            ),
            "/economy",
        ),
    };
    Ok(render_with(status, &page))
}

/// One cost, with its receipt and other documents.
pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    crate::api::Path(id): crate::api::Path<i32>,
    Params(q): Params<crate::forms::SavedQuery>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let notice = q.saved.and_then(|s| attached::saved_notice(&t, &s));
    cost_page(&state, &ctx, &user, id, Filled::default(), notice).await
}

/// Attaches a document (the receipt, the invoice) to the cost.
pub async fn attach_document(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    crate::api::Path(id): crate::api::Path<i32>,
    form: crate::security::CsrfMultipart,
) -> AppResult<Response> {
    let owner = Owner::new(OwnerKind::Cost, id);
    match attached::attach(&state, &ctx, &user, owner, form).await? {
        Ok(household_id) => Ok(attached::after_attach(owner, household_id)),
        Err(f) => cost_page(&state, &ctx, &user, id, f, None).await,
    }
}

/// What the rule says about the cost, in words.
pub struct AssessmentView {
    pub claim_type: String,
    pub reimbursable: String,
    pub over_cap: String,
    pub cap: Option<String>,
    /// Shown at once when part of the cost cannot be reclaimed.
    pub warning: Option<String>,
    pub deadline: String,
}

pub fn assessment_view(t: &Tr, category: CostCategory, a: &Assessment) -> AssessmentView {
    let name = category_name(t, category);
    let warning = if a.over_cap.ore() == 0 {
        None
    } else {
        Some(match (a.reason, a.cap) {
            (Some(NotReimbursable::NoRule), _) => t.with("cost-warning-no-rule", "amount", a.over_cap),
            (Some(NotReimbursable::NotResettled), _) => t.with("cost-warning-not-resettled", "amount", a.over_cap),
            (None, Some(cap)) => t.text(
                if a.already.ore() == 0 { "cost-warning-over-cap" } else { "cost-warning-over-cap-used" },
                &[
                    ("amount", money(a.over_cap)),
                    ("category", name.to_lowercase()),
                    ("cap", money(cap)),
                    ("already", money(a.already)),
                ],
            ),
            (None, None) => t.with("cost-warning-cap-missing", "amount", a.over_cap),
        })
    };
    AssessmentView {
        claim_type: a.claim_type.map_or_else(|| t.get("cost-no-claim-type"), |c| claim_type_name(t, c)),
        reimbursable: money(a.reimbursable),
        over_cap: money(a.over_cap),
        cap: a.cap.map(|cap| {
            let key = if a.already.ore() == 0 { "cost-cap" } else { "cost-cap-used" };
            t.text(key, &[("cap", money(cap)), ("already", money(a.already))])
        }),
        warning,
        deadline: a.deadline.map(|d| d.to_string()).unwrap_or_else(|| t.get("cost-deadline-missing")),
    }
}

#[derive(Template)]
#[template(path = "economy/_assessment.html")]
struct AssessmentFragment {
    ctx: PageContext,
    assessment: Option<AssessmentView>,
}

#[derive(Template)]
#[template(path = "economy/cost_form.html")]
struct CostFormPage {
    ctx: PageContext,
    section: &'static str,
    f: Filled,
    notice: Option<String>,
    household_id: i32,
    household: String,
    persons: Vec<(String, String)>,
    categories: Vec<(&'static str, String)>,
    assessment: Option<AssessmentView>,
    today: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct FormQuery {
    pub household: Option<i32>,
    /// A household's reference as typed in the list's picker.
    pub reference: Option<String>,
    pub saved: Option<i32>,
}

async fn form_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    household_id: i32,
    f: Filled,
    assessment: Option<AssessmentView>,
    notice: Option<String>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let (actor, scope) = (ctx.actor(), scope(user));
    let (label, persons) =
        state.store.run(move |conn| costs::household_persons(conn, &actor, &scope, household_id)).await?;
    let status = f.status();
    let page = CostFormPage {
        section: "costs",
        household_id,
        persons: persons.iter().map(|p| (p.id.to_string(), format!("{} ({})", p.name(), p.birth()))).collect(),
        categories: CostCategory::ALL.iter().map(|c| (c.code(), category_name(&t, *c))).collect(),
        assessment,
        notice,
        today: ctx.today().to_string(),
        f,
        ctx: PageContext::new(ctx, t.with("cost-new-title", "household", &label), "/economy"),
        household: label,
    };
    Ok(render_with(status, &page))
}

pub async fn new_form(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<FormQuery>,
) -> AppResult<Response> {
    // Without a household the page is the list, where one is chosen: by its reference, or by
    // the case list's search (a name, a personnummer, a dossier number); several found are
    // offered to choose from.
    let household_id = match (q.household, q.reference.as_deref().map(str::trim)) {
        (Some(id), _) => id,
        (None, Some(reference)) if !reference.is_empty() => {
            use crate::reception::{Picked, pick_household};
            let message = match pick_household(&state, &ctx, &user, reference).await? {
                Picked::One(id) => Ok(id),
                Picked::NoneFound => Err((
                    etablera_domain::text::Text::new("cost-household-unknown").with("reference", reference),
                    Vec::new(),
                )),
                Picked::Several { total, matches } => {
                    Err((etablera_domain::text::Text::new("cost-household-several").with("count", total), matches))
                }
            };
            match message {
                Ok(id) => id,
                Err((message, matches)) => {
                    let fields = crate::forms::Fields(vec![("reference".into(), reference.to_owned())]);
                    let f = Filled::failed("household", fields, vec![Invalid::new("reference", message)]);
                    return choose_page(&state, &ctx, &user, &CostsQuery::default(), f, None, matches).await;
                }
            }
        }
        (None, _) => return list_page(&state, &ctx, &user, &CostsQuery::default(), Filled::default(), None).await,
    };
    let t = ctx.tr();
    let notice = match q.saved {
        None => None,
        Some(id) => {
            let scope = scope(&user);
            let cost = state.store.run(move |conn| costs::get(conn, &scope, id)).await?;
            let mut text = t.text(
                "cost-saved",
                &[
                    ("reimbursable", money(Money::from_ore(cost.reimbursable_ore))),
                    ("over_cap", money(Money::from_ore(cost.over_cap_ore))),
                ],
            );
            if cost.over_cap_ore > 0 {
                text.push(' ');
                text.push_str(&t.get("cost-saved-grant"));
            }
            Some(text)
        }
    };
    form_page(&state, &ctx, &user, household_id, Filled::default(), None, notice).await
}

/// The cost form as sent: the household (a hidden field), the person it is for (a choice of
/// the household's, or none), which button was pressed, and the cost as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CostSubmission {
    household: i32,
    person: Option<i32>,
    /// `preview` for the button that only measures the cost.
    action: String,
    #[serde(flatten)]
    cost: CostForm,
}

impl CostSubmission {
    fn check(&self, today: NaiveDate) -> Result<NewCost, Vec<Invalid>> {
        let details = self.cost.check(today)?;
        Ok(NewCost {
            household_id: HouseholdId::new(self.household),
            person_id: self.person.map(PersonId::new),
            details,
        })
    }
}

pub async fn create(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<CostSubmission>,
) -> AppResult<Response> {
    let household_id = input.household;
    let preview = input.action == "preview";
    let cost = match input.check(ctx.today()) {
        Ok(cost) => cost,
        Err(errors) => {
            let f = Filled::failed("cost", fields, errors);
            return form_page(&state, &ctx, &user, household_id, f, None, None).await;
        }
    };
    let (actor, scope) = (ctx.actor(), scope(&user));
    let category = cost.details.category;
    let t = ctx.tr();
    if preview {
        let result = state.store.run(move |conn| costs::assess(conn, &scope, &cost)).await;
        return match result {
            Ok(a) => {
                let view = assessment_view(&t, category, &a);
                let f = Filled { form: "cost".into(), fields, ..Filled::default() };
                form_page(&state, &ctx, &user, household_id, f, Some(view), None).await
            }
            Err(e) => {
                let f = Filled::from_store("cost", fields, e)?;
                form_page(&state, &ctx, &user, household_id, f, None, None).await
            }
        };
    }
    match state.store.run(move |conn| costs::record(conn, &actor, &scope, &cost)).await {
        Ok((id, _)) => {
            Ok(Redirect::to(&format!("/economy/costs/new?household={household_id}&saved={id}")).into_response())
        }
        Err(e @ StoreError::Invalid { .. }) => {
            let f = Filled::from_store("cost", fields, e)?;
            form_page(&state, &ctx, &user, household_id, f, None, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The assessment alone, for the form to show as the user types (htmx). Bad or partial input
/// shows nothing rather than an error: the user is still typing.
pub async fn preview(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, .. }: Submitted<CostSubmission>,
) -> AppResult<Html<String>> {
    let t = ctx.tr();
    let assessment = match input.check(ctx.today()) {
        Err(_) => None,
        Ok(cost) => {
            let scope = scope(&user);
            let category = cost.details.category;
            match state.store.run(move |conn| costs::assess(conn, &scope, &cost)).await {
                Ok(a) => Some(assessment_view(&t, category, &a)),
                Err(StoreError::Invalid { .. }) => None,
                Err(e) => return Err(e.into()),
            }
        }
    };
    render(&AssessmentFragment { assessment, ctx: PageContext::new(&ctx, String::new(), "") })
}
