//! Registering an agreement and recording an amendment as a new version: one form for both.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use etablera_domain::agreements::{Instalment, InvoiceSchedule, Period, RefundPolicy, Terms, Validity};
use etablera_domain::identity::OrganisationNumber;
use etablera_domain::municipality::{self, MunicipalityCode};
use etablera_domain::time::parse_date;
use etablera_store::StoreError;
use etablera_store::agreements::{self, Contact, NewVersion};

use super::calculator::FieldError;
use super::current_post;
use crate::api::Path;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::pages::{PageContext, render_with};
use crate::security::CsrfForm;

type Pairs = Vec<(String, String)>;

fn field<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or("")
}

#[derive(Template)]
#[template(path = "cofinancing/agreement_form.html")]
struct FormPage {
    ctx: PageContext,
    /// `None` for a new agreement; the agreement's id for an amendment.
    amend: Option<i32>,
    has_post: bool,
    action: String,
    municipalities: Vec<(String, String)>,
    values: Pairs,
    errors: Vec<FieldError>,
    /// Someone recorded another version since the form was opened: shown with 409, input kept.
    conflict: bool,
}

impl FormPage {
    fn value(&self, name: &str) -> &str {
        field(&self.values, name)
    }

    fn checked(&self, name: &str, value: &str) -> bool {
        self.value(name) == value
    }

    fn error_for(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == name).map(|e| e.message.as_str())
    }
}

fn defaults(county_org: &str) -> Pairs {
    [
        ("validity", "until_notice"),
        ("refund_policy", "from-month-after-end"),
        ("schedule", "yearly"),
        ("due_month", "12"),
        ("due_day", "10"),
        ("notice_months", "2"),
        ("vacancy_threshold_months", "1"),
        ("county_org_number", county_org),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

async fn render(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    amend: Option<i32>,
    values: Pairs,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let post = current_post(state, user).await?;
    let county = post.as_ref().map(|p| p.county_code.clone()).unwrap_or_default();
    let title = match amend {
        Some(_) => t.get("agreement-form-amend"),
        None => t.get("agreement-form-new"),
    };
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
        values,
        ctx: PageContext::new(ctx, title, "/cofinancing/population"),
        conflict: errors.iter().any(|e| e.field == "form"),
        errors: errors.clone(),
    };
    let status = if page.conflict {
        StatusCode::CONFLICT
    } else if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_with(status, &page))
}

pub async fn new_form(State(state): State<AppState>, Signed { ctx, user }: Signed) -> AppResult<Response> {
    let county_org = current_post(&state, &user).await?.map(|p| p.employer_org_number).unwrap_or_default();
    render(&state, &ctx, &user, None, defaults(&county_org), Vec::new()).await
}

/// The amendment form starts from the version in force.
pub async fn amend_form(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let post = current_post(&state, &user).await?.ok_or(AppError::NotFound)?;
    let agreement = state.store.run(move |conn| agreements::for_post_one(conn, id)).await?;
    if agreement.post_id != Some(post.id) {
        return Err(AppError::NotFound);
    }
    let v = agreement.current();
    let mut values = defaults(&v.county_org_number);
    values.push(("based_on".to_owned(), v.version.to_string()));
    let mut set = |k: &str, val: String| {
        values.retain(|(key, _)| key != k);
        values.push((k.to_owned(), val));
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
            set("schedule", "yearly".into());
            set("due_month", month.to_string());
            set("due_day", day.to_string());
        }
        InvoiceSchedule::Instalments(list) => {
            set("schedule", "instalments".into());
            set(
                "instalments",
                list.iter()
                    .map(|i| format!("{};{};{}", i.due, i.period.start, i.period.end))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        // Orders are not edited here.
        InvoiceSchedule::None => set("schedule", "none".into()),
    }
    set("municipality_org_number", v.municipality_org_number.clone());
    render(&state, &ctx, &user, Some(id), values, Vec::new()).await
}

/// Reads the form into a version, or every field that is wrong.
fn parse_version(pairs: &Pairs, t: &crate::i18n::Tr) -> Result<NewVersion, Vec<FieldError>> {
    let mut errors = Vec::new();
    let error = |errors: &mut Vec<FieldError>, field: &'static str, key: &str| {
        errors.push(FieldError { field, message: t.get(key) })
    };
    let date = |name: &str| parse_date(field(pairs, name));
    let optional_months = |name: &str| -> Result<Option<u32>, ()> {
        match field(pairs, name) {
            "" => Ok(None),
            text => text.parse::<u32>().ok().filter(|m| (1..=120).contains(m)).map(Some).ok_or(()),
        }
    };
    let effective_from = date("effective_from");
    if effective_from.is_none() {
        error(&mut errors, "effective_from", "agreement-form-bad-date");
    }
    let signed_on = match field(pairs, "signed_on") {
        "" => Some(None),
        _ => date("signed_on").map(Some),
    };
    if signed_on.is_none() {
        error(&mut errors, "signed_on", "agreement-form-bad-date");
    }
    let start = date("start_date");
    if start.is_none() {
        error(&mut errors, "start_date", "agreement-form-bad-date");
    }
    let fixed = field(pairs, "validity") == "fixed";
    let end = if fixed { date("end_date") } else { None };
    if fixed && end.is_none() {
        error(&mut errors, "end_date", "agreement-form-bad-date");
    }
    let notice = optional_months("notice_months");
    if notice.is_err() {
        error(&mut errors, "notice_months", "agreement-form-bad-months");
    }
    let vacancy = optional_months("vacancy_threshold_months");
    if vacancy.is_err() {
        error(&mut errors, "vacancy_threshold_months", "agreement-form-bad-months");
    }
    let refund_policy = RefundPolicy::from_code(field(pairs, "refund_policy")).unwrap_or(RefundPolicy::None);
    let schedule = if field(pairs, "schedule") == "instalments" {
        let mut list = Vec::new();
        for line in field(pairs, "instalments").lines().map(str::trim).filter(|l| !l.is_empty()) {
            let parts: Vec<&str> = line.split(';').map(str::trim).collect();
            let parsed = match parts.as_slice() {
                [due, start, end] => match (parse_date(due), parse_date(start), parse_date(end)) {
                    (Some(due), Some(start), Some(end)) => {
                        Period::new(start, end).ok().map(|period| Instalment { due, period })
                    }
                    _ => None,
                },
                _ => None,
            };
            match parsed {
                Some(i) => list.push(i),
                None => {
                    errors.push(FieldError {
                        field: "instalments",
                        message: t.with("agreement-form-bad-instalment", "line", line),
                    });
                }
            }
        }
        if list.is_empty() && !errors.iter().any(|e| e.field == "instalments") {
            error(&mut errors, "instalments", "agreement-form-no-instalments");
        }
        Some(InvoiceSchedule::Instalments(list))
    } else {
        match (field(pairs, "due_month").parse::<u32>(), field(pairs, "due_day").parse::<u32>()) {
            (Ok(month), Ok(day)) if NaiveDate::from_ymd_opt(2023, month, day).is_some() => {
                Some(InvoiceSchedule::Yearly { month, day })
            }
            _ => {
                error(&mut errors, "due_day", "agreement-form-bad-due");
                None
            }
        }
    };
    let org = |name: &'static str, errors: &mut Vec<FieldError>| match field(pairs, name).parse::<OrganisationNumber>()
    {
        Ok(n) => Some(n),
        Err(e) => {
            errors.push(FieldError { field: name, message: t.say(&e.text().sentence()) });
            None
        }
    };
    let municipality_org = org("municipality_org_number", &mut errors);
    let county_org = org("county_org_number", &mut errors);
    let mut contacts = Vec::new();
    for side in ["county", "municipality"] {
        let name = field(pairs, &format!("{side}_contact_name"));
        if name.is_empty() {
            continue;
        }
        let opt = |k: &str| Some(field(pairs, &format!("{side}_contact_{k}")).to_owned()).filter(|v| !v.is_empty());
        contacts.push(Contact {
            side: side.into(),
            name: name.into(),
            title: opt("title"),
            email: opt("email"),
            phone: opt("phone"),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let start = start.expect("checked above");
    Ok(NewVersion {
        effective_from: effective_from.expect("checked above"),
        registry_number: Some(field(pairs, "registry_number").to_owned()).filter(|v| !v.is_empty()),
        decision: Some(field(pairs, "decision").to_owned()).filter(|v| !v.is_empty()),
        signed_on: signed_on.expect("checked above"),
        terms: Terms {
            validity: match end {
                Some(end) => Validity::FixedTerm { start, end },
                None => Validity::UntilFurtherNotice { start },
            },
            notice_months: notice.expect("checked above"),
            refund_policy,
            vacancy_threshold_months: vacancy.expect("checked above"),
            schedule: schedule.expect("checked above"),
        },
        municipality_org_number: municipality_org.expect("checked above"),
        county_org_number: county_org.expect("checked above"),
        contacts,
        note: Some(field(pairs, "note").to_owned()).filter(|v| !v.is_empty()),
    })
}

fn store_error(e: StoreError, t: &crate::i18n::Tr) -> Result<FieldError, AppError> {
    match e {
        StoreError::Invalid { field, message } => Ok(FieldError { field, message: t.say(&message) }),
        StoreError::Stale => Ok(FieldError { field: "form", message: t.get("form-stale") }),
        other => Err(other.into()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let post = current_post(&state, &user).await?.ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    let code = match field(&pairs, "municipality").parse::<MunicipalityCode>() {
        Ok(c) if c.municipality().county_code == post.county_code => Some(c),
        _ => {
            errors.push(FieldError { field: "municipality", message: t.get("agreement-form-bad-municipality") });
            None
        }
    };
    let version = parse_version(&pairs, &t).map_err(|e| errors.extend(e)).ok();
    let (Some(code), Some(version)) = (code, version) else {
        return render(&state, &ctx, &user, None, pairs, errors).await;
    };
    let title = match field(&pairs, "title") {
        "" => t.with("agreement-default-title", "municipality", code.name()),
        given => given.to_owned(),
    };
    let actor = ctx.actor();
    match state.store.run(move |conn| agreements::create(conn, &actor, post.id, &code, &title, &version)).await {
        Ok(id) => Ok(Redirect::to(&format!("/cofinancing/agreements/{id}")).into_response()),
        Err(e) => {
            let e = store_error(e, &t)?;
            render(&state, &ctx, &user, None, pairs, vec![e]).await
        }
    }
}

pub async fn amend(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let post = current_post(&state, &user).await?.ok_or(AppError::NotFound)?;
    let agreement = state.store.run(move |conn| agreements::for_post_one(conn, id)).await?;
    if agreement.post_id != Some(post.id) {
        return Err(AppError::NotFound);
    }
    let version = match parse_version(&pairs, &t) {
        Ok(v) => v,
        Err(errors) => return render(&state, &ctx, &user, Some(id), pairs, errors).await,
    };
    let actor = ctx.actor();
    let based_on = field(&pairs, "based_on").parse().unwrap_or(0);
    match state.store.run(move |conn| agreements::amend(conn, &actor, id, based_on, &version)).await {
        Ok(_) => Ok(Redirect::to(&format!("/cofinancing/agreements/{id}")).into_response()),
        Err(e) => {
            let e = store_error(e, &t)?;
            render(&state, &ctx, &user, Some(id), pairs, vec![e]).await
        }
    }
}
