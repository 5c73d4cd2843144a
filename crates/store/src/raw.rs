//! Hand-written SQL on either backend, for the aggregates the query builder does not express
//! plainly (counts with correlated `NOT EXISTS`, `CASE` sums). Statements are written once with
//! `?` placeholders; PostgreSQL gets them numbered. Values are always bound, never formatted in.

use chrono::NaiveDate;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Date, Integer, Text};
use diesel::{QueryableByName, RunQueryDsl};

use crate::{DbConn, Result};

/// A bound value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Text(String),
    Date(NaiveDate),
    Int(i32),
    BigInt(i64),
}

impl From<&str> for Param {
    fn from(value: &str) -> Self {
        Param::Text(value.to_owned())
    }
}

impl From<NaiveDate> for Param {
    fn from(value: NaiveDate) -> Self {
        Param::Date(value)
    }
}

impl From<i32> for Param {
    fn from(value: i32) -> Self {
        Param::Int(value)
    }
}

/// `?` → `$1`, `$2`, … (the statements hold no `?` inside string literals).
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut query = $query;
        for param in $params {
            query = match param {
                Param::Text(v) => query.bind::<Text, _>(v.clone()),
                Param::Date(v) => query.bind::<Date, _>(*v),
                Param::Int(v) => query.bind::<Integer, _>(*v),
                Param::BigInt(v) => query.bind::<BigInt, _>(*v),
            };
        }
        query
    }};
}

fn sqlite(sql: &str, params: &[Param]) -> BoxedSqlQuery<'static, diesel::sqlite::Sqlite, SqlQuery> {
    bind_all!(diesel::sql_query(sql).into_boxed::<diesel::sqlite::Sqlite>(), params)
}

fn postgres(sql: &str, params: &[Param]) -> BoxedSqlQuery<'static, diesel::pg::Pg, SqlQuery> {
    bind_all!(diesel::sql_query(numbered(sql)).into_boxed::<diesel::pg::Pg>(), params)
}

/// Runs a statement and reads its rows.
pub fn load<T>(conn: &mut DbConn, sql: &str, params: &[Param]) -> Result<Vec<T>>
where
    T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    Ok(match conn {
        DbConn::Sqlite(c) => sqlite(sql, params).load(c)?,
        DbConn::Postgres(c) => postgres(sql, params).load(c)?,
    })
}

/// Runs a statement that returns no rows; gives the number of rows it changed.
pub fn execute(conn: &mut DbConn, sql: &str, params: &[Param]) -> Result<usize> {
    Ok(match conn {
        DbConn::Sqlite(c) => sqlite(sql, params).execute(c)?,
        DbConn::Postgres(c) => postgres(sql, params).execute(c)?,
    })
}

/// A row of one count.
#[derive(Debug, QueryableByName)]
pub struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

/// Runs a statement whose one row is a count named `n`.
pub fn count(conn: &mut DbConn, sql: &str, params: &[Param]) -> Result<u32> {
    let rows: Vec<Count> = load(conn, sql, params)?;
    Ok(rows.first().map_or(0, |r| u32::try_from(r.n).unwrap_or(u32::MAX)))
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn placeholders_are_numbered_in_order() {
        assert_eq!(numbered("a = ? AND b <= ? OR c"), "a = $1 AND b <= $2 OR c");
    }
}
