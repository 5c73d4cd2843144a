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
/// On the test's empty tables PostgreSQL finds every index that starts with the municipality
/// equally cheap, and may take `persons_search` for a query on the municipality's persons; the
/// national caseload's plans are in docs/performance.md.
const QUERIES: [(&str, &[&str]); 35] = [
    // access::sessions::failures: an account's failures at one address, and whether it has
    // logged in from there (on the empty tables PostgreSQL finds the three indexes that start
    // with the name or the address equally cheap).
    (
        "SELECT count(*) FROM login_attempts WHERE succeeded = false AND at >= '2026-01-01' \
         AND username_hash = 'h' AND client_address = '10.0.0.1'",
        &["login_attempts_pair|login_attempts_username|login_attempts_address"],
    ),
    (
        "SELECT EXISTS (SELECT id FROM login_attempts WHERE username_hash = 'h' AND client_address = '10.0.0.1' \
         AND succeeded = true AND at >= '2026-01-01')",
        &["login_attempts_pair|login_attempts_username|login_attempts_address"],
    ),
    // access::log::recent_logins: a user's own logins on their start page.
    (
        "SELECT id FROM access_log WHERE record_kind = 'user' AND record_id = '7' \
         AND action IN ('login', 'login_failed', 'logout') ORDER BY id DESC LIMIT 10",
        &["access_log_record"],
    ),
    // reception::households::list: a page of the households in a case worker's scope, in the
    // order of their placement; whether someone is active is asked per household.
    (
        "SELECT id FROM households WHERE municipality_code IN ('0117') AND unit = 'Mottagningen' \
         AND EXISTS (SELECT persons.id FROM persons WHERE persons.household_id = households.id \
             AND (persons.reception_date IS NULL OR NOT EXISTS (SELECT person_exits.id FROM person_exits \
                 WHERE person_exits.person_id = persons.id AND person_exits.exit_date < '2026-01-01'))) \
         ORDER BY placement_date DESC, id DESC LIMIT 50 OFFSET 100",
        &["households_placed", "persons_household", "person_exits_person"],
    ),
    // ... searched by a name: the persons' names read from the search index of the municipality
    // alone, the households' references in scope.
    (
        "SELECT id FROM households WHERE municipality_code = '0117' AND unit = 'Mottagningen' \
         AND (households.id IN (SELECT persons.household_id FROM persons WHERE persons.search_name LIKE '%amina%' \
             ESCAPE '\\' AND persons.municipality_code = '0117') OR lower(households.reference) LIKE '%amina%' ESCAPE '\\') \
         ORDER BY placement_date DESC, id DESC LIMIT 50",
        &["households_placed", "persons_search"],
    ),
    // access::history::of: a record's corrections, on its page.
    (
        "SELECT changed_at FROM record_changes WHERE record_kind = 'person' AND record_id = 7 ORDER BY id DESC",
        &["record_changes_record"],
    ),
    // ... the user's own ("mina ärenden"), in the order of their placement.
    (
        "SELECT id FROM households WHERE municipality_code = '0117' AND unit = 'Mottagningen' \
         AND responsible_id = 7 ORDER BY placement_date DESC, id DESC LIMIT 50",
        &["households_responsible"],
    ),
    // ... by a personnummer or a dossier number (on the test's empty tables PostgreSQL may as
    // well read the municipality's persons from the search index; on the national caseload it
    // takes the number's, as docs/performance.md shows).
    (
        "SELECT id FROM households WHERE municipality_code = '0117' AND unit = 'Mottagningen' \
         AND households.id IN (SELECT persons.household_id FROM persons WHERE persons.personal_number = '198507152380' \
             AND persons.municipality_code = '0117') ORDER BY placement_date DESC, id DESC LIMIT 50",
        &["persons_personal_number|persons_search"],
    ),
    (
        "SELECT id FROM households WHERE municipality_code = '0117' AND unit = 'Mottagningen' \
         AND households.id IN (SELECT persons.household_id FROM persons WHERE persons.dossier_number = '12-345678' \
             AND persons.municipality_code = '0117') ORDER BY placement_date DESC, id DESC LIMIT 50",
        &["persons_dossier_number|persons_search"],
    ),
    // ... and the page's persons, a page's ids.
    ("SELECT persons.id FROM persons WHERE persons.household_id IN (1, 2, 3)", &["persons_household"]),
    // ... the households waiting for their first contact (the notifier, every one of them).
    (
        "SELECT id FROM households WHERE municipality_code IN ('0117') AND unit = 'Mottagningen' \
         AND first_contact_at IS NULL AND EXISTS (SELECT persons.id FROM persons \
             WHERE persons.household_id = households.id AND persons.reception_date <= '2026-01-01') \
         ORDER BY placement_date DESC, id DESC",
        &["households_uncontacted|households_placed", "persons_household"],
    ),
    // ... and their persons, joined to the scope rather than bound as ids.
    (
        "SELECT persons.id FROM persons INNER JOIN households ON households.id = persons.household_id \
         WHERE households.municipality_code IN ('0117') AND households.unit = 'Mottagningen' \
         AND households.first_contact_at IS NULL",
        &["households_uncontacted|households_scope|households_placed|households_responsible", "persons_household"],
    ),
    // households::awaiting_first_contact: the start page's first page of them, the earliest
    // reception first.
    (
        "SELECT id FROM households WHERE municipality_code IN ('0117') AND unit = 'Mottagningen' \
         AND first_contact_at IS NULL AND EXISTS (SELECT persons.id FROM persons \
             WHERE persons.household_id = households.id AND persons.reception_date <= '2026-01-01') \
         ORDER BY (SELECT MIN(persons.reception_date) FROM persons WHERE persons.household_id = households.id), \
         id LIMIT 10",
        &["households_uncontacted|households_placed", "persons_household"],
    ),
    // reception::housing::ending_within: homes whose contract ends soon (the start page).
    (
        "SELECT temporary_housings.household_id FROM temporary_housings INNER JOIN households \
         ON households.id = temporary_housings.household_id WHERE households.municipality_code IN ('0117') \
         AND temporary_housings.municipality_code IN ('0117') \
         AND temporary_housings.keys_returned_on IS NULL AND temporary_housings.contract_end >= '2026-01-01' \
         AND temporary_housings.contract_end <= '2026-03-01' \
         ORDER BY temporary_housings.contract_end, temporary_housings.id LIMIT 10",
        &["temporary_housings_ending"],
    ),
    // reporting::counts: the target group of a month, from the municipality's persons.
    (
        "SELECT COUNT(*) FROM persons p WHERE p.municipality_code = '0117' AND p.reception_date IS NOT NULL \
         AND p.reception_date <= '2026-01-31' AND NOT EXISTS (SELECT 1 FROM person_exits e \
         WHERE e.person_id = p.id AND e.exit_date < '2026-01-01')",
        &["persons_received|persons_dossier_number|persons_personal_number|persons_search", "person_exits_person"],
    ),
    // ... the month's arrivals.
    (
        "SELECT q.household_id FROM persons q WHERE q.municipality_code = '0117' \
         AND q.reception_date >= '2026-01-01' AND q.reception_date <= '2026-01-31'",
        &["persons_received|persons_search"],
    ),
    // ... the activities and declines of the group.
    (
        "SELECT COUNT(DISTINCT a.person_id) FROM activities a JOIN persons p ON p.id = a.person_id \
         WHERE p.municipality_code = '0117' AND a.start_date <= '2026-01-31'",
        &["activities_person"],
    ),
    (
        "SELECT COUNT(DISTINCT d.person_id) FROM declines d JOIN persons p ON p.id = d.person_id \
         WHERE p.municipality_code = '0117' AND d.declined_on >= '2026-01-01'",
        &["declines_person"],
    ),
    // reporting::kept: counts kept for a version of the casework.
    (
        "SELECT figures FROM kept_counts WHERE municipality_code = '0117' AND version = 3 \
         AND kept_key IN ('monthly/2026-01/calendar')",
        &["kept_counts"],
    ),
    // reporting::monthly (reference, in tests): a municipality's activities.
    (
        "SELECT activities.id FROM activities INNER JOIN (persons INNER JOIN households \
         ON households.id = persons.household_id) ON persons.id = activities.person_id \
         WHERE households.municipality_code = '0117'",
        &[
            "households_scope|households_reference|households_placed|households_responsible",
            "persons_household",
            "activities_person",
        ],
    ),
    // economy::costs::page: a page of the costs in scope, newest first, in the index's order;
    // a unit's scope asks about each cost's household by its key.
    (
        "SELECT costs.id FROM costs WHERE costs.municipality_code IN ('0117') \
         AND EXISTS (SELECT households.id FROM households WHERE households.id = costs.household_id \
             AND households.unit = 'Mottagningen') \
         ORDER BY costs.cost_date DESC, costs.id DESC LIMIT 50",
        &["costs_municipality"],
    ),
    // ... and the sums of every cost it selects, from the index alone on SQLite (PostgreSQL
    // reads only the index once the table's pages are marked all-visible by its vacuum).
    (
        "SELECT COUNT(*), SUM(costs.amount_ore), SUM(costs.reimbursable_ore), SUM(costs.over_cap_ore) \
         FROM costs WHERE costs.municipality_code IN ('0117') AND costs.claim_id IS NULL",
        &["COVERING INDEX costs_municipality|Index Only Scan using costs_municipality|Scan on costs_municipality"],
    ),
    // economy::claims::page: how many claims of a status, and the page's amounts.
    ("SELECT COUNT(*) FROM claims WHERE municipality_code IN ('0117') AND status = 'draft'", &["claims_municipality"]),
    ("SELECT claim_id, reimbursable_ore FROM costs WHERE claim_id IN (1, 2, 3)", &["costs_claim"]),
    // economy::standard::page: the received persons of a unit, and their totals by age.
    (
        "SELECT p.id FROM persons p JOIN households h ON h.id = p.household_id WHERE p.municipality_code = '0117' \
         AND p.reception_date IS NOT NULL AND h.unit = 'Mottagningen' ORDER BY p.reception_date DESC LIMIT 50",
        &["persons_received|persons_search"],
    ),
    (
        "SELECT count(*) FROM persons p JOIN households h ON h.id = p.household_id WHERE p.municipality_code = '0117' \
         AND p.reception_date IS NOT NULL AND h.unit = 'Mottagningen' GROUP BY substr(CAST(p.birth_date AS TEXT), 1, 4)",
        &["persons_received|persons_dossier_number|persons_personal_number|persons_search"],
    ),
    // quality::deviations::page: a municipality's cases, open first, newest first.
    (
        "SELECT deviations.id FROM deviations LEFT JOIN households ON households.id = deviations.household_id \
         WHERE deviations.municipality_code = '0117' AND (deviations.household_id IS NULL OR households.unit = 'M') \
         ORDER BY deviations.closed_on IS NOT NULL, deviations.received_on DESC, deviations.id DESC LIMIT 50",
        &["deviations_received"],
    ),
    // reporting::monthly::signed_months: each signed month's newest version.
    (
        "SELECT r.month FROM monthly_reports r WHERE r.municipality_code = '0117' AND r.month >= '2025-01' \
         AND r.month <= '2025-12' AND r.version = (SELECT max(v.version) FROM monthly_reports v \
         WHERE v.municipality_code = r.municipality_code AND v.month = r.month) ORDER BY r.month DESC LIMIT 50",
        &["autoindex_monthly_reports|monthly_reports_municipality_code_month_version_key"],
    ),
    // documents::of: a record's documents on its page (one index per kind of record).
    (
        "SELECT documents.id FROM documents LEFT JOIN users ON users.id = documents.uploaded_by          WHERE documents.cost_id = 7 ORDER BY documents.uploaded_at DESC, documents.id DESC",
        &["documents_cost"],
    ),
    (
        "SELECT documents.id FROM documents WHERE documents.housing_id IN (3, 4)          ORDER BY documents.uploaded_at DESC, documents.id DESC",
        &["documents_housing"],
    ),
    // access::review::pick: a batch of a month's reads, along the primary key.
    (
        "SELECT id, at, actor_user_id, action, record_kind, record_id FROM access_log WHERE id > 100 AND id <= 5000 \
         AND municipality_code = '0180' AND action IN ('read', 'export') ORDER BY id LIMIT 2000",
        &["INTEGER PRIMARY KEY|access_log_pkey"],
    ),
    // access::review::items: a page of a review's reads, those not yet reviewed.
    (
        "SELECT id, log_id FROM log_review_items WHERE review_id = 1 AND reviewed_at IS NULL ORDER BY id LIMIT 50",
        &["log_review_items_open|log_review_items_review"],
    ),
    // access::extract::person: every row of the log about the person or the household.
    (
        "SELECT at, actor_user_id, action FROM access_log WHERE (record_kind = 'person' AND record_id = '7') \
         OR (record_kind = 'household' AND record_id = '3') ORDER BY id",
        &["access_log_record"],
    ),
    // access::culling::cull_household: the household's notifications.
    ("DELETE FROM notifications WHERE household_id = 3", &["notifications_household"]),
    // reception::exchange::namesakes: the file's persons with the name and birth date of one
    // registered before, each looked up by the municipality's names.
    (
        "SELECT persons.id, registered.id FROM persons INNER JOIN households ON households.id = persons.household_id          INNER JOIN persons AS registered ON registered.municipality_code = persons.municipality_code          AND registered.search_name = persons.search_name AND registered.birth_date = persons.birth_date          AND registered.birth_date_known = persons.birth_date_known AND registered.id <= 100          WHERE persons.municipality_code = '0117' AND persons.id > 100 ORDER BY persons.id, registered.id",
        &["persons_search"],
    ),
];

#[test]
fn the_queries_on_growing_tables_use_their_indexes() {
    let db = TestDatabase::new();
    let backend = db.store.backend();
    db.store
        .with_conn(|conn| {
            // access::culling::due: each household not culled, with each kind of entry in its record
            // looked up by its household or its persons.
            let culling = etablera_store::access::culling::due_statement_for_plans(
                "0117",
                chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            )
            .unwrap();
            let culling_indexes: &[&str] = &[
                "households_culling",
                "persons_household",
                "case_notes_household",
                "record_changes_record",
                "person_exits_person",
                "activities_person",
                "declines_person",
                "work_exemptions_person",
                "temporary_housings_household",
                "housing_damages_housing",
                "support_tasks_household",
                "costs_household",
                "documents_household",
                "documents_person",
                "documents_housing",
                "deviations_household",
            ];
            for (sql, indexes) in QUERIES.iter().copied().chain([(culling.as_str(), culling_indexes)]) {
                let plan = plan(conn, backend, sql);
                for index in indexes {
                    assert!(index.split('|').any(|i| plan.contains(i)), "{sql}\nshould use {index}:\n{plan}");
                }
            }
            Ok(())
        })
        .unwrap();
}

/// The bundled SQLite is built with `.cargo/config.toml`'s options: a page cache per connection
/// (not one shared cache behind one mutex, which readers queued on under load) and no global
/// memory statistics. A build without that file's environment would lose them unseen.
#[test]
fn the_bundled_sqlite_gives_each_connection_its_own_page_cache() {
    #[derive(QueryableByName)]
    struct Option {
        #[diesel(sql_type = Text)]
        compile_options: String,
    }
    let db = TestDatabase::new();
    if db.store.backend() != Backend::Sqlite {
        return;
    }
    let options: Vec<String> = db
        .store
        .with_conn(|conn| Ok(diesel::sql_query("PRAGMA compile_options").load::<Option>(conn)?))
        .unwrap()
        .into_iter()
        .map(|o| o.compile_options)
        .collect();
    assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
    assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
}
