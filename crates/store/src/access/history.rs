//! The history of corrections of records (a person, a household): what each edit changed, by
//! whom and when, written in the edit's transaction and shown on the record.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::history::FieldChange;

use super::Actor;
use super::log::RecordKind;
use crate::schema::record_changes;
use crate::{DbConn, Result, StoreError};

/// One edit of a record: when, by whom (their name), and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub at: NaiveDateTime,
    pub by: Option<String>,
    pub changes: Vec<FieldChange>,
}

/// Keeps an edit's changes; the caller holds the transaction of the edit.
pub(crate) fn record(
    conn: &mut DbConn,
    actor: &Actor,
    kind: RecordKind,
    id: i32,
    changes: &[FieldChange],
) -> Result<()> {
    diesel::insert_into(record_changes::table)
        .values((
            record_changes::record_kind.eq(kind.code()),
            record_changes::record_id.eq(id),
            record_changes::changed_at.eq(actor.at),
            record_changes::changed_by.eq(actor.user_id),
            record_changes::changes.eq(serde_json::to_string(changes).expect("field changes are plain strings")),
        ))
        .execute(conn)?;
    Ok(())
}

/// A record's edits, the latest first, without logging: for callers that log the record's read.
pub(crate) fn of(conn: &mut DbConn, kind: RecordKind, id: i32) -> Result<Vec<Change>> {
    let rows: Vec<(NaiveDateTime, Option<i32>, String)> = record_changes::table
        .filter(record_changes::record_kind.eq(kind.code()))
        .filter(record_changes::record_id.eq(id))
        .order(record_changes::id.desc())
        .select((record_changes::changed_at, record_changes::changed_by, record_changes::changes))
        .load(conn)?;
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.1).collect();
    let names = super::users::display_names(conn, &ids)?;
    rows.into_iter()
        .map(|(at, by, changes)| {
            Ok(Change {
                at,
                by: by.and_then(|id| names.get(&id).cloned()),
                changes: serde_json::from_str(&changes).map_err(StoreError::unreadable)?,
            })
        })
        .collect()
}
