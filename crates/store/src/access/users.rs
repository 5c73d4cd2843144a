//! User accounts: who they are, their roles, municipalities and unit.

use crate::access::log::RecordKind;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::access::{Permission, Role, check_new_password, check_optional_email, check_unit};
use etablera_domain::municipality::MunicipalityCode;
use serde::Serialize;

use super::log::{Action, Record, append};
use super::{Actor, passwords};
use crate::schema::{user_municipalities, user_permissions, user_roles, users};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub unit: Option<String>,
    /// Where notifications are sent by e-mail, when SMTP is configured.
    pub email: Option<String>,
    /// The login id at the identity provider, when the user logs in through it.
    pub sso_id: Option<String>,
    pub disabled: bool,
    pub roles: Vec<Role>,
    pub municipalities: Vec<MunicipalityCode>,
    /// Granted to this user beyond the roles (see [`Permission::PERSONAL`]).
    pub personal_permissions: Vec<Permission>,
    pub created_at: NaiveDateTime,
    /// Counts the account's changes, so that an edit made on an old copy is refused.
    pub version: i32,
}

impl User {
    pub fn can(&self, permission: Permission) -> bool {
        !self.disabled && (permission.granted_by(&self.roles) || self.personal_permissions.contains(&permission))
    }
}

pub use etablera_domain::access::{NewUser, UserChange};

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: i32,
    username: String,
    display_name: String,
    unit: Option<String>,
    email: Option<String>,
    sso_id: Option<String>,
    disabled: bool,
    created_at: NaiveDateTime,
    version: i32,
}

pub(crate) const RECORD: RecordKind = RecordKind::User;

/// Creates a user with its roles and municipalities, in one transaction. The user is as
/// [`UserForm::check`](etablera_domain::access::UserForm::check) gives it; whether the user name
/// is taken is the store's to say.
pub fn create(conn: &mut DbConn, actor: &Actor, new: &NewUser) -> Result<User> {
    let password_hash = passwords::hash(&new.password);
    write(conn, |conn| {
        let taken: i64 = users::table.filter(users::username.eq(&new.username)).count().get_result(conn)?;
        if taken > 0 {
            return Err(StoreError::invalid("username", Text::new("user-username-taken")));
        }
        let id: i32 = diesel::insert_into(users::table)
            .values((
                users::username.eq(&new.username),
                users::display_name.eq(&new.display_name),
                users::password_hash.eq(&password_hash),
                users::unit.eq(&new.unit),
                users::email.eq(&new.email),
                users::disabled.eq(false),
                users::created_at.eq(actor.at),
                users::version.eq(1),
            ))
            .returning(users::id)
            .get_result(conn)?;
        insert_grants(conn, id, &new.roles, &new.municipalities)?;
        append(conn, actor, Action::Create, &Record::new(RECORD, id))?;
        load(conn, id)
    })
}

fn insert_grants(conn: &mut DbConn, user_id: i32, roles: &[Role], municipalities: &[MunicipalityCode]) -> Result<()> {
    let (current_roles, current_municipalities) = grants_of(conn, user_id)?;
    for role in roles.iter().filter(|r| !current_roles.contains(r)) {
        diesel::insert_into(user_roles::table)
            .values((user_roles::user_id.eq(user_id), user_roles::role.eq(role.code())))
            .execute(conn)?;
    }
    for code in municipalities.iter().filter(|c| !current_municipalities.contains(c)) {
        diesel::insert_into(user_municipalities::table)
            .values((
                user_municipalities::user_id.eq(user_id),
                user_municipalities::municipality_code.eq(code.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn grants_of(conn: &mut DbConn, user_id: i32) -> Result<(Vec<Role>, Vec<MunicipalityCode>)> {
    let role_codes: Vec<String> =
        user_roles::table.filter(user_roles::user_id.eq(user_id)).select(user_roles::role).load(conn)?;
    let codes: Vec<String> = user_municipalities::table
        .filter(user_municipalities::user_id.eq(user_id))
        .order(user_municipalities::municipality_code)
        .select(user_municipalities::municipality_code)
        .load(conn)?;
    // Values in these tables were checked when written; a role that is no longer known (one
    // removed from the code) is an error, never silently nothing.
    let mut roles: Vec<Role> = crate::codes::codes(role_codes)?;
    roles.sort();
    Ok((roles, codes.iter().filter_map(|c| c.parse().ok()).collect()))
}

fn from_row(conn: &mut DbConn, row: UserRow) -> Result<User> {
    let (roles, municipalities) = grants_of(conn, row.id)?;
    let codes: Vec<String> = user_permissions::table
        .filter(user_permissions::user_id.eq(row.id))
        .select(user_permissions::permission)
        .load(conn)?;
    let mut personal_permissions: Vec<Permission> = crate::codes::codes(codes)?;
    personal_permissions.sort();
    Ok(User {
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        unit: row.unit,
        email: row.email,
        sso_id: row.sso_id,
        disabled: row.disabled,
        roles,
        municipalities,
        personal_permissions,
        created_at: row.created_at,
        version: row.version,
    })
}

/// Loads a user without logging, for the session and token checks that run on every request.
pub(crate) fn load(conn: &mut DbConn, id: i32) -> Result<User> {
    let row = users::table.find(id).select(UserRow::as_select()).first(conn).optional()?.ok_or(StoreError::NotFound)?;
    from_row(conn, row)
}

/// The stored password hash and id, for the login check.
pub(crate) fn credentials(conn: &mut DbConn, username: &str) -> Result<Option<(i32, String, bool)>> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select((users::id, users::password_hash, users::disabled))
        .first(conn)
        .optional()?)
}

fn id_of(conn: &mut DbConn, username: &str) -> Result<i32> {
    users::table
        .filter(users::username.eq(username))
        .select(users::id)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// All users, by user name. Staff accounts are personal data: the reading is logged.
pub fn list(conn: &mut DbConn, actor: &Actor) -> Result<Vec<User>> {
    write(conn, |conn| {
        append(conn, actor, Action::Read, &Record::all(RECORD))?;
        let rows: Vec<UserRow> = users::table.order(users::username).select(UserRow::as_select()).load(conn)?;
        rows.into_iter().map(|row| from_row(conn, row)).collect()
    })
}

/// One user by user name, logged as a read.
pub fn get(conn: &mut DbConn, actor: &Actor, username: &str) -> Result<User> {
    write(conn, |conn| {
        let id = id_of(conn, username)?;
        append(conn, actor, Action::Read, &Record::new(RECORD, id))?;
        load(conn, id)
    })
}

/// Disables or enables an account. A disabled account's sessions and tokens stop working at once.
pub fn set_disabled(conn: &mut DbConn, actor: &Actor, username: &str, disabled: bool) -> Result<User> {
    write(conn, |conn| {
        let id = id_of(conn, username)?;
        diesel::update(users::table.find(id))
            .set((users::disabled.eq(disabled), users::version.eq(users::version + 1)))
            .execute(conn)?;
        if disabled {
            diesel::delete(crate::schema::sessions::table.filter(crate::schema::sessions::user_id.eq(id)))
                .execute(conn)?;
        }
        let action = if disabled { Action::Disable } else { Action::Enable };
        append(conn, actor, action, &Record::new(RECORD, id))?;
        load(conn, id)
    })
}

/// Sets a new password and ends the user's sessions.
pub fn set_password(conn: &mut DbConn, actor: &Actor, username: &str, password: &str) -> Result<()> {
    check_new_password(password).map_err(|m| StoreError::invalid("password", m))?;
    let hash = passwords::hash(password);
    write(conn, |conn| {
        let id = id_of(conn, username)?;
        diesel::update(users::table.find(id))
            .set((users::password_hash.eq(&hash), users::version.eq(users::version + 1)))
            .execute(conn)?;
        diesel::delete(crate::schema::sessions::table.filter(crate::schema::sessions::user_id.eq(id))).execute(conn)?;
        append(conn, actor, Action::SetPassword, &Record::new(RECORD, id))
    })
}

/// What to change in a user's permissions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    pub add_roles: Vec<Role>,
    pub remove_roles: Vec<Role>,
    pub add_municipalities: Vec<MunicipalityCode>,
    pub remove_municipalities: Vec<MunicipalityCode>,
    /// `Some(None)` removes the unit.
    pub unit: Option<Option<String>>,
    /// `Some(None)` removes the e-mail address.
    pub email: Option<Option<String>>,
    pub add_permissions: Vec<Permission>,
    pub remove_permissions: Vec<Permission>,
}

/// Changes roles, municipalities and unit in one transaction, with one log row per change.
pub fn change_grants(conn: &mut DbConn, actor: &Actor, username: &str, grants: &Grants) -> Result<User> {
    let grants = grants.checked()?;
    write(conn, |conn| {
        let id = id_of(conn, username)?;
        apply(conn, actor, id, &grants)
    })
}

/// The administrator's edit of a user, made on the copy at `version`: the roles, municipalities,
/// unit, e-mail and name become as given, in one transaction, logged as for [`change_grants`].
/// An administrator cannot take away their own right to manage users.
pub fn update(conn: &mut DbConn, actor: &Actor, username: &str, version: i32, change: &UserChange) -> Result<User> {
    write(conn, |conn| {
        let id = id_of(conn, username)?;
        let current = load(conn, id)?;
        if current.version != version {
            return Err(StoreError::Stale);
        }
        let differ = |a: &Option<String>, b: &Option<String>| if a == b { None } else { Some(b.clone()) };
        let grants = Grants {
            unit: differ(&current.unit, &change.unit),
            email: differ(&current.email, &change.email),
            ..Grants::to_reach(&current, &change.roles, &change.municipalities)
        };
        if change.display_name != current.display_name {
            diesel::update(users::table.find(id)).set(users::display_name.eq(&change.display_name)).execute(conn)?;
            append(conn, actor, Action::Update, &Record::new(RECORD, id))?;
        }
        if change.sso_id != current.sso_id {
            set_sso_id(conn, actor, id, change.sso_id.as_deref())?;
        }
        let user = apply(conn, actor, id, &grants)?;
        if actor.user_id == Some(id) && !user.can(Permission::ManageUsers) {
            return Err(StoreError::invalid("roles", Text::new("users-cannot-demote-self")));
        }
        Ok(user)
    })
}

/// Sets the user's login id at the identity provider, refused when another user has it.
pub(crate) fn set_sso_id(conn: &mut DbConn, actor: &Actor, id: i32, sso_id: Option<&str>) -> Result<()> {
    if let Some(value) = sso_id {
        let holder: Option<i32> =
            users::table.filter(users::sso_id.eq(value)).select(users::id).first(conn).optional()?;
        if holder.is_some_and(|h| h != id) {
            return Err(StoreError::invalid("sso_id", Text::new("user-sso-id-taken")));
        }
    }
    diesel::update(users::table.find(id)).set(users::sso_id.eq(sso_id)).execute(conn)?;
    append(conn, actor, Action::Update, &Record::new(RECORD, id))
}

impl Grants {
    /// What takes the user from their roles and municipalities to these.
    pub(crate) fn to_reach(user: &User, roles: &[Role], municipalities: &[MunicipalityCode]) -> Grants {
        Grants {
            add_roles: roles.iter().filter(|r| !user.roles.contains(r)).copied().collect(),
            remove_roles: user.roles.iter().filter(|r| !roles.contains(r)).copied().collect(),
            add_municipalities: municipalities.iter().filter(|m| !user.municipalities.contains(m)).cloned().collect(),
            remove_municipalities: user
                .municipalities
                .iter()
                .filter(|m| !municipalities.contains(m))
                .cloned()
                .collect(),
            ..Grants::default()
        }
    }

    /// The unit and e-mail checked, as for a new user.
    fn checked(&self) -> Result<Grants> {
        let mut grants = self.clone();
        if let Some(unit) = &self.unit {
            grants.unit = Some(check_unit(unit.as_deref())?);
        }
        if let Some(email) = &self.email {
            grants.email = Some(check_optional_email(email.as_deref())?);
        }
        Ok(grants)
    }
}

/// Makes the changes of `grants` to user `id`, one log row per kind of change, inside the
/// caller's transaction.
pub(crate) fn apply(conn: &mut DbConn, actor: &Actor, id: i32, grants: &Grants) -> Result<User> {
    let record = Record::new(RECORD, id);
    if !grants.add_roles.is_empty() || !grants.add_municipalities.is_empty() {
        insert_grants(conn, id, &grants.add_roles, &grants.add_municipalities)?;
        append(conn, actor, Action::Grant, &record)?;
    }
    if !grants.remove_roles.is_empty() || !grants.remove_municipalities.is_empty() {
        let roles: Vec<&str> = grants.remove_roles.iter().map(|r| r.code()).collect();
        diesel::delete(user_roles::table.filter(user_roles::user_id.eq(id)).filter(user_roles::role.eq_any(roles)))
            .execute(conn)?;
        let codes: Vec<&str> = grants.remove_municipalities.iter().map(|c| c.as_str()).collect();
        diesel::delete(
            user_municipalities::table
                .filter(user_municipalities::user_id.eq(id))
                .filter(user_municipalities::municipality_code.eq_any(codes)),
        )
        .execute(conn)?;
        append(conn, actor, Action::Revoke, &record)?;
    }
    for permission in &grants.add_permissions {
        if !Permission::PERSONAL.contains(permission) {
            return Err(StoreError::invalid("permission", Text::new("user-permission-by-role")));
        }
        let exists: i64 = user_permissions::table
            .filter(user_permissions::user_id.eq(id))
            .filter(user_permissions::permission.eq(permission.code()))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            diesel::insert_into(user_permissions::table)
                .values((user_permissions::user_id.eq(id), user_permissions::permission.eq(permission.code())))
                .execute(conn)?;
        }
        append(conn, actor, Action::Grant, &record)?;
    }
    if !grants.remove_permissions.is_empty() {
        let codes: Vec<&str> = grants.remove_permissions.iter().map(|p| p.code()).collect();
        diesel::delete(
            user_permissions::table
                .filter(user_permissions::user_id.eq(id))
                .filter(user_permissions::permission.eq_any(codes)),
        )
        .execute(conn)?;
        append(conn, actor, Action::Revoke, &record)?;
    }
    if let Some(email) = &grants.email {
        diesel::update(users::table.find(id)).set(users::email.eq(email)).execute(conn)?;
        append(conn, actor, Action::Update, &record)?;
    }
    if let Some(unit) = &grants.unit {
        diesel::update(users::table.find(id)).set(users::unit.eq(unit)).execute(conn)?;
        append(conn, actor, Action::Update, &record)?;
    }
    diesel::update(users::table.find(id)).set(users::version.eq(users::version + 1)).execute(conn)?;
    let user = load(conn, id)?;
    if user.roles.is_empty() {
        return Err(StoreError::invalid("roles", Text::new("user-role-left")));
    }
    if user.roles.contains(&Role::CaseWorker) && user.unit.is_none() {
        return Err(StoreError::invalid("unit", Text::new("user-case-worker-unit")));
    }
    Ok(user)
}

/// How many accounts there are; the demo only fills an empty database.
pub fn count(conn: &mut DbConn) -> Result<i64> {
    Ok(users::table.count().get_result(conn)?)
}

/// User names by id, to show who acted in the access log.
pub fn usernames(conn: &mut DbConn, ids: &[i32]) -> Result<std::collections::HashMap<i32, String>> {
    let rows: Vec<(i32, String)> =
        users::table.filter(users::id.eq_any(ids)).select((users::id, users::username)).load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The id behind a user name, for filters; `None` when there is no such user.
pub fn find_id(conn: &mut DbConn, username: &str) -> Result<Option<i32>> {
    match id_of(conn, username) {
        Ok(id) => Ok(Some(id)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Display names by id, to show who is responsible for a page's households.
pub fn display_names(conn: &mut DbConn, ids: &[i32]) -> Result<std::collections::HashMap<i32, String>> {
    let rows: Vec<(i32, String)> =
        users::table.filter(users::id.eq_any(ids)).select((users::id, users::display_name)).load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The users who may be responsible for a household of the municipality and unit (see
/// [`may_be_responsible`](etablera_domain::reception::placement::may_be_responsible)), by name:
/// the choices of the unit manager's form. A unit's staff are few.
pub fn responsible_choices(conn: &mut DbConn, municipality_code: &str, unit: &str) -> Result<Vec<(i32, String)>> {
    let rows: Vec<UserRow> = users::table
        .filter(users::unit.eq(unit))
        .filter(users::disabled.eq(false))
        .order((users::display_name, users::id))
        .select(UserRow::as_select())
        .load(conn)?;
    let mut choices = Vec::new();
    for row in rows {
        let user = from_row(conn, row)?;
        if etablera_domain::reception::placement::may_be_responsible(
            &user.roles,
            user.disabled,
            &user.municipalities,
            user.unit.as_deref(),
            municipality_code,
            unit,
        ) {
            choices.push((user.id, user.display_name));
        }
    }
    Ok(choices)
}
