use etablera_domain::cofinancing::population::parse_population_csv;
use etablera_store::StoreError;
use etablera_store::cofinancing::population::{self, Source};
use etablera_store::testing::TestDatabase;

fn rows(text: &str) -> Vec<etablera_domain::cofinancing::population::PopulationRow> {
    parse_population_csv(text).unwrap()
}

#[test]
fn an_import_stores_the_year_and_a_later_one_replaces_its_municipalities() {
    let db = TestDatabase::new();
    let first = rows("code,name,population\n0586,Mjölby,26639\n0509,Ödeshög,5272\n");
    let summary = db
        .store
        .with_conn(|conn| {
            population::import(conn, &etablera_store::testing::cli(), 2016, Source::Csv, Some("a.csv"), &first)
        })
        .unwrap();
    assert_eq!((summary.rows, summary.replaced), (2, 0));
    let again = rows("code,name,population\n0586,Mjölby,26700\n0114,Upplands Väsby,40000\n");
    let summary = db
        .store
        .with_conn(|conn| population::import(conn, &etablera_store::testing::cli(), 2016, Source::Csv, None, &again))
        .unwrap();
    assert_eq!((summary.rows, summary.replaced), (2, 1));
    let figures = db.store.with_conn(|conn| population::figures(conn, 2016, Some("05"))).unwrap();
    assert_eq!(
        figures.iter().map(|f| (f.code.as_str(), f.population)).collect::<Vec<_>>(),
        [("0509", 5_272), ("0586", 26_700)]
    );
    assert_eq!(figures[1].name, "Mjölby");
    assert_eq!(db.store.with_conn(population::years).unwrap(), [(2016, 3)]);
    let history = db.store.with_conn(|conn| population::imports(conn, 10)).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].file_name.as_deref(), Some("a.csv"));
}

#[test]
fn a_refused_import_leaves_nothing() {
    let db = TestDatabase::new();
    let good = rows("code,name,population\n0586,Mjölby,26639\n");
    let refused = db
        .store
        .with_conn(|conn| population::import(conn, &etablera_store::testing::cli(), 1800, Source::Csv, None, &good));
    assert!(matches!(refused, Err(StoreError::Invalid { field: "year", .. })));
    assert!(db.store.with_conn(population::years).unwrap().is_empty());
    assert!(db.store.with_conn(|conn| population::imports(conn, 10)).unwrap().is_empty());
}
