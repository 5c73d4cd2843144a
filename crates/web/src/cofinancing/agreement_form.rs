//! Registering an agreement and recording an amendment as a new version: one form for both.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::agreements::{
    AgreementForm, AmendmentForm, InvoiceSchedule, InvoiceScheduleKind, RefundPolicy, Validity,
};
use etablera_domain::municipality;
use etablera_store::agreements;

use super::current_post;
use crate::api::Path;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Fields, Filled, Submitted, save};
use crate::pages::{PageContext, render_with};

/// The form's name, which prefixes its fields' ids.
const FORM: &str = "agreement";

#[derive(Template)]
#[template(path = "cofinancing/agreement_form.html")]
struct FormPage {
    ctx: PageContext,
    f: Filled,
    /// `None` for a new agreement; the agreement's id for an amendment.
    amend: Option<i32>,
    has_post: bool,
    action: String,
    municipalities: Vec<(String, String)>,
    /// The values before anything is typed: the usual terms, or the version in force.
    defaults: Fields,
}

impl FormPage {
    /// The value shown in a field: as typed when this form was sent, else its default.
    fn value(&self, name: &str) -> &str {
        self.f.v(FORM, name, self.defaults.get(name))
    }

    fn chosen(&self, name: &str, value: &str) -> bool {
        self.value(name) == value
    }
}

fn defaults(county_org: &str) -> Fields {
    Fields(
        [
            ("validity", "until_notice"),
            ("refund_policy", RefundPolicy::FromMonthAfterEnd.code()),
            ("schedule", InvoiceScheduleKind::Yearly.code()),
            ("due_month", "12"),
            ("due_day", "10"),
            ("notice_months", "2"),
            ("vacancy_threshold_months", "1"),
            ("county_org_number", county_org),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
    )
}

async fn render(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    amend: Option<i32>,
    defaults: Fields,
    f: Filled,
) -> AppResult<Response> {
    let t = ctx.tr();
    let post = current_post(state, user).await?;
    let county = post.as_ref().map(|p| p.county_code.clone()).unwrap_or_default();
    let title = match amend {
        Some(_) => t.get("agreement-form-amend"),
        None => t.get("agreement-form-new"),
    };
    let status = f.status();
    let page = FormPage {
        action: match amend {
            Some(id) => format!("/cofinancing/agreements/{id}/versions"),
            None => "/cofinancing/agreements/new".into(),
        },
        amend,
        has_post: post.is_some(),
        municipalities: municipality::all()
            .iter()
            .filter(|m| m.county_code == county)
            .map(|m| (m.code.to_owned(), format!("{} {}", m.code, m.name)))
            .collect(),
        defaults,
        f,
        ctx: PageContext::new(ctx, title, "/cofinancing/population"),
    };
    Ok(render_with(status, &page))
}

/// The defaults of a new agreement: the usual terms and the county board's number.
async fn new_defaults(state: &AppState, user: &etablera_store::access::users::User) -> AppResult<Fields> {
    let county_org = current_post(state, user).await?.map(|p| p.employer_org_number).unwrap_or_default();
    Ok(defaults(&county_org))
}

pub async fn new_form(State(state): State<AppState>, Signed { ctx, user }: Signed) -> AppResult<Response> {
    let defaults = new_defaults(&state, &user).await?;
    render(&state, &ctx, &user, None, defaults, Filled::default()).await
}

/// The agreement of the caller's post, or not found.
async fn of_post(
    state: &AppState,
    user: &etablera_store::access::users::User,
    id: i32,
) -> AppResult<agreements::Agreement> {
    let post = current_post(state, user).await?.ok_or(AppError::NotFound)?;
    let agreement = state.store.run(move |conn| agreements::for_post_one(conn, id)).await?;
    if agreement.post_id != Some(post.id) {
        return Err(AppError::NotFound);
    }
    Ok(agreement)
}

/// The version in force as the form's values, with the version it is written from.
fn version_defaults(v: &agreements::Version) -> Fields {
    let mut values = defaults(&v.county_org_number);
    values.0.push(("based_on".to_owned(), v.version.to_string()));
    let mut set = |k: &str, val: String| {
        values.0.retain(|(key, _)| key != k);
        values.0.push((k.to_owned(), val));
    };
    let terms = &v.terms;
    match terms.validity {
        Validity::FixedTerm { start, end } => {
            set("validity", "fixed".into());
            set("start_date", start.to_string());
            set("end_date", end.to_string());
        }
        Validity::UntilFurtherNotice { start } => {
            set("validity", "until_notice".into());
            set("start_date", start.to_string());
        }
    }
    set("notice_months", terms.notice_months.map(|m| m.to_string()).unwrap_or_default());
    set("refund_policy", terms.refund_policy.code().into());
    set("vacancy_threshold_months", terms.vacancy_threshold_months.map(|m| m.to_string()).unwrap_or_default());
    match &terms.schedule {
        InvoiceSchedule::Yearly { month, day } => {
            set("schedule", terms.schedule.kind().code().into());
            set("due_month", month.to_string());
            set("due_day", day.to_string());
        }
        InvoiceSchedule::Instalments(list) => {
            set("schedule", terms.schedule.kind().code().into());
            set(
                "instalments",
                list.iter()
                    .map(|i| format!("{};{};{}", i.due, i.period.start, i.period.end))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        // Orders are not edited here.
        InvoiceSchedule::None => set("schedule", terms.schedule.kind().code().into()),
    }
    set("municipality_org_number", v.municipality_org_number.clone());
    values
}

/// The amendment form starts from the version in force.
pub async fn amend_form(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let agreement = of_post(&state, &user, id).await?;
    let defaults = version_defaults(agreement.current());
    render(&state, &ctx, &user, Some(id), defaults, Filled::default()).await
}

pub async fn create(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<AgreementForm>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let post = current_post(&state, &user).await?.ok_or(AppError::NotFound)?;
    let mut id = None;
    let outcome = match input.check(&post.county_code) {
        Ok(new) => {
            let title =
                new.title.unwrap_or_else(|| t.with("agreement-default-title", "municipality", new.municipality.name()));
            let actor = ctx.actor();
            let saved = state
                .store
                .run(move |conn| agreements::create(conn, &actor, post.id, &new.municipality, &title, &new.first))
                .await;
            id = saved.as_ref().ok().copied();
            Ok(saved.map(|_| ()))
        }
        Err(errors) => Err(errors),
    };
    match Filled::after(FORM, fields, outcome)? {
        None => Ok(Redirect::to(&format!("/cofinancing/agreements/{}", id.unwrap_or_default())).into_response()),
        Some(f) => {
            let defaults = new_defaults(&state, &user).await?;
            render(&state, &ctx, &user, None, defaults, f).await
        }
    }
}

/// Records an amendment written from the version `based_on`; another recorded since makes it
/// stale (409, the input kept).
pub async fn amend(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<AmendmentForm>,
) -> AppResult<Response> {
    let agreement = of_post(&state, &user, id).await?;
    let (actor, based_on) = (ctx.actor(), input.based_on);
    let outcome =
        save(&state, input.check(), move |conn, version| agreements::amend(conn, &actor, id, based_on, &version)).await;
    match Filled::after(FORM, fields, outcome)? {
        None => Ok(Redirect::to(&format!("/cofinancing/agreements/{id}")).into_response()),
        Some(f) => render(&state, &ctx, &user, Some(id), version_defaults(agreement.current()), f).await,
    }
}
