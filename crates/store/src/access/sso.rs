//! Logins through the municipality's OpenID provider: the login begun and awaited (its state,
//! nonce and PKCE verifier, kept here and found by the browser's cookie), and the user a
//! verified ID token signs in: matched by the login id, or created when provisioning is on, with
//! the roles of the group table when roles come from the provider. Every login and refusal is in
//! the access log with its reason; no claim value is written to the log.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::access::sso::{self, Refusal, RoleSource};
use etablera_domain::access::{NewUser, Role};

use super::log::{Action, Record, RecordKind, append};
use super::users::{self, Grants, User};
use super::{Actor, ago, random_token, token_hash};
use crate::schema::{sso_logins, users as users_table};
use crate::{DbConn, Result, write};

/// How long a login begun at the provider may take to come back.
pub const PENDING_FOR: Duration = Duration::from_secs(10 * 60);

/// What a login begun at the provider must find when it comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// The page to go to once signed in (a path on this site).
    pub next_path: String,
}

/// Keeps a login begun at the provider; the handle is the browser cookie's value (only its hash
/// is stored). Logins older than [`PENDING_FOR`] are dropped on the way.
pub fn begin(conn: &mut DbConn, at: NaiveDateTime, pending: &Pending) -> Result<String> {
    let handle = random_token(32);
    write(conn, |conn| {
        diesel::delete(sso_logins::table.filter(sso_logins::created_at.lt(ago(at, PENDING_FOR)))).execute(conn)?;
        diesel::insert_into(sso_logins::table)
            .values((
                sso_logins::handle_hash.eq(token_hash(&handle)),
                sso_logins::state.eq(&pending.state),
                sso_logins::nonce.eq(&pending.nonce),
                sso_logins::pkce_verifier.eq(&pending.pkce_verifier),
                sso_logins::next_path.eq(&pending.next_path),
                sso_logins::created_at.eq(at),
            ))
            .execute(conn)?;
        Ok(handle)
    })
}

/// The login begun under this handle, taken: it cannot be used twice. None when there is none,
/// or it is older than [`PENDING_FOR`].
pub fn take(conn: &mut DbConn, handle: &str, at: NaiveDateTime) -> Result<Option<Pending>> {
    write(conn, |conn| {
        let hash = token_hash(handle);
        let found: Option<(String, String, String, String, NaiveDateTime)> = sso_logins::table
            .filter(sso_logins::handle_hash.eq(&hash))
            .select((
                sso_logins::state,
                sso_logins::nonce,
                sso_logins::pkce_verifier,
                sso_logins::next_path,
                sso_logins::created_at,
            ))
            .first(conn)
            .optional()?;
        diesel::delete(sso_logins::table.filter(sso_logins::handle_hash.eq(&hash))).execute(conn)?;
        Ok(found.filter(|f| f.4 >= ago(at, PENDING_FOR)).map(|(state, nonce, pkce_verifier, next_path, _)| Pending {
            state,
            nonce,
            pkce_verifier,
            next_path,
        }))
    })
}

/// Who the provider says signed in: from the verified ID token.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    /// The configured claim's value: matched against the users' `sso_id`.
    pub login_id: String,
    pub name: Option<String>,
    pub preferred_username: Option<String>,
    pub email: Option<String>,
    /// The group claim; none when the provider said it was cut short.
    pub groups: Option<Vec<String>>,
    /// The authentication level (`acr`).
    pub level: Option<String>,
}

/// What the installation allows a login through the provider.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Create a user at the first login of someone unknown.
    pub provision: bool,
    pub roles: RoleSource,
    /// Levels (`acr`) one of which users whose roles see protected identities must log in at;
    /// none: any.
    pub required_levels: Vec<String>,
}

#[derive(Debug)]
pub enum SsoOutcome {
    /// The session cookie's value; only its hash is stored.
    LoggedIn {
        token: String,
        user: User,
    },
    Refused(Refusal),
}

/// Logs a refusal that came before any user was known (a forged state, a bad token).
pub fn refused(conn: &mut DbConn, actor: &Actor, reason: Refusal) -> Result<()> {
    write(conn, |conn| log_refusal(conn, actor, None, reason))
}

fn log_refusal(conn: &mut DbConn, actor: &Actor, user_id: Option<i32>, reason: Refusal) -> Result<()> {
    let actor = match user_id {
        Some(id) => actor.user(id),
        None => actor.clone(),
    };
    let record = Record { kind: RecordKind::SsoLogin, id: Some(reason.code().to_owned()), municipality_code: None };
    append(conn, &actor, Action::LoginFailed, &record)
}

/// Signs in the user the provider vouched for, or refuses with the reason; in one transaction
/// with its log rows.
pub fn login(conn: &mut DbConn, actor: &Actor, identity: &Identity, policy: &Policy) -> Result<SsoOutcome> {
    let found: Option<(i32, bool)> = users_table::table
        .filter(users_table::sso_id.eq(&identity.login_id))
        .select((users_table::id, users_table::disabled))
        .first(conn)
        .optional()?;
    // Computed before anything is written: a provisioned user without a role is not created.
    let granted = match &policy.roles {
        RoleSource::Etablera => None,
        RoleSource::Groups(rules) => match &identity.groups {
            Some(groups) => Some(sso::granted(rules, groups)),
            None => return refuse(conn, actor, found.map(|f| f.0), Refusal::Groups),
        },
    };
    let user_id = match found {
        Some((id, true)) => return refuse(conn, actor, Some(id), Refusal::Disabled),
        Some((id, false)) => Some(id),
        None if !policy.provision => return refuse(conn, actor, None, Refusal::UnknownUser),
        None => None,
    };
    let roles_after: Vec<Role> = match (&granted, user_id) {
        (Some(g), _) => g.roles.clone(),
        (None, Some(id)) => users::load(conn, id)?.roles,
        (None, None) => Vec::new(),
    };
    if roles_after.is_empty() {
        return refuse(conn, actor, user_id, Refusal::NoRole);
    }
    if !sso::level_accepted(&policy.required_levels, &roles_after, identity.level.as_deref()) {
        return refuse(conn, actor, user_id, Refusal::Level);
    }
    let token = random_token(32);
    let user = write(conn, |conn| {
        let id = match user_id {
            Some(id) => id,
            None => provision(conn, actor, identity, granted.as_ref().expect("no roles, no user: refused above"))?,
        };
        if let (Some(g), Some(_)) = (&granted, user_id) {
            set_grants(conn, actor, id, g)?;
        }
        super::sessions::open(conn, actor, id, &token, true)?;
        let record = Record { kind: RecordKind::SsoLogin, id: Some(id.to_string()), municipality_code: None };
        append(conn, &actor.user(id), Action::Login, &record)?;
        users::load(conn, id)
    })?;
    Ok(SsoOutcome::LoggedIn { token, user })
}

fn refuse(conn: &mut DbConn, actor: &Actor, user_id: Option<i32>, reason: Refusal) -> Result<SsoOutcome> {
    write(conn, |conn| log_refusal(conn, actor, user_id, reason))?;
    Ok(SsoOutcome::Refused(reason))
}

/// Creates the user of a first login, with the group table's grants and a password nobody
/// knows (password login stays closed to them until an administrator sets one).
fn provision(conn: &mut DbConn, actor: &Actor, identity: &Identity, granted: &sso::Granted) -> Result<i32> {
    let base = sso::username_for(identity.preferred_username.as_deref(), identity.email.as_deref(), &identity.login_id);
    let mut username = base.clone();
    for n in 2.. {
        if users::find_id(conn, &username)?.is_none() {
            break;
        }
        username = format!("{base}-{n}");
    }
    let email = identity.email.as_deref().and_then(|e| etablera_domain::access::check_email(e).ok());
    let new = NewUser {
        display_name: identity.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| username.clone()),
        username,
        password: random_token(32),
        roles: granted.roles.clone(),
        municipalities: granted.municipalities.clone(),
        unit: granted.unit.clone(),
        email,
    };
    let user = users::create(conn, actor, &new)?;
    diesel::update(users_table::table.find(user.id)).set(users_table::sso_id.eq(&identity.login_id)).execute(conn)?;
    Ok(user.id)
}

/// Makes the user's roles, municipalities and unit those of the group table, logged as the
/// administrator's changes are.
fn set_grants(conn: &mut DbConn, actor: &Actor, id: i32, granted: &sso::Granted) -> Result<()> {
    let user = users::load(conn, id)?;
    let grants = Grants {
        unit: (granted.unit.is_some() && granted.unit != user.unit).then(|| granted.unit.clone()),
        ..Grants::to_reach(&user, &granted.roles, &granted.municipalities)
    };
    if grants != Grants::default() {
        users::apply(conn, actor, id, &grants)?;
    }
    Ok(())
}

/// Sets (or with none, clears) the user's login id at the provider: the value of the configured
/// claim that names them. Refused when another user has it. Logged as a change of the user.
pub fn set_login_id(conn: &mut DbConn, actor: &Actor, username: &str, login_id: Option<&str>) -> Result<()> {
    let login_id = login_id.map(str::trim).filter(|id| !id.is_empty());
    write(conn, |conn| {
        let id = users::find_id(conn, username)?.ok_or(crate::StoreError::NotFound)?;
        users::set_sso_id(conn, actor, id, login_id)
    })
}
