//! Population per municipality per year. An import replaces the year's figures for the
//! municipalities in it, all at once or not at all.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::cofinancing::Claimant;
use etablera_domain::cofinancing::population::PopulationRow;
use etablera_domain::municipality;

use crate::access::Actor;
use crate::schema::{population_imports, populations, users};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

etablera_domain::coded! {
    /// Where an import came from.
    pub enum Source {
        /// Our CSV: code,name,population.
        Csv = "csv",
        /// Statistics Sweden's PxWeb CSV.
        ScbCsv = "scb-csv",
        /// Statistics Sweden's json-stat2.
        JsonStat2 = "json-stat2",
        /// The figures printed in the seed documents (demo data).
        Seed = "seed",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub import_id: i32,
    pub year: i32,
    pub rows: usize,
    /// Municipalities that already had a figure for the year, now replaced.
    pub replaced: usize,
}

pub const MIN_YEAR: i32 = 1968;
pub const MAX_YEAR: i32 = 2100;

/// Stores the rows as the year's figures in one transaction.
pub fn import(
    conn: &mut DbConn,
    actor: &Actor,
    year: i32,
    source: Source,
    file_name: Option<&str>,
    rows: &[PopulationRow],
) -> Result<ImportSummary> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(StoreError::invalid(
            "year",
            Text::new("population-year-range").with("min", MIN_YEAR).with("max", MAX_YEAR),
        ));
    }
    if rows.is_empty() {
        return Err(StoreError::invalid("file", Text::new("population-no-municipalities")));
    }
    let codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    write(conn, |conn| {
        let import_id: i32 = diesel::insert_into(population_imports::table)
            .values((
                population_imports::year.eq(year),
                population_imports::source.eq(source.code()),
                population_imports::file_name.eq(file_name),
                population_imports::row_count.eq(rows.len() as i32),
                population_imports::imported_at.eq(actor.at),
                population_imports::imported_by.eq(actor.user_id),
            ))
            .returning(population_imports::id)
            .get_result(conn)?;
        let replaced = diesel::delete(
            populations::table.filter(populations::year.eq(year)).filter(populations::municipality_code.eq_any(&codes)),
        )
        .execute(conn)?;
        // Row by row: Diesel's multi-backend connection has no batch insert, and a year has at
        // most 290 rows.
        for r in rows {
            diesel::insert_into(populations::table)
                .values((
                    populations::municipality_code.eq(r.code.as_str()),
                    populations::year.eq(year),
                    populations::population.eq(r.population as i64),
                    populations::import_id.eq(import_id),
                ))
                .execute(conn)?;
        }
        Ok(ImportSummary { import_id, year, rows: rows.len(), replaced })
    })
}

/// The years that have figures, newest first, with how many municipalities each has.
pub fn years(conn: &mut DbConn) -> Result<Vec<(i32, i64)>> {
    Ok(populations::table
        .group_by(populations::year)
        .select((populations::year, diesel::dsl::count_star()))
        .order(populations::year.desc())
        .load(conn)?)
}

/// The year's figures in code order, for one county (two-digit code) or all.
/// Each municipality's population in a year, as a party to share a cost by.
pub fn figures(conn: &mut DbConn, year: i32, county: Option<&str>) -> Result<Vec<Claimant>> {
    let rows: Vec<(String, i64)> = populations::table
        .filter(populations::year.eq(year))
        .order(populations::municipality_code)
        .select((populations::municipality_code, populations::population))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(code, _)| county.is_none_or(|c| code.starts_with(c)))
        .map(|(code, population)| Claimant { name: municipality::name_of(&code), code, population: population as u64 })
        .collect())
}

#[derive(Debug, Clone, Queryable)]
pub struct ImportRecord {
    pub id: i32,
    pub year: i32,
    #[diesel(deserialize_as = String)]
    pub source: Source,
    pub file_name: Option<String>,
    pub row_count: i32,
    pub imported_at: NaiveDateTime,
    pub imported_by: Option<String>,
}

/// The latest imports, newest first.
pub fn imports(conn: &mut DbConn, limit: i64) -> Result<Vec<ImportRecord>> {
    Ok(population_imports::table
        .left_join(users::table)
        .order(population_imports::id.desc())
        .limit(limit)
        .select((
            population_imports::id,
            population_imports::year,
            population_imports::source,
            population_imports::file_name,
            population_imports::row_count,
            population_imports::imported_at,
            users::username.nullable(),
        ))
        .load(conn)?)
}
