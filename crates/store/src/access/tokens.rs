//! API tokens for integrations: shown once, stored as a hash, tied to a user, revocable.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::access::TokenName;
use etablera_domain::ids::{TokenId, UserId};
use serde::Serialize;

use super::log::{Action, Record, append};
use super::users::{self, User};
use super::{Actor, random_token, token_hash};
use crate::schema::api_tokens;
use crate::{DbConn, Result, StoreError, write};

/// Every token starts with this, so that a leaked one is easy to recognise in a scan.
pub const PREFIX: &str = "etb_";

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    #[diesel(deserialize_as = i32)]
    pub id: TokenId,
    #[diesel(deserialize_as = i32)]
    pub user_id: UserId,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Creates a token for a user; returns it with its plain text, which is never stored.
pub fn create(conn: &mut DbConn, actor: &Actor, user_id: i32, name: &TokenName) -> Result<(ApiToken, String)> {
    let name = name.as_str();
    let plain = format!("{PREFIX}{}", random_token(32));
    let token = write(conn, |conn| {
        users::load(conn, user_id)?;
        let id: i32 = diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::user_id.eq(user_id),
                api_tokens::name.eq(name),
                api_tokens::token_hash.eq(token_hash(&plain)),
                api_tokens::created_at.eq(actor.at),
            ))
            .returning(api_tokens::id)
            .get_result(conn)?;
        append(conn, actor, Action::Create, &Record::new(crate::access::log::RecordKind::ApiToken, id))?;
        Ok(api_tokens::table.find(id).select(ApiToken::as_select()).first(conn)?)
    })?;
    Ok((token, plain))
}

pub fn list(conn: &mut DbConn, user_id: i32) -> Result<Vec<ApiToken>> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order(api_tokens::id)
        .select(ApiToken::as_select())
        .load(conn)?)
}

/// Revokes a token of the given user. Revoking twice is harmless.
pub fn revoke(conn: &mut DbConn, actor: &Actor, user_id: UserId, token_id: TokenId) -> Result<()> {
    let (user_id, token_id) = (user_id.get(), token_id.get());
    write(conn, |conn| {
        let updated = diesel::update(
            api_tokens::table
                .filter(api_tokens::id.eq(token_id))
                .filter(api_tokens::user_id.eq(user_id))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(actor.at))
        .execute(conn)?;
        if updated == 0 {
            let exists: i64 = api_tokens::table
                .filter(api_tokens::id.eq(token_id))
                .filter(api_tokens::user_id.eq(user_id))
                .count()
                .get_result(conn)?;
            return if exists == 0 { Err(StoreError::NotFound) } else { Ok(()) };
        }
        append(conn, actor, Action::Revoke, &Record::new(crate::access::log::RecordKind::ApiToken, token_id))
    })
}

/// The user behind a bearer token, when the token is live and the account enabled; the token
/// is marked as used at `at`.
pub fn authenticate(conn: &mut DbConn, plain: &str, at: NaiveDateTime) -> Result<Option<(i32, User)>> {
    if !plain.starts_with(PREFIX) {
        return Ok(None);
    }
    let found: Option<(i32, i32, Option<NaiveDateTime>)> = api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash(plain)))
        .filter(api_tokens::revoked_at.is_null())
        .select((api_tokens::id, api_tokens::user_id, api_tokens::last_used_at))
        .first(conn)
        .optional()?;
    let Some((token_id, user_id, last_used_at)) = found else { return Ok(None) };
    let user = users::load(conn, user_id)?;
    if user.disabled {
        return Ok(None);
    }
    if last_used_at.is_none_or(|last| at - last > chrono::Duration::minutes(1)) {
        diesel::update(api_tokens::table.find(token_id)).set(api_tokens::last_used_at.eq(at)).execute(conn)?;
    }
    Ok(Some((token_id, user)))
}
