use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use etablera_domain::access::Role;
use etablera_domain::municipality::MunicipalityCode;
use etablera_store::StoreError;
use etablera_store::access::users::{self, NewUser};
use serde::Deserialize;

use crate::api::{Params, Path};
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::{PageContext, local_time, render, render_with};
use crate::security::CsrfForm;

pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub roles: String,
    pub municipalities: String,
    pub unit: String,
    pub disabled: bool,
    pub created: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ctx: PageContext,
    users: Vec<UserRow>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    created: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Params(q): Params<ListQuery>,
) -> AppResult<Html<String>> {
    let t = ctx.tr();
    let actor = ctx.actor();
    let found = state.store.run(move |conn| users::list(conn, &actor)).await?;
    let page = UsersPage {
        users: found
            .into_iter()
            .map(|u| UserRow {
                roles: u.roles.iter().map(|r| t.role(r)).collect::<Vec<_>>().join(", "),
                municipalities: u.municipalities.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", "),
                unit: u.unit.unwrap_or_default(),
                disabled: u.disabled,
                created: local_time(u.created_at),
                username: u.username,
                display_name: u.display_name,
            })
            .collect(),
        notice: q.created.map(|name| t.with("users-created", "username", name)),
        ctx: PageContext::new(&ctx, t.get("users-title"), "/admin/users"),
    };
    render(&page)
}

pub struct RoleChoice {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

/// A field's error, for the summary at the top and the message at the field.
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "user_new.html")]
struct NewUserPage {
    ctx: PageContext,
    errors: Vec<FieldError>,
    username: String,
    display_name: String,
    municipalities: String,
    unit: String,
    email: String,
    roles: Vec<RoleChoice>,
}

impl NewUserPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

fn role_choices(t: &Tr, checked: &[Role]) -> Vec<RoleChoice> {
    Role::ALL.iter().map(|r| RoleChoice { code: r.code(), label: t.role(r), checked: checked.contains(r) }).collect()
}

pub async fn new_form(Signed { ctx, .. }: Signed) -> AppResult<Html<String>> {
    let t = ctx.tr();
    render(&NewUserPage {
        errors: Vec::new(),
        username: String::new(),
        display_name: String::new(),
        municipalities: String::new(),
        unit: String::new(),
        email: String::new(),
        roles: role_choices(&t, &[]),
        ctx: PageContext::new(&ctx, t.get("users-new"), "/admin/users"),
    })
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

pub async fn create(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let mut errors = Vec::new();
    let roles: Vec<Role> = pairs.iter().filter(|(k, _)| k == "roles").filter_map(|(_, v)| v.parse().ok()).collect();
    let mut municipalities: Vec<MunicipalityCode> = Vec::new();
    for code in field(&pairs, "municipalities").split(',').map(str::trim).filter(|c| !c.is_empty()) {
        match code.parse() {
            Ok(parsed) => municipalities.push(parsed),
            Err(_) => errors.push(FieldError {
                field: "municipalities".into(),
                message: t.with("users-bad-municipality", "code", code),
            }),
        }
    }
    let new = NewUser {
        username: field(&pairs, "username").trim().to_owned(),
        display_name: field(&pairs, "display_name").to_owned(),
        password: field(&pairs, "password").to_owned(),
        roles: roles.clone(),
        municipalities,
        unit: Some(field(&pairs, "unit").to_owned()),
        email: Some(field(&pairs, "email").to_owned()),
    };
    if errors.is_empty() {
        let actor = ctx.actor();
        let to_create = new.clone();
        match state.store.run(move |conn| users::create(conn, &actor, &to_create)).await {
            Ok(user) => {
                let query = serde_urlencoded::to_string([("created", &user.username)]).unwrap_or_default();
                return Ok(Redirect::to(&format!("/admin/users?{query}")).into_response());
            }
            Err(StoreError::Invalid { field, message }) => {
                errors.push(FieldError { field: field.into(), message: t.say(&message) })
            }
            Err(e) => return Err(e.into()),
        }
    }
    let page = NewUserPage {
        errors,
        username: new.username,
        display_name: new.display_name,
        municipalities: field(&pairs, "municipalities").to_owned(),
        unit: field(&pairs, "unit").to_owned(),
        email: field(&pairs, "email").to_owned(),
        roles: role_choices(&t, &roles),
        ctx: PageContext::new(&ctx, t.get("users-new"), "/admin/users"),
    };
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

async fn set_disabled(
    state: AppState,
    ctx: RequestContext,
    me: &str,
    username: String,
    disabled: bool,
) -> AppResult<Response> {
    if disabled && username == me {
        return Err(AppError::Invalid {
            field: "username".into(),
            message: etablera_domain::text::Text::new("users-cannot-disable-self"),
        });
    }
    let actor = ctx.actor();
    state.store.run(move |conn| users::set_disabled(conn, &actor, &username, disabled)).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

pub async fn disable(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(username): Path<String>,
    CsrfForm(_): CsrfForm<super::login::Empty>,
) -> AppResult<Response> {
    set_disabled(state, ctx, &user.username, username, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(username): Path<String>,
    CsrfForm(_): CsrfForm<super::login::Empty>,
) -> AppResult<Response> {
    set_disabled(state, ctx, &user.username, username, false).await
}
