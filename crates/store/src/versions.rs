//! Optimistic locking: every record a person edits carries a `version`; an edit names the
//! version it was made from, and is refused as stale when the record has moved on since.

use crate::{Result, StoreError};

/// Moves a row to its next version if it is still at the version given, as the first write of
/// the transaction: on PostgreSQL a concurrent edit of the same row waits here for this one and
/// then finds the version moved; on SQLite the write lock is taken when the transaction begins.
/// `claim_version!(conn, invoices, id, version)`, or `claim_version!(conn, table.column, id,
/// version)` when the column has another name.
macro_rules! claim_version {
    ($conn:expr, $table:ident, $id:expr, $expected:expr) => {
        $crate::versions::claim_version!($conn, $table.version, $id, $expected)
    };
    ($conn:expr, $table:ident . $column:ident, $id:expr, $expected:expr) => {{
        use $crate::schema::$table;
        $crate::versions::moved(
            diesel::update($table::table.find($id).filter($table::$column.eq($expected)))
                .set($table::$column.eq($table::$column + 1))
                .execute($conn)?,
        )
    }};
}
pub(crate) use claim_version;

/// One row moved on, or none: then someone else moved it first.
pub(crate) fn moved(rows: usize) -> Result<()> {
    if rows == 0 { Err(StoreError::Stale) } else { Ok(()) }
}
