//! Counts kept: a count that costs what a municipality's whole caseload costs (a month of the
//! monthly report, the target group on a day, the households a list shows) is counted once for
//! a version of the municipality's casework and read back until the casework changes. Every
//! write to a municipality's casework calls [`changed`] in its transaction, so a count kept from
//! an older version is never shown.
//!
//! A count is read in the reading's transaction (one consistent view of the version and the
//! casework) and kept afterwards in a short write of its own: keeping is a saving, not part of
//! the answer, and a failure to keep only means counting again next time.
//!
//! The version is one row per municipality: on PostgreSQL, writes to one municipality's
//! casework take turns on it until they commit (they are short); other municipalities are not
//! held up. An import raises it once.

use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::reporting::versions::Figure;

use crate::raw::{self, Param};
use crate::schema::{casework_versions, kept_counts};
use crate::{DbConn, Result, write};

/// Raises the municipality's casework version. Call it in the transaction of every write that
/// can change a kept count: households (their unit, placement and first contact), persons and
/// their reception and exits, activities, declines, exemptions, temporary homes and damages.
pub fn changed(conn: &mut DbConn, municipality_code: &str) -> Result<()> {
    raw::execute(
        conn,
        "INSERT INTO casework_versions (municipality_code, version) VALUES (?, 1) \
         ON CONFLICT (municipality_code) DO UPDATE SET version = casework_versions.version + 1",
        &[municipality_code.into()],
    )?;
    Ok(())
}

/// The casework's version as this transaction sees it.
pub fn version(conn: &mut DbConn, municipality_code: &str) -> Result<i64> {
    Ok(casework_versions::table
        .find(municipality_code)
        .select(casework_versions::version)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// What a count is kept under: its key, and the day it was measured on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub key: String,
    pub measured_on: NaiveDate,
}

/// A count of this version just made, to be kept.
#[derive(Debug, Clone)]
pub struct Fresh {
    pub version: i64,
    pub key: Key,
    pub figures: Vec<Figure>,
}

/// The figures kept for this version under each key (measured on its day).
pub fn find(
    conn: &mut DbConn,
    municipality_code: &str,
    version: i64,
    keys: &[Key],
) -> Result<Vec<Option<Vec<Figure>>>> {
    let names: Vec<&str> = keys.iter().map(|k| k.key.as_str()).collect();
    let rows: Vec<(String, NaiveDate, String)> = kept_counts::table
        .filter(kept_counts::municipality_code.eq(municipality_code))
        .filter(kept_counts::version.eq(version))
        // A page's keys: a bounded list.
        .filter(kept_counts::kept_key.eq_any(&names))
        .select((kept_counts::kept_key, kept_counts::measured_on, kept_counts::figures))
        .load(conn)?;
    Ok(keys
        .iter()
        .map(|k| {
            let (_, _, figures) = rows.iter().find(|(key, on, _)| *key == k.key && *on == k.measured_on)?;
            serde_json::from_str(figures).ok()
        })
        .collect())
}

/// One count: read back if kept for the casework's version, else made by `count` (and returned
/// as fresh, for [`keep`]).
pub fn one(
    conn: &mut DbConn,
    municipality_code: &str,
    key: Key,
    count: impl FnOnce(&mut DbConn) -> Result<u32>,
) -> Result<(u32, Option<Fresh>)> {
    let version = version(conn, municipality_code)?;
    let kept = find(conn, municipality_code, version, std::slice::from_ref(&key))?.remove(0);
    if let Some(n) = kept.as_deref().and_then(|f| etablera_domain::reporting::versions::find(f, &key.key)) {
        return Ok((n, None));
    }
    let n = count(conn)?;
    let figures = vec![Figure { code: key.key.clone(), count: n }];
    Ok((n, Some(Fresh { version, key, figures })))
}

/// Keeps fresh counts, in a write of its own after the reading; a count kept from a newer
/// version is not replaced by an older one. A failure is logged and left: the count is made
/// again next time.
pub fn keep(conn: &mut DbConn, municipality_code: &str, fresh: &[Fresh]) {
    if fresh.is_empty() {
        return;
    }
    let kept = write(conn, |conn| {
        for f in fresh {
            let figures = serde_json::to_string(&f.figures).expect("figures are plain data");
            raw::execute(
                conn,
                "INSERT INTO kept_counts (municipality_code, kept_key, measured_on, version, figures) \
                 VALUES (?, ?, ?, ?, ?) \
                 ON CONFLICT (municipality_code, kept_key) DO UPDATE \
                 SET measured_on = excluded.measured_on, version = excluded.version, figures = excluded.figures \
                 WHERE kept_counts.version <= excluded.version",
                &[
                    municipality_code.into(),
                    f.key.key.as_str().into(),
                    f.key.measured_on.into(),
                    Param::BigInt(f.version),
                    figures.as_str().into(),
                ],
            )?;
        }
        Ok(())
    });
    if let Err(e) = kept {
        tracing::warn!(error = %e, "counts could not be kept");
    }
}
