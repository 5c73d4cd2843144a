//! `/api/v1` for the access area.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, FixedOffset, NaiveDate};
use etablera_domain::access::Role;
use etablera_store::access::log::{Action, RecordKind};
use etablera_store::access::users::{self, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::audit::{AuditQuery, Verified, describe, first_invalid, load_page};
use crate::api::{Params, codes};
use crate::app::AppState;
use crate::context::Signed;
use crate::error::AppError;
use crate::error::AppResult;
use crate::i18n::Text;

#[derive(Serialize, ToSchema)]
pub struct UserBody {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    /// Role codes: admin, case_worker, unit_manager, finance, committee, regional_coordinator,
    /// agreement_contact, auditor.
    pub roles: Vec<String>,
    /// Municipality codes, four digits.
    pub municipalities: Vec<String>,
    pub unit: Option<String>,
    pub disabled: bool,
}

impl From<User> for UserBody {
    fn from(u: User) -> Self {
        UserBody {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            roles: u.roles.iter().map(|r: &Role| r.code().to_owned()).collect(),
            municipalities: u.municipalities.iter().map(|m| m.as_str().to_owned()).collect(),
            unit: u.unit,
            disabled: u.disabled,
        }
    }
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "access",
    responses((status = 200, body = UserBody)))]
pub async fn me(Signed { user, .. }: Signed) -> Json<UserBody> {
    Json(user.into())
}

/// All users (needs the admin role). The reading is logged.
#[utoipa::path(get, path = "/api/v1/users", tag = "access",
    responses((status = 200, body = Vec<UserBody>)))]
pub async fn users(State(state): State<AppState>, Signed { ctx, .. }: Signed) -> AppResult<Json<Vec<UserBody>>> {
    let actor = ctx.actor();
    let found = state.store.run(move |conn| users::list(conn, &actor)).await?;
    Ok(Json(found.into_iter().map(UserBody::from).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct LogRowBody {
    pub id: i32,
    /// RFC 3339 with Stockholm's offset at the time, e.g. `2026-12-05T18:11:09+01:00`.
    pub at: DateTime<FixedOffset>,
    pub actor_user_id: Option<i32>,
    pub actor_username: Option<String>,
    pub action: String,
    pub record_kind: String,
    pub record_id: Option<String>,
    pub municipality_code: Option<String>,
    pub request_id: Option<String>,
    pub client_address: Option<String>,
    pub hash: String,
}

#[derive(Serialize, ToSchema)]
pub struct LogPage {
    pub rows: Vec<LogRowBody>,
    /// More rows follow: ask again with `offset` + the number of rows.
    pub more: bool,
}

/// The access log's filter, as the API takes it: each a value its schema names.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// First day.
    pub from: Option<NaiveDate>,
    /// Last day (included), not before `from`.
    pub to: Option<NaiveDate>,
    #[param(schema_with = codes::<Action>)]
    pub action: Option<Action>,
    /// The kind of record read or changed.
    #[param(schema_with = codes::<RecordKind>)]
    pub kind: Option<RecordKind>,
    /// The acting user's user name.
    pub actor: Option<String>,
    /// Rows to skip, for paging.
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

impl AuditParams {
    fn into_query(self) -> AppResult<AuditQuery> {
        if self.offset.is_some_and(|n| n < 0) {
            return Err(AppError::Invalid { field: "offset".into(), message: Text::new("audit-bad-offset") });
        }
        Ok(AuditQuery {
            from: self.from.map(|d| d.to_string()),
            to: self.to.map(|d| d.to_string()),
            action: self.action.map(|a| a.code().to_owned()),
            kind: self.kind.map(|k| k.code().to_owned()),
            actor: self.actor,
            offset: self.offset,
        })
    }
}

/// The access log, newest first, 50 rows a page (needs the auditor role). The reading is logged.
#[utoipa::path(get, path = "/api/v1/access-log", tag = "access", params(AuditParams),
    responses((status = 200, body = LogPage)))]
pub async fn access_log(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Params(q): Params<AuditParams>,
) -> AppResult<Json<LogPage>> {
    let q = q.into_query()?;
    let (rows, more) = load_page(&state, &ctx, &q).await?.map_err(first_invalid)?;
    Ok(Json(LogPage {
        rows: rows
            .into_iter()
            .map(|(r, actor_username)| LogRowBody {
                id: r.id,
                at: etablera_domain::time::with_offset(r.at),
                actor_user_id: r.actor_user_id,
                actor_username,
                action: r.action.code().to_owned(),
                record_kind: r.record_kind,
                record_id: r.record_id,
                municipality_code: r.municipality_code,
                request_id: r.request_id,
                client_address: r.client_address,
                hash: r.hash,
            })
            .collect(),
        more,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct VerifyBody {
    pub intact: bool,
    pub rows_checked: u64,
    /// The first row where the chain breaks.
    pub first_broken_row: Option<i32>,
    /// How many signed checkpoints the chain was held against (none when the server keeps none).
    pub checkpoints_checked: u64,
    pub message: String,
}

/// Checks the access log's hash chain (needs the auditor role).
#[utoipa::path(get, path = "/api/v1/access-log/verify", tag = "access",
    responses((status = 200, body = VerifyBody)))]
pub async fn verify(State(state): State<AppState>, Signed { ctx, .. }: Signed) -> AppResult<Json<VerifyBody>> {
    let t = ctx.tr();
    let actor = ctx.actor();
    let verified = super::audit::verified(&state, actor).await?;
    let (rows_checked, first_broken_row, checkpoints_checked) = match &verified {
        Verified::Chain { verification, .. } => (
            verification.rows_checked,
            verification.first_break.as_ref().map(|b| b.row()),
            verification.checkpoints_checked as u64,
        ),
        Verified::Untrusted(_) => (0, None, 0),
    };
    Ok(Json(VerifyBody {
        intact: verified.intact(),
        rows_checked,
        first_broken_row,
        checkpoints_checked,
        message: describe(&verified, &t),
    }))
}
