use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use etablera_domain::access::{PasswordResetForm, Role, UserEditForm, UserForm};
use etablera_store::access::users;
use etablera_store::access::users::User;
use serde::Deserialize;

use crate::api::{Params, Path};
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Filled, Submitted};
use crate::i18n::Tr;
use crate::pages::{PageContext, local_time, render, render_with};

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
    saved: Option<String>,
    reset: Option<String>,
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
        notice: q
            .created
            .map(|name| t.with("users-created", "username", name))
            .or(q.saved.map(|name| t.with("users-saved", "username", name)))
            .or(q.reset.map(|name| t.with("users-password-reset", "username", name))),
        ctx: PageContext::new(&ctx, t.get("users-title"), "/admin/users"),
    };
    render(&page)
}

pub struct RoleChoice {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "user_new.html")]
struct NewUserPage {
    ctx: PageContext,
    f: Filled,
    roles: Vec<RoleChoice>,
}

fn role_choices(t: &Tr) -> Vec<RoleChoice> {
    Role::ALL.iter().map(|r| RoleChoice { code: r.code(), label: t.role(r), checked: false }).collect()
}

fn new_user_page(ctx: &RequestContext, f: Filled) -> Response {
    let t = ctx.tr();
    let status = f.status();
    let page =
        NewUserPage { f, roles: role_choices(&t), ctx: PageContext::new(ctx, t.get("users-new"), "/admin/users") };
    render_with(status, &page)
}

pub async fn new_form(Signed { ctx, .. }: Signed) -> Response {
    new_user_page(&ctx, Filled::default())
}

pub async fn create(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Submitted { input, fields }: Submitted<UserForm>,
) -> AppResult<Response> {
    let mut created = None;
    let outcome = match input.check() {
        Ok(new) => {
            let actor = ctx.actor();
            let made = state.store.run(move |conn| users::create(conn, &actor, &new)).await;
            created = made.as_ref().ok().map(|u| u.username.clone());
            Ok(made.map(|_| ()))
        }
        Err(errors) => Err(errors),
    };
    match Filled::after("user", fields, outcome)? {
        None => {
            let query = serde_urlencoded::to_string([("created", created.unwrap_or_default())]).unwrap_or_default();
            Ok(Redirect::to(&format!("/admin/users?{query}")).into_response())
        }
        Some(f) => Ok(new_user_page(&ctx, f)),
    }
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
    _: Submitted<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    set_disabled(state, ctx, &user.username, username, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(username): Path<String>,
    _: Submitted<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    set_disabled(state, ctx, &user.username, username, false).await
}

#[derive(Template)]
#[template(path = "user_edit.html")]
struct EditUserPage {
    ctx: PageContext,
    f: Filled,
    user: User,
    roles: Vec<RoleChoice>,
    municipalities: String,
    /// The version the form was opened at: the user's, or the one sent when shown again.
    version: i32,
}

async fn edit_page(state: &AppState, ctx: &RequestContext, username: String, f: Filled) -> AppResult<Response> {
    let t = ctx.tr();
    let actor = ctx.actor();
    let user = state.store.run(move |conn| users::get(conn, &actor, &username)).await?;
    let status = f.status();
    let version = if f.form == "user" { f.fields.version()? } else { user.version };
    let page = EditUserPage {
        roles: Role::ALL
            .iter()
            .map(|r| RoleChoice { code: r.code(), label: t.role(r), checked: user.roles.contains(r) })
            .collect(),
        municipalities: user.municipalities.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", "),
        ctx: PageContext::new(ctx, t.with("users-edit-title", "username", &user.username), "/admin/users"),
        user,
        f,
        version,
    };
    Ok(render_with(status, &page))
}

pub async fn edit_form(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Path(username): Path<String>,
) -> AppResult<Response> {
    edit_page(&state, &ctx, username, Filled::default()).await
}

pub async fn update(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Path(username): Path<String>,
    Submitted { input, fields }: Submitted<UserEditForm>,
) -> AppResult<Response> {
    let version = fields.version()?;
    let (actor, name) = (ctx.actor(), username.clone());
    let outcome = crate::forms::save(&state, input.check(), move |conn, change| {
        users::update(conn, &actor, &name, version, &change)
    })
    .await;
    match Filled::after("user", fields, outcome)? {
        None => {
            let query = serde_urlencoded::to_string([("saved", &username)]).unwrap_or_default();
            Ok(Redirect::to(&format!("/admin/users?{query}")).into_response())
        }
        Some(f) => edit_page(&state, &ctx, username, f).await,
    }
}

/// A temporary password for someone who has forgotten theirs; their sessions end.
pub async fn reset_password(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Path(username): Path<String>,
    Submitted { input, fields }: Submitted<PasswordResetForm>,
) -> AppResult<Response> {
    let (actor, name) = (ctx.actor(), username.clone());
    let outcome = crate::forms::save(&state, input.check(), move |conn, password| {
        users::set_password(conn, &actor, &name, &password)
    })
    .await;
    match Filled::after("reset", fields, outcome)? {
        None => {
            let query = serde_urlencoded::to_string([("reset", &username)]).unwrap_or_default();
            Ok(Redirect::to(&format!("/admin/users?{query}")).into_response())
        }
        Some(f) => edit_page(&state, &ctx, username, f).await,
    }
}
