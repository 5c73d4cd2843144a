//! Queries on tables that grow with the caseload use an index, on both backends: each query
//! here is written as the store sends it, and its plan must name the index. On PostgreSQL
//! sequential scans are switched off for the check, since on a small table the planner rightly
//! prefers one; what is checked is that an index serves the query at all.

use diesel::prelude::*;
use diesel::sql_types::Text;
use etablera_store::testing::TestDatabase;
use etablera_store::{Backend, DbConn};

#[derive(QueryableByName)]
struct SqlitePlan {
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct PostgresPlan {
    #[diesel(sql_type = Text)]
    #[diesel(column_name = "QUERY PLAN")]
    line: String,
}

/// The plan of `sql` as text, one line a step.
fn plan(conn: &mut DbConn, backend: Backend, sql: &str) -> String {
    match backend {
        Backend::Sqlite => {
            let rows: Vec<SqlitePlan> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(conn).unwrap();
            rows.into_iter().map(|r| r.detail).collect::<Vec<_>>().join("\n")
        }
        Backend::Postgres => {
            diesel::sql_query("SET enable_seqscan = off").execute(conn).unwrap();
            let rows: Vec<PostgresPlan> = diesel::sql_query(format!("EXPLAIN {sql}")).load(conn).unwrap();
            diesel::sql_query("RESET enable_seqscan").execute(conn).unwrap();
            rows.into_iter().map(|r| r.line).collect::<Vec<_>>().join("\n")
        }
    }
}

/// Each growing table's query as the store sends it, and the indexes that must serve it (`a|b`:
/// either; a municipality's households are found by either index that starts with its code).
const QUERIES: [(&str, &[&str]); 6] = [
    // access::log::recent_logins: a user's own logins on their start page.
    (
        "SELECT id FROM access_log WHERE record_kind = 'user' AND record_id = '7' \
         AND action IN ('login', 'login_failed', 'logout') ORDER BY id DESC LIMIT 10",
        &["access_log_record"],
    ),
    // reception::households::list: the households in a case worker's scope.
    (
        "SELECT id FROM households WHERE municipality_code IN ('0117') AND unit = 'Mottagningen' \
         ORDER BY placement_date DESC, id DESC",
        &["households_scope"],
    ),
    // ... and their persons, joined to the scope rather than bound as ids.
    (
        "SELECT persons.id FROM persons INNER JOIN households ON households.id = persons.household_id \
         WHERE households.municipality_code IN ('0117') AND households.unit = 'Mottagningen'",
        &["households_scope", "persons_household"],
    ),
    // ... and the persons' exits.
    (
        "SELECT person_exits.person_id FROM person_exits INNER JOIN (persons INNER JOIN households \
         ON households.id = persons.household_id) ON persons.id = person_exits.person_id \
         WHERE households.municipality_code IN ('0117') AND households.unit = 'Mottagningen'",
        &["households_scope", "persons_household", "person_exits_person"],
    ),
    // reporting::monthly: a municipality's activities.
    (
        "SELECT activities.id FROM activities INNER JOIN (persons INNER JOIN households \
         ON households.id = persons.household_id) ON persons.id = activities.person_id \
         WHERE households.municipality_code = '0117'",
        &["households_scope|households_reference", "persons_household", "activities_person"],
    ),
    // economy::costs::list: the costs in scope, newest first.
    (
        "SELECT costs.id FROM costs INNER JOIN households ON households.id = costs.household_id \
         WHERE households.municipality_code IN ('0117') ORDER BY costs.cost_date DESC, costs.id DESC",
        &["households_scope|households_reference", "costs_household"],
    ),
];

#[test]
fn the_queries_on_growing_tables_use_their_indexes() {
    let db = TestDatabase::new();
    let backend = db.store.backend();
    db.store
        .with_conn(|conn| {
            for (sql, indexes) in QUERIES {
                let plan = plan(conn, backend, sql);
                for index in indexes {
                    assert!(index.split('|').any(|i| plan.contains(i)), "{sql}\nshould use {index}:\n{plan}");
                }
            }
            Ok(())
        })
        .unwrap();
}
