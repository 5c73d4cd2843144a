//! Both backends must end with the same schema, as Diesel sees it. Each run compares the
//! backend under test with `schema.snapshot`; the suite runs on both, so both equal it.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use etablera_store::testing::TestDatabase;
use etablera_store::{Backend, DbConn};

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    nullable: i32,
}

const SQLITE: &str = "SELECT m.name AS table_name, p.name AS column_name, upper(p.type) AS data_type, \
     CASE WHEN p.\"notnull\" = 1 THEN 0 ELSE 1 END AS nullable \
     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'";

const POSTGRES: &str = "SELECT table_name::text AS table_name, column_name::text AS column_name, \
     data_type::text AS data_type, CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END AS nullable \
     FROM information_schema.columns \
     WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'";

/// The Diesel SQL type that `diesel print-schema` gives each backend's column type.
fn diesel_type(backend: Backend, declared: &str) -> String {
    let mapped = match (backend, declared) {
        (Backend::Sqlite, "INTEGER") | (Backend::Postgres, "integer") => "Integer",
        (Backend::Sqlite, "BIGINT") | (Backend::Postgres, "bigint") => "BigInt",
        (Backend::Sqlite, "TEXT") | (Backend::Postgres, "text") => "Text",
        (Backend::Sqlite, "BOOLEAN") | (Backend::Postgres, "boolean") => "Bool",
        (Backend::Sqlite, "TIMESTAMP") | (Backend::Postgres, "timestamp without time zone") => "Timestamp",
        (Backend::Sqlite, "DATE") | (Backend::Postgres, "date") => "Date",
        (Backend::Sqlite, "BLOB") | (Backend::Postgres, "bytea") => "Binary",
        _ => return format!("UNSHARED({declared})"),
    };
    mapped.to_owned()
}

fn describe(conn: &mut DbConn, backend: Backend) -> String {
    let sql = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    let columns: Vec<Column> = diesel::sql_query(sql).load(conn).expect("schema introspection");
    let mut lines: Vec<String> = columns
        .into_iter()
        .map(|c| {
            let ty = diesel_type(backend, &c.data_type);
            let ty = if c.nullable == 1 { format!("Nullable<{ty}>") } else { ty };
            format!("{}.{}: {}", c.table_name, c.column_name, ty)
        })
        .collect();
    lines.sort();
    lines.join("\n") + "\n"
}

#[test]
fn the_migrated_schema_matches_the_shared_snapshot() {
    let db = TestDatabase::new();
    let backend = db.store.backend();
    let actual = db.store.with_conn(|conn| Ok(describe(conn, backend))).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schema.snapshot");
    if std::env::var_os("UPDATE_SCHEMA_SNAPSHOT").is_some() {
        std::fs::write(path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(
        actual,
        expected,
        "the {} schema differs from tests/schema.snapshot; both backends must give the same tables, \
         columns and types (set UPDATE_SCHEMA_SNAPSHOT=1 to rewrite it, then run on the other backend)",
        backend.name()
    );
}
