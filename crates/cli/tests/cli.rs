//! The command line as an administrator uses it, on the backend TEST_DATABASE_URL names.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use diesel::RunQueryDsl;
use etablera_store::testing::TestDatabase;

fn etablera(db: &TestDatabase, args: &[&str]) -> Output {
    etablera_with_input(db, args, None)
}

fn etablera_with_input(db: &TestDatabase, args: &[&str], input: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_etablera"))
        .args(args)
        .env("DATABASE_URL", db.url.expose())
        .env("USER", "testoperatör")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = input {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_lists_the_commands() {
    let db = TestDatabase::new();
    let help = stdout(&etablera(&db, &["--help"]));
    for command in ["serve", "migrate", "demo", "user", "audit", "backup"] {
        assert!(help.contains(command), "{command} in --help");
    }
    let serve = stdout(&etablera(&db, &["serve", "--help"]));
    assert!(serve.contains("--listen") && serve.contains("ETABLERA_LISTEN"));
    assert!(serve.contains("--pool-size") && serve.contains("ETABLERA_POOL_WAIT_SECONDS"));
}

#[test]
fn a_pool_of_no_connections_or_an_endless_wait_is_refused_before_the_server_starts() {
    let db = TestDatabase::new();
    for (flag, value, says) in [
        ("--pool-size", "0", "pool_size ska vara mellan 1 och 500"),
        ("--pool-wait-seconds", "600", "pool_wait_seconds ska vara mellan 1 och 60"),
    ] {
        let refused = etablera(&db, &["serve", "--listen", "127.0.0.1:0", flag, value]);
        assert!(!refused.status.success(), "{flag} {value}");
        assert!(stderr(&refused).contains(says), "{}", stderr(&refused));
    }
}

#[test]
fn demo_creates_one_user_per_role_once() {
    let db = TestDatabase::new();
    let first = etablera(&db, &["demo"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let out = stdout(&first);
    assert!(out.contains("DEMO"));
    assert!(out.contains("demo-etablera-2026"));
    let list = stdout(&etablera(&db, &["user", "list"]));
    for role in [
        "admin",
        "case_worker",
        "unit_manager",
        "finance",
        "committee",
        "regional_coordinator",
        "agreement_contact",
        "auditor",
    ] {
        assert!(list.contains(role), "a demo user with {role}");
    }
    assert!(list.contains("0560,0561,0562"), "the regional coordinator has all of Östergötland");
    let again = stdout(&etablera(&db, &["demo"]));
    assert!(again.contains("redan användare"));
}

#[test]
fn users_are_added_granted_and_disabled_and_bad_input_is_explained() {
    let db = TestDatabase::new();
    let add = etablera_with_input(
        &db,
        &[
            "user",
            "add",
            "lena",
            "--name",
            "Lena Test",
            "--role",
            "case_worker",
            "--municipality",
            "0117",
            "--unit",
            "Mottagningen",
            "--password-stdin",
        ],
        Some("ett långt lösenord\n"),
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let generated = etablera(&db, &["user", "add", "olle", "--name", "Olle Test", "--role", "finance"]);
    assert!(stdout(&generated).contains("Tillfälligt lösenord"));

    let grant = etablera(&db, &["user", "grant", "lena", "--role", "unit_manager", "--municipality", "0586"]);
    assert!(stdout(&grant).contains("case_worker, unit_manager"), "{}", stdout(&grant));
    assert!(stdout(&grant).contains("0117, 0586"));
    let revoke = etablera(&db, &["user", "revoke", "lena", "--role", "unit_manager", "--municipality", "0117"]);
    assert!(stdout(&revoke).contains("roller case_worker; kommuner 0586"), "{}", stdout(&revoke));
    let nothing = etablera(&db, &["user", "revoke", "lena"]);
    assert!(stderr(&nothing).contains("ange minst en --role"));
    let disable = etablera(&db, &["user", "disable", "lena"]);
    assert!(disable.status.success());
    assert!(stdout(&etablera(&db, &["user", "list"])).contains("avstängd"));

    let unknown_role = etablera(&db, &["user", "add", "per", "--name", "Per", "--role", "chef"]);
    assert!(!unknown_role.status.success());
    assert!(stderr(&unknown_role).contains("okänd roll"));
    let unknown_code =
        etablera(&db, &["user", "add", "per", "--name", "Per", "--role", "finance", "--municipality", "0100"]);
    assert!(stderr(&unknown_code).contains("det finns ingen kommun med koden 0100"));
    let short = etablera_with_input(
        &db,
        &["user", "add", "per", "--name", "Per", "--role", "finance", "--password-stdin"],
        Some("kort\n"),
    );
    assert!(stderr(&short).contains("minst 12 tecken"));
    let several = etablera(&db, &["user", "add", "per", "--name", "Per", "--role", "case_worker", "--email", "per@"]);
    assert!(!several.status.success());
    let explained = stderr(&several);
    assert!(explained.contains("unit: En handläggare måste höra till en enhet."), "{explained}");
    assert!(explained.contains("email: Skriv e-postadressen som namn@kommun.se."), "every error at once: {explained}");
    let unnamed = etablera(&db, &["user", "token", "add", "olle", "--name", " "]);
    assert!(!unnamed.status.success());
    assert!(stderr(&unnamed).contains("name: Ge nyckeln ett namn"), "{}", stderr(&unnamed));
    let missing = etablera(&db, &["user", "disable", "finns-inte"]);
    assert!(stderr(&missing).contains("det finns ingen användare finns-inte"));
    assert!(!stdout(&etablera(&db, &["user", "list"])).contains("per "), "nothing saved for refused input");
}

/// The demo's reception caseload as its output tells it: households and persons (each one
/// row in the access log when created).
fn demo_caseload(demo: &Output) -> (usize, usize) {
    let numbers = demo_line(demo, "påhittade hushåll");
    (numbers[0], numbers[1])
}

/// The access-log rows the demo writes: 8 users, 13 agreements created and amended, the post's
/// payment details and the agreements' invoicing addresses, the
/// households and persons, the economy (costs, claims, their steps, grants, cost centres), and
/// the committee's part (the cases, the signed months, the duties, the order).
fn demo_log_rows(demo: &Output) -> usize {
    let (households, persons) = demo_caseload(demo);
    let economy = demo_line(demo, "Ekonomin:");
    assert!(economy[0] > 50 && economy[1] > 2, "costs and claims: {economy:?}");
    // Cases, signed months (from the order's start), duties done; then the serious case's notice
    // and the order's registration, prolongation and staffing.
    let committee = demo_line(demo, "Nämnden:");
    assert_eq!(committee[0], 6, "cases: {committee:?}");
    assert!(committee[1] >= 80 && committee[2] > 20, "signed months and duties done: {committee:?}");
    // The records of seven years ago, due for culling.
    let long_ago = demo_line(demo, "Gallringen:");
    // Users; agreements created and amended; the post's payment details and each agreement's
    // invoicing address.
    8 + 26
        + 1
        + 13
        + households
        + persons
        + long_ago.iter().sum::<usize>()
        + economy.iter().sum::<usize>()
        + committee.iter().sum::<usize>()
        + 1
        + 3
}

/// The numbers on the demo's line that contains `text`.
fn demo_line(demo: &Output, text: &str) -> Vec<usize> {
    let out = stdout(demo);
    let line = out.lines().find(|l| l.contains(text)).expect("the demo tells what it made");
    line.split_whitespace().filter_map(|w| w.trim_end_matches([',', '.']).parse().ok()).collect()
}

#[test]
fn audit_verify_passes_then_names_the_edited_row() {
    let db = TestDatabase::new();
    let demo = etablera(&db, &["demo"]);
    let (households, persons) = demo_caseload(&demo);
    assert!(households >= 100 && persons > households, "a caseload the size of Österåker's");
    let ok = etablera(&db, &["audit", "verify"]);
    assert!(ok.status.success());
    // The demo's rows and the verification's own reading of the log.
    let rows = demo_log_rows(&demo) + 1;
    assert!(
        stdout(&ok).contains(&format!("Åtkomstloggen är hel: {rows} rader")),
        "8 users, 13 agreements created and amended, the households and persons, the economy: {}",
        stdout(&ok)
    );
    db.store
        .with_conn(|conn| {
            diesel::sql_query("UPDATE access_log SET record_id = '42' WHERE id = 5").execute(conn)?;
            Ok(())
        })
        .unwrap();
    let broken = etablera(&db, &["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stdout(&broken).contains("bruten vid rad 5"), "{}", stdout(&broken));
}

#[test]
fn a_signed_checkpoint_catches_a_log_cut_short_with_its_head_set_back() {
    let db = TestDatabase::new();
    etablera(&db, &["user", "add", "anna", "--role", "auditor", "--name", "Anna Revisor"]);
    let dir = tempfile::tempdir().unwrap();
    let (key, checkpoints) = (dir.path().join("nyckel"), dir.path().join("kontrollpunkter"));
    let (key, checkpoints) = (key.to_str().unwrap(), checkpoints.to_str().unwrap());
    let made = etablera(&db, &["audit", "key", "--output", key]);
    assert!(made.status.success(), "{}", stderr(&made));
    assert_eq!(std::fs::read_to_string(key).unwrap().trim().len(), 64, "32 bytes as hex");
    let again = etablera(&db, &["audit", "key", "--output", key]);
    assert!(!again.status.success(), "an existing key is never overwritten");
    let anchored = ["--audit-checkpoints", checkpoints, "--audit-key-file", key];
    let signed = etablera(&db, &[&["audit", "checkpoint"][..], &anchored].concat());
    assert!(signed.status.success(), "{}{}", stdout(&signed), stderr(&signed));
    let line = std::fs::read_to_string(checkpoints).unwrap();
    assert!(stdout(&signed).contains(line.trim()), "the line is printed for the operator to keep");
    assert!(line.starts_with("etablera-checkpoint v1 rows=2 "), "{line}");
    let ok = etablera(&db, &[&["audit", "verify"][..], &anchored].concat());
    assert!(stdout(&ok).contains("Kedjan stämmer med 1 signerade kontrollpunkter"), "{}", stdout(&ok));
    let unanchored = etablera(&db, &["audit", "verify"]);
    assert!(stdout(&unanchored).contains("Inga kontrollpunkter är inställda"), "{}", stdout(&unanchored));
    db.store
        .with_conn(|conn| {
            diesel::sql_query("DELETE FROM access_log WHERE id > 1").execute(conn)?;
            diesel::sql_query(
                "UPDATE access_log_head SET last_id = 1, last_hash = (SELECT hash FROM access_log WHERE id = 1)",
            )
            .execute(conn)?;
            Ok(())
        })
        .unwrap();
    let broken = etablera(&db, &[&["audit", "verify"][..], &anchored].concat());
    assert_eq!(broken.status.code(), Some(1), "{}", stdout(&broken));
    // The verification's own reading of the log is appended first, as row 2 again: the chain now
    // differs from the signed one at that row.
    assert!(
        stdout(&broken).contains("bruten vid rad 2: kedjans hash vid rad 2 är inte den som signerades"),
        "{}",
        stdout(&broken)
    );
    let refused = etablera(&db, &[&["audit", "checkpoint"][..], &anchored].concat());
    assert_eq!(refused.status.code(), Some(1), "a cut log is not signed: {}", stdout(&refused));
}

#[test]
fn audit_export_writes_csv_for_a_date_range() {
    let db = TestDatabase::new();
    let demo = etablera(&db, &["demo"]);
    // The records of seven years ago were registered then: outside the range.
    let rows = demo_log_rows(&demo) - demo_line(&demo, "Gallringen:").iter().sum::<usize>();
    let today = chrono::Utc::now().date_naive();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("logg.csv");
    let out = etablera(
        &db,
        &[
            "audit",
            "export",
            "--from",
            &today.pred_opt().unwrap().to_string(),
            "--to",
            &today.succ_opt().unwrap().to_string(),
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = std::fs::read_to_string(&file).unwrap();
    assert_eq!(csv.lines().count(), 1 + rows + 1, "the header, what the demo wrote, the export itself");
    assert!(csv.contains("cli:testoperatör"), "the operating-system user is recorded");
    let reversed = etablera(&db, &["audit", "export", "--from", "2026-11-02", "--to", "2026-11-01"]);
    assert!(!reversed.status.success());
}

#[test]
fn backup_copies_an_sqlite_database_or_tells_how_to_back_up_postgresql() {
    let db = TestDatabase::new();
    etablera(&db, &["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kopia.db");
    let out = etablera(&db, &["backup", "--output", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    match db.store.backend() {
        etablera_store::Backend::Sqlite => {
            assert!(file.exists());
            let left: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert_eq!(left, ["kopia.db"], "the copy under its name, no temporary file left");
            // Restored as the README says: the copy is a database of its own whose log verifies.
            let url = format!("sqlite://{}", file.display());
            let verified = Command::new(env!("CARGO_BIN_EXE_etablera"))
                .args(["--database-url", &url, "audit", "verify"])
                .output()
                .unwrap();
            assert!(verified.status.success(), "{}", stderr(&verified));
            assert!(stdout(&verified).contains("Åtkomstloggen är hel"), "{}", stdout(&verified));
            let copy = etablera_store::Store::open(&etablera_store::DatabaseUrl::parse(&url).unwrap()).unwrap();
            assert_eq!(copy.with_conn(etablera_store::access::users::count).unwrap(), 8);
            let again = etablera(&db, &["backup", "--output", file.to_str().unwrap()]);
            assert!(stderr(&again).contains("finns redan"), "an existing file is never overwritten");
            let partial = std::fs::read_dir(dir.path())
                .unwrap()
                .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains("partial"))
                .count();
            assert_eq!(partial, 0, "a refused backup leaves nothing behind");
        }
        etablera_store::Backend::Postgres => {
            assert!(stdout(&out).contains("pg_dump --format=custom"));
            assert!(!file.exists());
        }
    }
}

#[test]
fn migrate_is_idempotent_and_a_bad_url_is_explained() {
    let db = TestDatabase::new();
    let out = etablera(&db, &["migrate"]);
    assert!(stdout(&out).contains("redan uppdaterad"));
    let bad =
        Command::new(env!("CARGO_BIN_EXE_etablera")).args(["--database-url", "mysql://x", "migrate"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("databasadressen"));
}

#[test]
fn a_postgres_password_is_never_printed() {
    let url = etablera_store::DatabaseUrl::parse("postgres://etablera:hemligt@db.example/etablera").unwrap();
    assert_eq!(url.to_string(), "postgres://etablera:***@db.example/etablera");
    assert!(!format!("{url:?}").contains("hemligt"));
    let out = Command::new(env!("CARGO_BIN_EXE_etablera"))
        .args(["--database-url", "postgres://etablera:hemligt@db.example/etablera", "backup"])
        .output()
        .unwrap();
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(printed.contains("pg_dump"));
    assert!(!printed.contains("hemligt"));
}

#[test]
fn population_is_imported_from_scb_files_all_or_nothing() {
    let db = TestDatabase::new();
    let dir = tempfile::tempdir().unwrap();
    let scb = dir.path().join("BE0101.csv");
    let latin1: Vec<u8> =
        "\"region\",\"2023\"\n\"0586 Mjölby\",27909\n\"0509 Ödeshög\",5251\n".chars().map(|c| c as u32 as u8).collect();
    std::fs::write(&scb, latin1).unwrap();
    let out = etablera(&db, &["import", "population", scb.to_str().unwrap(), "--format", "scb-csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Läste in folkmängd 2023 för 2 kommuner"));
    let bad = dir.path().join("fel.csv");
    std::fs::write(&bad, "code,name,population\n0586,Mjölby,x\n").unwrap();
    let out = etablera(&db, &["import", "population", bad.to_str().unwrap(), "--format", "csv", "--year", "2022"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("rad 2: folkmängden \"x\" är inget heltal"), "{}", stderr(&out));
    let years = db.store.with_conn(etablera_store::cofinancing::population::years).unwrap();
    assert_eq!(years, [(2023, 2)], "the bad file left nothing");
}

const RECEPTION: &str = "../../data/examples/reception.json";

#[test]
fn reception_files_import_and_export_to_the_same_data() {
    let db = TestDatabase::new();
    let imported = etablera(&db, &["import", "reception", RECEPTION]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(
        stdout(&imported)
            .contains("Läste in 2 hushåll med 3 personer, 4 aktiviteter, 1 tackat nej och 1 bostadsskador.")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.json");
    let exported =
        etablera(&db, &["export", "reception", "--municipality", "0117", "--output", path.to_str().unwrap()]);
    assert!(exported.status.success(), "{}", stderr(&exported));

    let empty = TestDatabase::new();
    let again = etablera(&empty, &["import", "reception", path.to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    let first: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let second: serde_json::Value =
        serde_json::from_slice(&etablera(&empty, &["export", "reception", "--municipality", "0117"]).stdout).unwrap();
    assert_eq!(first, second);
    assert_eq!(first["households"][0]["persons"][0]["personal_number"], "199001012385");
}

#[test]
fn a_reception_file_with_errors_is_refused_with_each_path_and_exit_code_2() {
    let db = TestDatabase::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    let text = std::fs::read_to_string(RECEPTION)
        .unwrap()
        .replace("\"type\": \"internship\", \"start\"", "\"type\": \"yoga\", \"start\"")
        .replace("1985-11-30", "1985-11-31");
    std::fs::write(&path, text).unwrap();
    let refused = etablera(&db, &["import", "reception", path.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(message.contains("inget sparades"), "{message}");
    assert!(message.contains("households[1].persons[0].birth_date"), "{message}");
    assert!(message.contains("households[1].persons[0].activities[0].type"), "{message}");
    let export = etablera(&db, &["export", "reception", "--municipality", "0117"]);
    let value: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(value["households"].as_array().unwrap().len(), 0, "nothing was stored");
}

#[test]
fn a_months_vouchers_are_exported_as_sie_once_the_cost_centres_are_set() {
    use etablera_domain::economy::costs::CostDetails;
    use etablera_domain::economy::rules::CostCategory;
    use etablera_domain::ids::HouseholdId;
    use etablera_domain::money::Money;
    use etablera_store::access::Scope;
    use etablera_store::economy::{accounting, costs};
    use etablera_store::reception::exchange;
    let db = TestDatabase::new();
    let example = include_str!("../../../data/examples/reception.json");
    let household: i32 = db
        .store
        .with_conn(|conn| {
            exchange::import(conn, &etablera_store::testing::cli(), example, "Mottagningen").unwrap();
            use diesel::prelude::*;
            use etablera_store::schema::households;
            Ok(households::table.filter(households::reference.eq("H1")).select(households::id).first(conn)?)
        })
        .unwrap();
    let details = CostDetails {
        date: "2024-02-01".parse().unwrap(),
        category: CostCategory::HomeEquipment,
        amount: Money::from_kr(7500),
        vat: Money::from_kr(1875),
        supplier: "Möbelhuset".into(),
        receipt_reference: None,
        days: None,
    };
    db.store
        .with_conn(|conn| {
            costs::record(
                conn,
                &etablera_store::testing::cli(),
                &Scope::command_line(),
                &costs::NewCost { household_id: HouseholdId::new(household), person_id: None, details },
            )
        })
        .unwrap();
    // Vouchers follow what was recorded in the month: this month, whatever the receipt's date.
    let month = etablera_store::testing::today().format("%Y-%m").to_string();
    let refused = etablera(&db, &["export", "sie", "--municipality", "0117", "--month", &month]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("kostnadsställe"), "{}", stderr(&refused));
    assert!(refused.stdout.is_empty());
    let centres = [("cost_centre".to_owned(), "1410".to_owned()), ("grant_cost_centre".to_owned(), "1411".to_owned())];
    db.store.with_conn(|conn| accounting::set(conn, &etablera_store::testing::cli(), "0117", &centres)).unwrap();
    let refused = etablera(&db, &["export", "sie", "--municipality", "0117", "--month", &month]);
    assert!(stderr(&refused).contains("organisationsnummer"), "{}", stderr(&refused));
    let org_number = [("org_number".to_owned(), "212000-2817".to_owned())];
    db.store.with_conn(|conn| accounting::set(conn, &etablera_store::testing::cli(), "0117", &org_number)).unwrap();
    let out = etablera(&db, &["export", "sie", "--municipality", "0117", "--month", &month]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Code page 437: "Ö" is 0x99 and "å" 0x86, and lines end CR LF.
    assert!(out.stdout.windows(12).any(|w| w == b"\"\x99ster\x86ker k"), "the municipality in PC8");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("#SIETYP 4\r\n"));
    // Two people in H1: home equipment capped at 6 000 kr; 1 500 kr moved to the grant.
    assert!(text.contains("#TRANS 5410 {1 \"1410\"} 7500.00"), "{text}");
    assert!(text.contains("#TRANS 5410 {1 \"1411\"} 1500.00"), "{text}");
    assert!(text.contains("#TRANS 2440 {} -9375.00"), "{text}");
    assert!(
        text.contains("\"Kostnad 1 2024-02-01 Hemutrustning\""),
        "the receipt's date in the text, no supplier: {text}"
    );
    let earlier = etablera(&db, &["export", "sie", "--municipality", "0117", "--month", "2024-02"]);
    assert!(
        !String::from_utf8_lossy(&earlier.stdout).contains("#VER"),
        "booked when recorded, not on the receipt's date"
    );
    let bad = etablera(&db, &["export", "sie", "--municipality", "0117", "--month", "2024-13"]);
    assert_eq!(bad.status.code(), Some(2));
}

const CASELOAD: &str = "../../data/examples/monthly-report-caseload.json";

/// The cells of an XLSX file's first sheet as (reference, text), shared strings resolved.
fn xlsx_cells(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX file is a zip archive");
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let sheet = read("xl/worksheets/sheet1.xml");
    let shared = read("xl/sharedStrings.xml");
    let strings: Vec<String> = shared
        .split("<si>")
        .skip(1)
        .map(|si| si.split("<t>").nth(1).unwrap_or("").split("</t>").next().unwrap().to_owned())
        .collect();
    sheet
        .split("<c r=\"")
        .skip(1)
        .map(|cell| {
            let reference = cell.split('"').next().unwrap().to_owned();
            let value = cell.split("<v>").nth(1).map(|v| v.split("</v>").next().unwrap()).unwrap_or("");
            let text = if cell.split('>').next().unwrap().contains("t=\"s\"") {
                strings[value.parse::<usize>().unwrap()].clone()
            } else {
                value.to_owned()
            };
            (reference, text)
        })
        .collect()
}

fn pdf_text(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_monthly_report_in_its_four_formats_exact_and_public() {
    let db = TestDatabase::new();
    let imported = etablera(&db, &["import", "reception", CASELOAD]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let args = ["report", "monthly", "--municipality", "0117", "--month", "2024-05"];

    let exact = etablera(&db, &args);
    assert!(exact.status.success(), "{}", stderr(&exact));
    let rows = |counts: [serde_json::Value; 10]| {
        let codes = [
            "sfi",
            "civic_orientation",
            "extra_job",
            "new_start_job",
            "job_track",
            "permanent_employment",
            "internship",
            "declined",
            "other",
            "housing_damages",
        ];
        codes
            .iter()
            .zip(counts)
            .map(|(code, count)| serde_json::json!({ "code": code, "count": count }))
            .collect::<Vec<_>>()
    };
    let json: serde_json::Value = serde_json::from_slice(&exact.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "municipality_code": "0117", "month": "2024-05", "target_group": 6,
            "rows": rows([1, 0, 0, 1, 0, 1, 1, 1, 1, 2].map(serde_json::Value::from)),
        })
    );
    assert!(
        stdout(&exact)
            .starts_with("{\n  \"municipality_code\": \"0117\",\n  \"month\": \"2024-05\",\n  \"target_group\": 6,")
    );

    let public = etablera(&db, &[&args[..], &["--public"]].concat());
    let json: serde_json::Value = serde_json::from_slice(&public.stdout).unwrap();
    let small = || serde_json::Value::from("<3");
    let zero = || serde_json::Value::from(0);
    assert_eq!(json["target_group"], 6);
    assert_eq!(
        json["rows"],
        serde_json::Value::from(rows([
            small(),
            zero(),
            zero(),
            small(),
            zero(),
            small(),
            small(),
            small(),
            small(),
            small()
        ]))
    );
    let higher = etablera(&db, &[&args[..], &["--public", "--threshold", "7"]].concat());
    let json: serde_json::Value = serde_json::from_slice(&higher.stdout).unwrap();
    assert_eq!(json["target_group"], "<7");

    let csv = etablera(&db, &[&args[..], &["--format", "csv", "--public"]].concat());
    let text = stdout(&csv);
    assert!(text.starts_with("code,label,count\ntarget_group,Personer i målgruppen,6\nsfi,SFI,<3\n"), "{text}");
    assert!(!text.contains("below_full_time"), "the follow-up is not in the committee's version");
    let csv = stdout(&etablera(&db, &[&args[..], &["--format", "csv"]].concat()));
    assert!(csv.contains("\narrivals,Hushåll mottagna under månaden,2\ncontacted_in_time,"), "{csv}");
    insta::assert_snapshot!("monthly_report_2024_05_csv", csv);

    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("maj.xlsx");
    let out = etablera(&db, &[&args[..], &["--format", "xlsx", "--output", xlsx.to_str().unwrap()]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let cells = xlsx_cells(&std::fs::read(&xlsx).unwrap());
    let value_beside = |label: &str| {
        let (reference, _) =
            cells.iter().find(|(_, text)| text == label).unwrap_or_else(|| panic!("{label} in {cells:?}"));
        let row = reference.trim_start_matches('A');
        cells.iter().find(|(r, _)| *r == format!("B{row}")).map(|(_, v)| v.clone()).unwrap()
    };
    assert_eq!(cells[0].1, "Månadsrapport till socialnämnden, maj 2024");
    assert_eq!(value_beside("Personer i målgruppen"), "6");
    assert_eq!(value_beside("Skador i tillfälliga bostäder"), "2");
    assert_eq!(value_beside("Vuxna med planering under heltid"), "2");
    assert_eq!(value_beside("Version"), "Inte undertecknad (utkast)");

    let pdf = dir.path().join("maj.pdf");
    let out = etablera(&db, &[&args[..], &["--format", "pdf", "--public", "--output", pdf.to_str().unwrap()]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&pdf);
    for expected in ["Månadsrapport till socialnämnden, maj 2024", "0117 Österåker", "Personer i målgruppen", "<3"]
    {
        assert!(text.contains(expected), "{expected} is missing from:\n{text}");
    }
    assert!(!text.contains("P1") && !text.contains("Test"), "no person in the committee's paper");
    assert!(!text.contains("heltid"), "no follow-up in the committee's paper");

    for (bad, message) in
        [(["--month", "2024-13"], "skriv månaden som ÅÅÅÅ-MM"), (["--month", "2099-01"], "har inte börjat")]
    {
        let out = etablera(&db, &["report", "monthly", "--municipality", "0117", bad[0], bad[1]]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
    }
}

#[test]
fn the_demo_can_be_made_on_a_date_and_a_real_database_refuses_one() {
    let db = TestDatabase::new();
    let demo = etablera(&db, &["--today", "2026-03-14", "demo"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    assert!(stdout(&demo).contains("dagens datum är satt till 2026-03-14"), "{}", stdout(&demo));
    let (stamped, signed): (Vec<chrono::NaiveDateTime>, Option<String>) = db
        .store
        .with_conn(|conn| {
            use diesel::dsl::max;
            use diesel::prelude::*;
            use etablera_store::schema::{access_log, monthly_reports};
            Ok((
                access_log::table.select(access_log::at).load(conn)?,
                monthly_reports::table.select(max(monthly_reports::month)).first(conn)?,
            ))
        })
        .unwrap();
    // Every act of the demo happened on that day (in Stockholm), but the registering of the
    // records seven years old that it has for culling; and its unit manager has signed every
    // month before the one waiting: January 2026, whatever the system's date.
    assert!(!stamped.is_empty());
    let days: std::collections::BTreeSet<String> =
        stamped.iter().map(|&at| etablera_domain::time::to_local(at).date().to_string()).collect();
    assert_eq!(days.into_iter().collect::<Vec<_>>(), ["2019-03-14", "2026-03-14"]);
    assert_eq!(signed.as_deref(), Some("2026-01"));

    // Elsewhere a made-up date would stamp real rows wrongly: refused, by flag or environment.
    let refused =
        etablera(&db, &["--today", "2026-03-14", "report", "monthly", "--municipality", "0117", "--month", "2026-02"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("--today (ETABLERA_TODAY) går bara med demodata"), "{}", stderr(&refused));
    let from_env = Command::new(env!("CARGO_BIN_EXE_etablera"))
        .args(["report", "monthly", "--municipality", "0117", "--month", "2026-02"])
        .env("DATABASE_URL", db.url.expose())
        .env("ETABLERA_TODAY", "2026-03-14")
        .output()
        .unwrap();
    assert_eq!(from_env.status.code(), Some(2), "{}", stderr(&from_env));
    let wrong = etablera(&db, &["--today", "2026-13-01", "demo"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("2026-13-01 är inget datum av formen ÅÅÅÅ-MM-DD"), "{}", stderr(&wrong));
}

#[test]
fn demo_at_scale_gives_every_municipality_a_caseload_and_the_chain_stays_whole() {
    use diesel::prelude::*;
    use etablera_store::schema::households;
    let db = TestDatabase::new();
    let demo = etablera(&db, &["demo", "--scale", "3000"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let national = demo_line(&demo, "Hela landet");
    assert_eq!(national[0], 290, "every municipality: {national:?}");
    assert!((2_500..=3_100).contains(&national[2]), "about 3 000 persons: {national:?}");
    let per_municipality: Vec<(String, i64)> = db
        .store
        .with_conn(|conn| {
            Ok(households::table
                .group_by(households::municipality_code)
                .select((households::municipality_code, diesel::dsl::count_star()))
                .load(conn)?)
        })
        .unwrap();
    assert_eq!(per_municipality.len(), 290, "households in all 290 municipalities");
    let stockholm = per_municipality.iter().find(|(c, _)| c == "0180").unwrap().1;
    assert!(
        per_municipality.iter().all(|(_, n)| *n <= stockholm.max(106 + 6)),
        "Stockholm the largest but the demo's Österåker (with its six households of seven years ago)"
    );
    // The report counts Stockholm's month, and the access log's chain is whole.
    let report = etablera(&db, &["report", "monthly", "--municipality", "0180", "--month", "2025-06"]);
    assert!(report.status.success(), "{}", stderr(&report));
    assert!(stdout(&report).contains("\"target_group\""));
    assert!(etablera(&db, &["audit", "verify"]).status.success());
    let refused = etablera(&TestDatabase::new(), &["demo", "--scale", "10"]);
    assert!(!refused.status.success(), "fewer persons than municipalities");
}

#[test]
fn cull_lists_what_is_due_with_dry_run_then_culls_it() {
    let db = TestDatabase::new();
    let file = serde_json::json!({
        "format": "etablera-reception/1",
        "municipality_code": "0117",
        "households": [{
            "ref": "GAMMAL",
            "placement_date": "2019-05-02",
            "persons": [{
                "ref": "P1", "given_name": "Amina", "family_name": "Hassan", "birth_date": "1988-04-17",
                "personal_number": null, "dossier_number": null, "category": "resettled", "reception_date": "2019-05-02"
            }]
        }]
    });
    let actor = etablera_store::testing::cli_on("2019-05-02".parse().unwrap());
    db.store
        .with_conn(|conn| {
            Ok(etablera_store::reception::exchange::import(conn, &actor, &file.to_string(), "Mottagningen"))
        })
        .unwrap()
        .unwrap();

    let dry = etablera(&db, &["cull", "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    let out = stdout(&dry);
    assert!(out.contains("Regel: 5 år efter sista anteckningen"), "{out}");
    assert!(out.contains("0117 Österåker: akter att gallra 1, varav 0"), "{out}");
    assert!(out.contains("sista anteckning 2019-05-02, gallras från 2024-05-02, senast 2025-12-31"), "{out}");
    assert!(out.contains("Inget ändrades (--dry-run)."), "{out}");
    assert!(!out.contains("Hassan"), "{out}");

    let culled = etablera(&db, &["cull", "--municipality", "0117"]);
    assert!(culled.status.success(), "{}", stderr(&culled));
    assert!(stdout(&culled).contains("Gallrade hushåll: 1, personer: 1;"), "{}", stdout(&culled));
    let again = etablera(&db, &["cull", "--dry-run"]);
    assert!(stdout(&again).contains("Inget att gallra."), "{}", stdout(&again));
    let bad = etablera(&db, &["cull", "--municipality", "117"]);
    assert!(!bad.status.success());
}
