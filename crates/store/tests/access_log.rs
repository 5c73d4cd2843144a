use diesel::RunQueryDsl;
use etablera_domain::access::Role;
use etablera_domain::access::checkpoint::{Checkpoint, CheckpointKey};
use etablera_store::access::Actor;
use etablera_store::access::checkpoints::{CheckpointFile, Taken};
use etablera_store::access::log::{self, Action, Break, Filter, Record};
use etablera_store::testing::TestDatabase;

use crate::add_user;

fn fill(db: &TestDatabase, rows: usize) {
    db.store
        .with_conn(|conn| {
            for i in 0..rows {
                log::record(
                    conn,
                    &etablera_store::testing::cli(),
                    Action::Read,
                    &Record::new(etablera_store::access::log::RecordKind::Person, i),
                )?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn an_untouched_chain_verifies() {
    let db = TestDatabase::new();
    add_user(&db, "anna", &[Role::Auditor]);
    fill(&db, 10);
    let verification = db.store.with_conn(|conn| log::verify(conn, &[])).unwrap();
    assert_eq!(verification.first_break, None);
    assert_eq!(verification.rows_checked, 11, "one row for the created user, ten reads");
}

#[test]
fn an_empty_log_verifies() {
    let db = TestDatabase::new();
    let verification = db.store.with_conn(|conn| log::verify(conn, &[])).unwrap();
    assert_eq!(verification, log::Verification { rows_checked: 0, first_break: None, checkpoints_checked: 0 });
}

fn tamper(db: &TestDatabase, sql: &str) {
    db.store
        .with_conn(|conn| {
            diesel::sql_query(sql).execute(conn)?;
            Ok(())
        })
        .unwrap();
}

fn first_break(db: &TestDatabase) -> Option<Break> {
    db.store.with_conn(|conn| log::verify(conn, &[])).unwrap().first_break
}

#[test]
fn an_edited_row_breaks_the_chain_at_that_row() {
    let db = TestDatabase::new();
    fill(&db, 10);
    tamper(&db, "UPDATE access_log SET record_id = '999' WHERE id = 4");
    assert_eq!(first_break(&db), Some(Break::Altered { id: 4 }));
}

#[test]
fn a_row_whose_stored_hash_is_overwritten_is_found() {
    let db = TestDatabase::new();
    fill(&db, 10);
    tamper(&db, "UPDATE access_log SET hash = 'abc' WHERE id = 6");
    assert_eq!(first_break(&db), Some(Break::Altered { id: 6 }));
}

#[test]
fn an_edit_with_a_recomputed_hash_breaks_the_link_of_the_next_row() {
    let db = TestDatabase::new();
    fill(&db, 10);
    // Someone who knows the algorithm edits row 6 and gives it a matching hash.
    let rows =
        db.store.with_conn(|conn| log::export(conn, &etablera_store::testing::cli(), &Filter::default())).unwrap();
    let mut entry = rows[5].entry();
    entry.record_id = Some("999".into());
    let forged = etablera_domain::access::chain_hash(&rows[5].prev_hash, &entry);
    tamper(&db, &format!("UPDATE access_log SET record_id = '999', hash = '{forged}' WHERE id = 6"));
    assert_eq!(first_break(&db), Some(Break::Unlinked { id: 7 }));
}

#[test]
fn a_deleted_row_is_found_as_a_gap() {
    let db = TestDatabase::new();
    fill(&db, 10);
    tamper(&db, "DELETE FROM access_log WHERE id = 3");
    assert_eq!(first_break(&db), Some(Break::Gap { expected_id: 3, found_id: 4 }));
}

#[test]
fn removing_the_last_rows_is_found() {
    let db = TestDatabase::new();
    fill(&db, 10);
    tamper(&db, "DELETE FROM access_log WHERE id > 8");
    assert_eq!(first_break(&db), Some(Break::Truncated { last_id: 8, head_id: 10 }));
}

#[test]
fn the_log_holds_no_personal_data_only_ids() {
    let db = TestDatabase::new();
    let user = add_user(&db, "bertil", &[Role::Admin]);
    let rows =
        db.store.with_conn(|conn| log::export(conn, &etablera_store::testing::cli(), &Filter::default())).unwrap();
    assert_eq!(rows.len(), 2, "the created user, and the export itself");
    assert_eq!(rows[1].action, Action::Export);
    let row = &rows[0];
    assert_eq!(row.action, Action::Create);
    assert_eq!(row.record_kind, "user");
    assert_eq!(row.record_id.as_deref(), Some(user.id.to_string().as_str()));
    let everything = format!("{rows:?}");
    assert!(!everything.contains("bertil") && !everything.contains("Testperson"));
}

#[test]
fn reading_the_log_is_logged_and_filters_apply() {
    let db = TestDatabase::new();
    let auditor = add_user(&db, "greta", &[Role::Auditor]);
    fill(&db, 3);
    let actor = Actor { user_id: Some(auditor.id), ..etablera_store::testing::cli() };
    let filter = Filter { action: Some(Action::Read), record_kind: Some("person".into()), ..Filter::default() };
    let (rows, more) = db.store.with_conn(|conn| log::page(conn, &actor, &filter, 0, 2)).unwrap();
    assert_eq!(rows.len(), 2);
    assert!(more);
    assert!(rows[0].id > rows[1].id, "newest first");
    let filter = Filter { actor_user_id: Some(auditor.id), ..Filter::default() };
    let (rows, _) = db.store.with_conn(|conn| log::page(conn, &actor, &filter, 0, 50)).unwrap();
    assert_eq!(rows.len(), 2, "both of the auditor's reads of the log are in it");
    assert!(rows.iter().all(|r| r.record_kind == "access_log" && r.action == Action::Read));
}

#[test]
fn concurrent_appends_keep_one_unbroken_chain() {
    let db = TestDatabase::new();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let store = db.store.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    store
                        .with_conn(|conn| {
                            log::record(
                                conn,
                                &etablera_store::testing::cli(),
                                Action::Read,
                                &Record::new(etablera_store::access::log::RecordKind::Person, t * 100 + i),
                            )
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let verification = db.store.with_conn(|conn| log::verify(conn, &[])).unwrap();
    assert_eq!(verification, log::Verification { rows_checked: 100, first_break: None, checkpoints_checked: 0 });
}

#[test]
fn verify_while_writes_flow_finds_the_chain_whole() {
    let db = TestDatabase::new();
    fill(&db, 50);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let store = db.store.clone();
        let done = done.clone();
        std::thread::spawn(move || {
            let mut written = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                store
                    .with_conn(|conn| {
                        log::record(
                            conn,
                            &etablera_store::testing::cli(),
                            Action::Read,
                            &Record::all(etablera_store::access::log::RecordKind::Person),
                        )
                    })
                    .unwrap();
                written += 1;
            }
            written
        })
    };
    for _ in 0..15 {
        let verification = db.store.with_conn(|conn| log::verify(conn, &[])).unwrap();
        assert_eq!(verification.first_break, None, "after {} rows", verification.rows_checked);
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(writer.join().unwrap() > 0, "rows were appended while verify ran");
    assert_eq!(first_break(&db), None);
}

#[test]
fn a_row_altered_to_an_action_no_one_knows_breaks_the_chain_and_is_not_read_as_another() {
    let db = TestDatabase::new();
    fill(&db, 10);
    tamper(&db, "UPDATE access_log SET action = 'yoga' WHERE id = 4");
    assert_eq!(first_break(&db), Some(Break::Altered { id: 4 }), "the verification reads the text as stored");
    let read = db.store.with_conn(|conn| log::page(conn, &etablera_store::testing::cli(), &Filter::default(), 0, 50));
    assert!(read.is_err(), "an unknown action is an error when read, not a default");
}

// Someone with write access to the database, who knows the public formula.

fn rows(db: &TestDatabase) -> Vec<log::LogRow> {
    db.store
        .with_conn(|conn| {
            use diesel::prelude::*;
            use etablera_store::schema::access_log;
            Ok(access_log::table.order(access_log::id.asc()).select(log::LogRow::as_select()).load(conn)?)
        })
        .unwrap()
}

/// Changes row `id`'s record and writes every hash from it on again, and the head, so that
/// the chain is whole by its own formula.
fn rewrite_from(db: &TestDatabase, id: i32) {
    let rows = rows(db);
    let mut prev = rows[id as usize - 2].hash.clone();
    for row in &rows[id as usize - 1..] {
        let mut entry = row.entry();
        if row.id == id {
            entry.record_id = Some("999".into());
        }
        let hash = etablera_domain::access::chain_hash(&prev, &entry);
        tamper(
            db,
            &format!(
                "UPDATE access_log SET record_id = {}, prev_hash = '{prev}', hash = '{hash}' WHERE id = {}",
                entry.record_id.map_or("NULL".to_owned(), |id| format!("'{id}'")),
                row.id
            ),
        );
        prev = hash;
    }
    tamper(db, &format!("UPDATE access_log_head SET last_hash = '{prev}'"));
}

fn key() -> CheckpointKey {
    CheckpointKey::from_file_text(&"5a".repeat(32)).unwrap()
}

fn checkpoint(db: &TestDatabase) -> Checkpoint {
    db.store.with_conn(|conn| log::checkpoint(conn, &etablera_store::testing::cli(), &key(), None)).unwrap().unwrap()
}

fn break_against(db: &TestDatabase, checkpoints: &[Checkpoint]) -> Option<Break> {
    db.store.with_conn(|conn| log::verify(conn, checkpoints)).unwrap().first_break
}

#[test]
fn a_forged_row_with_an_id_of_zero_or_below_is_found() {
    for id in [0, -5] {
        let db = TestDatabase::new();
        fill(&db, 3);
        let row = &rows(&db)[0];
        tamper(
            &db,
            &format!(
                "INSERT INTO access_log (id, at, actor_user_id, action, record_kind, record_id, prev_hash, hash) \
                 VALUES ({id}, '2026-01-01 00:00:00', 1, 'read', 'person', '1', '{}', '{}')",
                row.prev_hash, row.hash
            ),
        );
        assert_eq!(first_break(&db), Some(Break::Outside { id }), "a row with id {id}");
    }
}

#[test]
fn a_tail_cut_off_with_the_head_set_back_is_found_only_against_a_checkpoint() {
    let db = TestDatabase::new();
    fill(&db, 10);
    let signed = checkpoint(&db);
    assert_eq!(signed.rows, 11, "the ten reads and the checkpoint's own reading of the log");
    let eighth = rows(&db)[7].hash.clone();
    tamper(&db, "DELETE FROM access_log WHERE id > 8");
    tamper(&db, &format!("UPDATE access_log_head SET last_id = 8, last_hash = '{eighth}'"));
    assert_eq!(first_break(&db), None, "the chain alone cannot tell");
    assert_eq!(
        break_against(&db, &[signed.clone()]),
        Some(Break::ShorterThanCheckpoint { rows: 8, checkpoint_rows: 11 })
    );
    let refused =
        db.store.with_conn(|conn| log::checkpoint(conn, &etablera_store::testing::cli(), &key(), Some(&signed)));
    assert_eq!(
        refused.unwrap().unwrap_err(),
        Break::ShorterThanCheckpoint { rows: 9, checkpoint_rows: 11 },
        "signing again appends its own row as row 9, and the signed row 11 is gone"
    );
}

#[test]
fn a_chain_whose_every_hash_was_recomputed_is_found_only_against_a_checkpoint() {
    let db = TestDatabase::new();
    fill(&db, 10);
    let signed = checkpoint(&db);
    fill(&db, 5);
    let later = checkpoint(&db);
    rewrite_from(&db, 4);
    assert_eq!(first_break(&db), None, "the chain alone cannot tell");
    assert_eq!(break_against(&db, &[signed.clone(), later.clone()]), Some(Break::Unanchored { rows: 11 }));
    // Signing again after the rewrite starts from the last checkpoint and refuses.
    let refused =
        db.store.with_conn(|conn| log::checkpoint(conn, &etablera_store::testing::cli(), &key(), Some(&later)));
    assert_eq!(refused.unwrap().unwrap_err(), Break::Unanchored { rows: later.rows });
}

#[test]
fn an_untouched_chain_holds_against_its_checkpoints_and_a_broken_one_is_not_signed() {
    let db = TestDatabase::new();
    fill(&db, 4);
    let first = checkpoint(&db);
    fill(&db, 4);
    let second = db
        .store
        .with_conn(|conn| log::checkpoint(conn, &etablera_store::testing::cli(), &key(), Some(&first)))
        .unwrap()
        .unwrap();
    assert_eq!(second.rows, first.rows + 5);
    let verification = db.store.with_conn(|conn| log::verify(conn, &[second.clone(), first])).unwrap();
    assert_eq!((verification.first_break, verification.checkpoints_checked), (None, 2));
    tamper(&db, "UPDATE access_log SET record_id = '999' WHERE id = 2");
    let refused = db.store.with_conn(|conn| log::checkpoint(conn, &etablera_store::testing::cli(), &key(), None));
    assert_eq!(refused.unwrap().unwrap_err(), Break::Altered { id: 2 });
}

#[test]
fn the_checkpoint_file_grows_a_signed_line_at_a_time_and_a_changed_line_is_refused() {
    let db = TestDatabase::new();
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("key");
    std::fs::write(&key_path, "5a".repeat(32)).unwrap();
    let file = CheckpointFile::open(&dir.path().join("checkpoints"), &key_path).unwrap();
    assert_eq!(file.read().unwrap(), vec![], "no file yet is no checkpoint");
    fill(&db, 3);
    let take = || db.store.with_conn(|conn| file.take(conn, &etablera_store::testing::cli())).unwrap().unwrap();
    let Taken::Added(first) = take() else { panic!("a first checkpoint") };
    let Taken::Added(second) = take() else { panic!("the first one's reading of the log is a new row") };
    assert_eq!(second.rows, first.rows + 1);
    assert_eq!(file.read().unwrap(), vec![first.clone(), second.clone()]);
    let text = std::fs::read_to_string(&file.path).unwrap();
    assert_eq!(text, format!("{}\n{}\n", first.line(), second.line()));
    std::fs::write(&file.path, text.replacen(&format!("rows={}", first.rows), "rows=1", 1)).unwrap();
    assert_eq!(file.read().unwrap_err().key, "checkpoint-line");
    assert!(matches!(db.store.with_conn(|conn| file.take(conn, &etablera_store::testing::cli())).unwrap(), Err(_)));
    assert_eq!(file.read().unwrap_err().key, "checkpoint-line", "nothing was signed on top of it");
}
