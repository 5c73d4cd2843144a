//! The access log: appended in the caller's transaction, hash-chained, verified and listed.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::access::checkpoint::{Checkpoint, CheckpointKey};
use etablera_domain::access::{AccessLogEntry, GENESIS_HASH, chain_hash};
use etablera_domain::text::Text;

use super::Actor;
use crate::schema::{access_log, access_log_head};
use crate::{DbConn, Result};

etablera_domain::coded! {
    /// What was done. Stored as text; the list is closed so that reviews can filter on it.
    pub enum Action {
        Login = "login",
        LoginFailed = "login_failed",
        Logout = "logout",
        Read = "read",
        Create = "create",
        Update = "update",
        Disable = "disable",
        Enable = "enable",
        SetPassword = "set_password",
        Grant = "grant",
        Revoke = "revoke",
        Export = "export",
        Delete = "delete",
        Unlock = "unlock",
        /// A registration refused because a number given is held out of the user's sight.
        Refused = "refused",
        /// A record culled under the retention rule: its personal data removed.
        Cull = "cull",
    }
}

etablera_domain::coded! {
    /// What kind of record a row of the log is about. Stored as text; the list is closed so
    /// that a review can filter on it and the pages can name each kind.
    pub enum RecordKind {
        User = "user",
        ApiToken = "api_token",
        AccessLog = "access_log",
        Household = "household",
        Person = "person",
        ActivityType = "activity_type",
        TargetGroup = "target_group",
        Cost = "cost",
        Claim = "claim",
        Grant = "grant",
        ReimbursementRule = "reimbursement_rule",
        PriceBaseAmount = "price_base_amount",
        AccountingSettings = "accounting_settings",
        Accounting = "accounting",
        Agreement = "agreement",
        Staffing = "staffing",
        ContactNotice = "contact_notice",
        Deviation = "deviation",
        Notification = "notification",
        MonthlyReport = "monthly_report",
        InterimClosing = "interim_closing",
        Document = "document",
        LogReview = "log_review",
        SharedPost = "shared_post",
        /// A login through the municipality's OpenID provider: the user's id when it succeeded,
        /// the reason (`etablera_domain::access::sso::Refusal`) when it was refused.
        SsoLogin = "sso_login",
    }
}

/// What kind of record was touched, and which one.
#[derive(Debug, Clone)]
pub struct Record {
    pub kind: RecordKind,
    pub id: Option<String>,
    pub municipality_code: Option<String>,
}

impl Record {
    pub fn new(kind: RecordKind, id: impl ToString) -> Record {
        Record { kind, id: Some(id.to_string()), municipality_code: None }
    }

    /// A list or search: many records of a kind, none named.
    pub fn all(kind: RecordKind) -> Record {
        Record { kind, id: None, municipality_code: None }
    }

    pub fn in_municipality(mut self, code: impl Into<String>) -> Record {
        self.municipality_code = Some(code.into());
        self
    }
}

/// Appends one row to the chain. Call it inside the transaction of what it records.
pub fn append(conn: &mut DbConn, actor: &Actor, action: Action, record: &Record) -> Result<()> {
    append_all(conn, actor, action, std::slice::from_ref(record))
}

/// How many rows one statement appends: 11 columns each, well within what a statement may bind.
const APPEND_BATCH: usize = 500;

/// Appends a row for each record, in order, as one act. A file's import appends its thousands of
/// rows in batches: the head is taken and moved once a batch, not twice a row (on PostgreSQL,
/// every update of the one head row in a transaction leaves a version that the next must step
/// over, so a row at a time grew with the square of the file).
pub fn append_all(conn: &mut DbConn, actor: &Actor, action: Action, records: &[Record]) -> Result<()> {
    for batch in records.chunks(APPEND_BATCH) {
        let count = batch.len() as i32;
        // Moving the head first takes its row lock (PostgreSQL) or the write lock (SQLite), so
        // appends from concurrent transactions queue here and each sees the last committed hash.
        diesel::update(access_log_head::table.find(1))
            .set(access_log_head::last_id.eq(access_log_head::last_id + count))
            .execute(conn)?;
        let (last_id, mut hash): (i32, String) = access_log_head::table
            .find(1)
            .select((access_log_head::last_id, access_log_head::last_hash))
            .first(conn)?;
        let mut rows = Vec::with_capacity(batch.len());
        for (id, record) in (last_id - count + 1..).zip(batch) {
            let entry = AccessLogEntry {
                id,
                // Truncated as stored, so that the row reads back as it was hashed.
                at: chrono::SubsecRound::trunc_subsecs(actor.at, 6),
                actor_user_id: actor.user_id,
                action: action.code().to_owned(),
                record_kind: record.kind.code().to_owned(),
                record_id: record.id.clone(),
                municipality_code: record.municipality_code.clone(),
                request_id: actor.request_id.clone(),
                client_address: actor.client_address.clone(),
            };
            let prev_hash = std::mem::take(&mut hash);
            hash = chain_hash(&prev_hash, &entry);
            rows.push((
                access_log::id.eq(entry.id),
                access_log::at.eq(entry.at),
                access_log::actor_user_id.eq(entry.actor_user_id),
                access_log::action.eq(entry.action),
                access_log::record_kind.eq(entry.record_kind),
                access_log::record_id.eq(entry.record_id),
                access_log::municipality_code.eq(entry.municipality_code),
                access_log::request_id.eq(entry.request_id),
                access_log::client_address.eq(entry.client_address),
                access_log::prev_hash.eq(prev_hash),
                access_log::hash.eq(hash.clone()),
            ));
        }
        crate::db::insert_rows!(conn, access_log::table, rows);
        diesel::update(access_log_head::table.find(1)).set(access_log_head::last_hash.eq(&hash)).execute(conn)?;
    }
    Ok(())
}

/// Appends a row in a transaction of its own, for events that change nothing else
/// (a read, a failed login).
pub fn record(conn: &mut DbConn, actor: &Actor, action: Action, record: &Record) -> Result<()> {
    crate::write(conn, |conn| append(conn, actor, action, record))
}

/// Reads personal data and logs the reading: `f` runs in a read transaction (one consistent
/// view, no write lock held while it reads), then the row is appended in a short write
/// transaction of its own. What was read is handed out only once the row is written.
pub fn logged_read<T>(
    conn: &mut DbConn,
    actor: &Actor,
    record: &Record,
    f: impl FnOnce(&mut DbConn) -> Result<T>,
) -> Result<T> {
    logged(conn, actor, Action::Read, record, f)
}

/// [`logged_read`] for a reading that is not a read: an export to a file, a printout.
pub fn logged<T>(
    conn: &mut DbConn,
    actor: &Actor,
    action: Action,
    record: &Record,
    f: impl FnOnce(&mut DbConn) -> Result<T>,
) -> Result<T> {
    let value = crate::read(conn, f)?;
    self::record(conn, actor, action, record)?;
    Ok(value)
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = access_log)]
pub struct LogRow {
    pub id: i32,
    pub at: NaiveDateTime,
    pub actor_user_id: Option<i32>,
    #[diesel(deserialize_as = String)]
    pub action: Action,
    pub record_kind: String,
    pub record_id: Option<String>,
    pub municipality_code: Option<String>,
    pub request_id: Option<String>,
    pub client_address: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl LogRow {
    pub fn entry(&self) -> AccessLogEntry {
        AccessLogEntry {
            id: self.id,
            at: self.at,
            actor_user_id: self.actor_user_id,
            action: self.action.code().to_owned(),
            record_kind: self.record_kind.clone(),
            record_id: self.record_id.clone(),
            municipality_code: self.municipality_code.clone(),
            request_id: self.request_id.clone(),
            client_address: self.client_address.clone(),
        }
    }
}

/// A row as stored, every column as its text: what the hash was made of. The verification reads
/// these, so that a row altered to an action no one knows is reported as altered, not as a row
/// that cannot be read.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = access_log)]
struct StoredRow {
    id: i32,
    at: NaiveDateTime,
    actor_user_id: Option<i32>,
    action: String,
    record_kind: String,
    record_id: Option<String>,
    municipality_code: Option<String>,
    request_id: Option<String>,
    client_address: Option<String>,
    prev_hash: String,
    hash: String,
}

impl StoredRow {
    fn entry(self) -> AccessLogEntry {
        AccessLogEntry {
            id: self.id,
            at: self.at,
            actor_user_id: self.actor_user_id,
            action: self.action,
            record_kind: self.record_kind,
            record_id: self.record_id,
            municipality_code: self.municipality_code,
            request_id: self.request_id,
            client_address: self.client_address,
        }
    }
}

/// Why the chain does not hold, at the first row where it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The row's stored hash is not the hash of its contents.
    Altered { id: i32 },
    /// The row does not point at the previous row's hash.
    Unlinked { id: i32 },
    /// A row is missing before this one.
    Gap { expected_id: i32, found_id: i32 },
    /// A row whose id the chain never gives (below 1, or a second row with an id): put there by
    /// someone, not by an append.
    Outside { id: i32 },
    /// The last rows are missing: the head names a later row than the table has.
    Truncated { last_id: i32, head_id: i32 },
    /// The chain is shorter than a signed checkpoint says it was: rows were cut off the end and
    /// the head set back.
    ShorterThanCheckpoint { rows: i32, checkpoint_rows: i32 },
    /// The chain's hash at a signed checkpoint is not the one signed: the rows up to it were
    /// written again (every hash recomputed) or replaced.
    Unanchored { rows: i32 },
}

impl Break {
    pub fn row(&self) -> i32 {
        match *self {
            Break::Altered { id } | Break::Unlinked { id } | Break::Outside { id } => id,
            Break::Gap { expected_id, .. } => expected_id,
            Break::Truncated { last_id, .. } => last_id + 1,
            Break::ShorterThanCheckpoint { rows, .. } => rows + 1,
            Break::Unanchored { rows } => rows,
        }
    }

    /// What is wrong, as a phrase after "bruten vid rad 5: ".
    pub fn describe(&self) -> Text {
        match *self {
            Break::Altered { id } => Text::new("audit-break-altered").with("id", id),
            Break::Unlinked { id } => Text::new("audit-break-unlinked").with("id", id),
            Break::Gap { expected_id, found_id } => {
                Text::new("audit-break-gap").with("expected", expected_id).with("found", found_id)
            }
            Break::Outside { id } => Text::new("audit-break-outside").with("id", id),
            Break::Truncated { last_id, head_id } => {
                Text::new("audit-break-truncated").with("first", last_id + 1).with("last", head_id)
            }
            Break::ShorterThanCheckpoint { rows, checkpoint_rows } => {
                Text::new("audit-break-shorter").with("rows", rows).with("checkpoint", checkpoint_rows)
            }
            Break::Unanchored { rows } => Text::new("audit-break-unanchored").with("rows", rows),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub rows_checked: u64,
    pub first_break: Option<Break>,
    /// How many signed checkpoints the chain was held against. Without any, a chain cut short
    /// with its head set back, or recomputed whole, cannot be told from a true one.
    pub checkpoints_checked: usize,
}

impl Verification {
    /// What the checkpoints said of a whole chain, as a sentence after "the chain is whole":
    /// none configured (`anchored` false), none in the file yet, or how many it was held to.
    pub fn anchoring(&self, anchored: bool) -> Text {
        match (anchored, self.checkpoints_checked) {
            (false, _) => Text::new("audit-verify-no-checkpoints"),
            (true, 0) => Text::new("audit-verify-checkpoints-none"),
            (true, count) => Text::new("audit-verify-checkpoints").with("count", count),
        }
    }
}

/// Walks the whole chain in id order, from its first row whatever its id, and reports the first
/// row where it breaks; at each signed checkpoint (whose signatures the caller has checked) the
/// chain must have the hash signed, and it must reach the longest. The rows and the head are
/// read in one read transaction, so appends committed meanwhile are simply not seen.
pub fn verify(conn: &mut DbConn, checkpoints: &[Checkpoint]) -> Result<Verification> {
    crate::read(conn, |conn| Ok(walk(conn, None, checkpoints)?.0))
}

/// Verifies the chain for a person, logging the reading as the page and the export do.
pub fn verify_as(conn: &mut DbConn, actor: &Actor, checkpoints: &[Checkpoint]) -> Result<Verification> {
    record(conn, actor, Action::Read, &Record::all(crate::access::log::RecordKind::AccessLog))?;
    verify(conn, checkpoints)
}

/// Signs the chain as it stands, once it has been verified: from `since` (the last checkpoint,
/// whose row must still carry its hash) to the head, or whole when there is none. A broken chain
/// is not signed; the break is returned instead. Logged as the command line's or the server's
/// reading of the log.
pub fn checkpoint(
    conn: &mut DbConn,
    actor: &Actor,
    key: &CheckpointKey,
    since: Option<&Checkpoint>,
) -> Result<std::result::Result<Checkpoint, Break>> {
    record(conn, actor, Action::Read, &Record::all(crate::access::log::RecordKind::AccessLog))?;
    crate::read(conn, |conn| {
        let (verification, head) = walk(conn, since, &[])?;
        Ok(match verification.first_break {
            Some(b) => Err(b),
            None => Ok(key.sign(head.0, &head.1, actor.at)),
        })
    })
}

/// The walk behind [`verify`] and [`checkpoint`]: from the first row, or from the row of a
/// checkpoint on; returns the verification and the head it reached (rows, last hash).
fn walk(
    conn: &mut DbConn,
    start: Option<&Checkpoint>,
    checkpoints: &[Checkpoint],
) -> Result<(Verification, (i32, String))> {
    const BATCH: i64 = 5_000;
    let mut pinned: Vec<&Checkpoint> = checkpoints.iter().collect();
    pinned.sort_by_key(|c| c.rows);
    let mut pinned = pinned.into_iter().peekable();
    let mut prev_hash = GENESIS_HASH.to_owned();
    let mut expected_id = 1;
    let mut rows_checked = 0u64;
    let mut checkpoints_checked = 0;
    let broken = |rows_checked, first_break, checkpoints_checked| {
        Ok((Verification { rows_checked, first_break: Some(first_break), checkpoints_checked }, (0, String::new())))
    };
    // The first batch has no lower bound, so that a row slipped in below the first id is met
    // first; from a checkpoint on, the rows after it.
    let mut after: Option<i32> = None;
    if let Some(start) = start.filter(|c| c.rows > 0) {
        let hash: Option<String> =
            access_log::table.find(start.rows).select(access_log::hash).first(conn).optional()?;
        match hash {
            None => {
                let rows: Option<i32> = access_log::table.select(diesel::dsl::max(access_log::id)).first(conn)?;
                let rows = rows.unwrap_or(0);
                return broken(0, Break::ShorterThanCheckpoint { rows, checkpoint_rows: start.rows }, 0);
            }
            Some(hash) if hash != start.head_hash => return broken(0, Break::Unanchored { rows: start.rows }, 0),
            Some(hash) => {
                prev_hash = hash;
                expected_id = start.rows + 1;
                checkpoints_checked = 1;
                after = Some(start.rows);
            }
        }
    }
    loop {
        let mut query = access_log::table.into_boxed();
        if let Some(after) = after {
            query = query.filter(access_log::id.gt(after));
        }
        let rows: Vec<StoredRow> =
            query.order(access_log::id.asc()).limit(BATCH).select(StoredRow::as_select()).load(conn)?;
        let batch_len = rows.len();
        for row in rows {
            let (id, stored_prev, hash) = (row.id, row.prev_hash.clone(), row.hash.clone());
            let found = if id < expected_id {
                Some(Break::Outside { id })
            } else if id != expected_id {
                Some(Break::Gap { expected_id, found_id: id })
            } else if stored_prev != prev_hash {
                Some(Break::Unlinked { id })
            } else if chain_hash(&prev_hash, &row.entry()) != hash {
                Some(Break::Altered { id })
            } else {
                None
            };
            if let Some(first_break) = found {
                return broken(rows_checked, first_break, checkpoints_checked);
            }
            while let Some(checkpoint) = pinned.next_if(|c| c.rows <= id) {
                if checkpoint.rows == id && checkpoint.head_hash != hash {
                    return broken(rows_checked, Break::Unanchored { rows: id }, checkpoints_checked);
                }
                checkpoints_checked += 1;
            }
            rows_checked += 1;
            prev_hash = hash;
            expected_id += 1;
            after = Some(id);
        }
        if (batch_len as i64) < BATCH {
            break;
        }
    }
    let last_id = expected_id - 1;
    // A checkpoint of an empty chain holds for any chain; one longer than the chain does not.
    checkpoints_checked += pinned.filter(|c| c.rows == 0).count();
    if let Some(longest) = checkpoints.iter().map(|c| c.rows).max().filter(|rows| *rows > last_id) {
        return broken(
            rows_checked,
            Break::ShorterThanCheckpoint { rows: last_id, checkpoint_rows: longest },
            checkpoints_checked,
        );
    }
    let (head_id, head_hash): (i32, String) =
        access_log_head::table.find(1).select((access_log_head::last_id, access_log_head::last_hash)).first(conn)?;
    let first_break = if head_id != last_id {
        Some(Break::Truncated { last_id, head_id })
    } else if head_hash != prev_hash {
        Some(Break::Altered { id: last_id })
    } else {
        None
    };
    Ok((Verification { rows_checked, first_break, checkpoints_checked }, (last_id, prev_hash)))
}

/// What the log review filters on. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub from: Option<NaiveDateTime>,
    /// Exclusive.
    pub until: Option<NaiveDateTime>,
    pub actor_user_id: Option<i32>,
    pub action: Option<Action>,
    pub record_kind: Option<String>,
    pub municipality_code: Option<String>,
}

fn filtered(filter: &Filter) -> access_log::BoxedQuery<'static, <DbConn as diesel::Connection>::Backend> {
    let mut query = access_log::table.into_boxed();
    if let Some(from) = filter.from {
        query = query.filter(access_log::at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(access_log::at.lt(until));
    }
    if let Some(actor) = filter.actor_user_id {
        query = query.filter(access_log::actor_user_id.eq(actor));
    }
    if let Some(action) = filter.action {
        query = query.filter(access_log::action.eq(action.code()));
    }
    if let Some(kind) = filter.record_kind.clone() {
        query = query.filter(access_log::record_kind.eq(kind));
    }
    if let Some(code) = filter.municipality_code.clone() {
        query = query.filter(access_log::municipality_code.eq(code));
    }
    query
}

/// One page of the log, newest first, and whether there are more. Reading the log is itself
/// logged: the auditors' reading is reviewed too.
pub fn page(conn: &mut DbConn, actor: &Actor, filter: &Filter, offset: i64, limit: i64) -> Result<(Vec<LogRow>, bool)> {
    crate::write(conn, |conn| {
        append(conn, actor, Action::Read, &Record::all(crate::access::log::RecordKind::AccessLog))?;
        let mut rows: Vec<LogRow> = filtered(filter)
            .order(access_log::id.desc())
            .offset(offset)
            .limit(limit + 1)
            .select(LogRow::as_select())
            .load(conn)?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        Ok((rows, more))
    })
}

/// All rows in the filter, oldest first, for the monthly review's CSV.
pub fn export(conn: &mut DbConn, actor: &Actor, filter: &Filter) -> Result<Vec<LogRow>> {
    crate::write(conn, |conn| {
        append(conn, actor, Action::Export, &Record::all(crate::access::log::RecordKind::AccessLog))?;
        Ok(filtered(filter).order(access_log::id.asc()).select(LogRow::as_select()).load(conn)?)
    })
}

/// A user's own recent logins, logouts and failed logins, newest first, for their start page.
pub fn recent_logins(conn: &mut DbConn, user_id: i32, limit: i64) -> Result<Vec<LogRow>> {
    Ok(access_log::table
        .filter(access_log::record_kind.eq(super::users::RECORD.code()))
        .filter(access_log::record_id.eq(user_id.to_string()))
        .filter(access_log::action.eq_any([Action::Login.code(), Action::LoginFailed.code(), Action::Logout.code()]))
        .order(access_log::id.desc())
        .limit(limit)
        .select(LogRow::as_select())
        .load(conn)?)
}
