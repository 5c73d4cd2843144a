//! Crash consistency, on the backend TEST_DATABASE_URL names. Case workers register households
//! and write notes through the web forms while the server is killed (SIGKILL) at a random
//! moment and started again, cycle after cycle. Afterwards every write the server acknowledged
//! (a 303 to the saved record) must be there, every registration whole or absent (the
//! household, its person and its access-log row together), and the access log's chain and the
//! database itself sound.
//!
//! Bounded by CRASH_CYCLES (default 20) and CRASH_WRITERS (default 4). The figures are printed
//! and, with FIGURES_FILE set (scripts/test-all sets it), added to that file.

use std::collections::HashSet;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use etablera_store::access::log::{Action, RecordKind};
use etablera_store::schema::{access_log, case_notes, households, persons};
use etablera_store::testing::TestDatabase;
use rand::Rng;

const PASSWORD: &str = "demo-etablera-2026";
const CASE_WORKER: &str = "demo-handlaggare";
/// Every household the writers register has a family name starting so, and nothing else has.
const FAMILY: &str = "Kraschprov";

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn etablera(db: &TestDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_etablera"));
    command.env("DATABASE_URL", db.url.expose()).env("USER", "kraschprov");
    command
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A number as letters (a, b, …, z, ba, …): names take no digits.
fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_owned())
}

/// What one writer saw acknowledged.
#[derive(Default)]
struct Acknowledged {
    /// Household id and family name.
    households: Vec<(i32, String)>,
    notes: Vec<String>,
    attempts: usize,
}

struct Writer {
    client: reqwest::Client,
    base: String,
    csrf: String,
}

impl Writer {
    /// Signs in as the demo's case worker, through the login form.
    async fn sign_in(base: &str) -> Option<Writer> {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let login = client.get(format!("{base}/login")).send().await.ok()?.text().await.ok()?;
        let token = csrf_in(&login)?;
        let form = [("csrf_token", token.as_str()), ("username", CASE_WORKER), ("password", PASSWORD)];
        let answer = client.post(format!("{base}/login")).header("origin", base).form(&form).send().await.ok()?;
        assert_eq!(answer.status(), reqwest::StatusCode::SEE_OTHER, "the demo's case worker signs in");
        let start = client.get(format!("{base}/")).send().await.ok()?.text().await.ok()?;
        Some(Writer { client, base: base.to_owned(), csrf: csrf_in(&start)? })
    }

    /// Posts a form; the path it was redirected to when the server acknowledged the write.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Option<String> {
        let mut form = vec![("csrf_token", self.csrf.as_str())];
        form.extend_from_slice(fields);
        let answer = self
            .client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(&form)
            .send()
            .await
            .ok()?;
        let status = answer.status();
        // Anything but the redirect to the saved record (a refusal, 503 while starting) is not
        // an acknowledgement; a 500 would be a defect.
        assert!(!status.is_server_error() || status == reqwest::StatusCode::SERVICE_UNAVAILABLE, "{path}: {status}");
        if status != reqwest::StatusCode::SEE_OTHER {
            return None;
        }
        answer.headers().get("location")?.to_str().ok().map(str::to_owned)
    }

    /// Registers households and writes notes in them until the server goes away.
    async fn run(self, name: String, today: String) -> Acknowledged {
        let mut acknowledged = Acknowledged::default();
        let mut household = None;
        for n in 0.. {
            acknowledged.attempts += 1;
            match household {
                Some(id) if n % 3 != 0 => {
                    let text = format!("Kraschprov {name} anteckning {n}");
                    let path = format!("/reception/households/{id}/notes");
                    match self.post(&path, &[("text", &text), ("person_id", ""), ("corrects", "")]).await {
                        Some(_) => acknowledged.notes.push(text),
                        None => break,
                    }
                }
                _ => {
                    let family = format!("{FAMILY}{name}-{}", letters(n));
                    let fields = [
                        ("placement_date", today.as_str()),
                        ("expected_reception_date", ""),
                        ("given_name", "Prov"),
                        ("family_name", family.as_str()),
                        ("birth_date", "1990-01-01"),
                        ("category", "resettled"),
                        ("reception_date", ""),
                    ];
                    let Some(location) = self.post("/reception/households/new", &fields).await else { break };
                    let id: i32 = location
                        .trim_start_matches("/reception/households/")
                        .split(['?', '/'])
                        .next()
                        .and_then(|id| id.parse().ok())
                        .unwrap_or_else(|| panic!("a registration is redirected to its household: {location}"));
                    acknowledged.households.push((id, family));
                    household = Some(id);
                }
            }
        }
        acknowledged
    }
}

fn serve(db: &TestDatabase, port: u16, log: &std::path::Path) -> Child {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    etablera(db)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .unwrap()
}

async fn ready(base: &str, until: Instant) -> bool {
    let client = reqwest::Client::new();
    while Instant::now() < until {
        if let Ok(answer) = client.get(format!("{base}/healthz")).send().await
            && answer.status().is_success()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9_whole_and_the_log_chain_holds() {
    let (cycles, writers) = (setting("CRASH_CYCLES", 20), setting("CRASH_WRITERS", 4));
    let db = TestDatabase::new();
    let demo = etablera(&db).arg("demo").output().unwrap();
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let before: i32 = db
        .store
        .with_conn(|conn| Ok(households::table.select(diesel::dsl::max(households::id)).first::<Option<i32>>(conn)?))
        .unwrap()
        .unwrap_or(0);
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("server.log");
    let today = chrono::Local::now().date_naive().to_string();

    let mut all = Acknowledged::default();
    let started = Instant::now();
    for cycle in 0..cycles {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut server = serve(&db, port, &log);
        let kill_at = Instant::now() + Duration::from_millis(rand::thread_rng().gen_range(300..2500));
        let mut tasks = Vec::new();
        if ready(&base, kill_at).await {
            for w in 0..writers {
                let (base, today, name) = (base.clone(), today.clone(), format!("{}{}", letters(cycle), letters(w)));
                tasks.push(tokio::spawn(async move {
                    match Writer::sign_in(&base).await {
                        Some(writer) => writer.run(name, today).await,
                        None => Acknowledged::default(),
                    }
                }));
            }
        }
        tokio::time::sleep_until(kill_at.into()).await;
        server.kill().unwrap();
        server.wait().unwrap();
        for task in tasks {
            let seen = task.await.unwrap();
            all.attempts += seen.attempts;
            all.households.extend(seen.households);
            all.notes.extend(seen.notes);
        }
    }
    let elapsed = started.elapsed();

    // A last start: the server comes up on what the kills left.
    let port = free_port();
    let mut server = serve(&db, port, &log);
    let came_up = ready(&format!("http://127.0.0.1:{port}"), Instant::now() + Duration::from_secs(30)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(came_up, "the server starts after {cycles} kills: {}", std::fs::read_to_string(&log).unwrap());

    let (stored_households, stored_notes, whole) = db
        .store
        .with_conn(|conn| {
            let ours: Vec<(i32, String)> = households::table
                .inner_join(persons::table)
                .filter(persons::family_name.like(format!("{FAMILY}%")))
                .select((households::id, persons::family_name))
                .load(conn)?;
            let notes: Vec<String> = case_notes::table
                .filter(case_notes::text.like(format!("{FAMILY} %")))
                .select(case_notes::text)
                .load(conn)?;
            // A registration is whole: each household of ours has exactly one person and its
            // access-log row, and no household is left without a person.
            let ids: Vec<i32> = ours.iter().map(|(id, _)| *id).collect();
            let mut whole = true;
            for chunk in ids.chunks(500) {
                let persons: i64 =
                    persons::table.filter(persons::household_id.eq_any(chunk)).count().get_result(conn)?;
                let logged = access_log::table
                    .filter(access_log::record_kind.eq(RecordKind::Household.code()))
                    .filter(access_log::action.eq(Action::Create.code()))
                    .filter(access_log::record_id.eq_any(chunk.iter().map(i32::to_string).collect::<Vec<_>>()))
                    .select(access_log::record_id)
                    .distinct()
                    .load::<Option<String>>(conn)?
                    .len() as i64;
                whole &= persons == chunk.len() as i64 && logged == chunk.len() as i64;
            }
            let empty: i64 = households::table
                .filter(households::id.gt(before))
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    persons::table.filter(persons::household_id.eq(households::id)),
                )))
                .count()
                .get_result(conn)?;
            Ok((ours, notes, whole && empty == 0))
        })
        .unwrap();

    let stored: HashSet<(i32, String)> = stored_households.iter().cloned().collect();
    let lost_households = all.households.iter().filter(|h| !stored.contains(h)).count();
    let stored_notes: HashSet<&String> = stored_notes.iter().collect();
    let lost_notes = all.notes.iter().filter(|n| !stored_notes.contains(n)).count();
    let acknowledged = all.households.len() + all.notes.len();
    let unacknowledged_kept =
        (stored.len() + stored_notes.len()).saturating_sub(acknowledged - lost_households - lost_notes);

    let verify = etablera(&db).args(["audit", "verify"]).output().unwrap();
    // SQLite's file is what a kill can damage; PostgreSQL's server is not killed here.
    let integrity = db.url.expose().starts_with("sqlite").then(|| {
        db.store
            .with_conn(|conn| {
                #[derive(QueryableByName)]
                struct Check {
                    #[diesel(sql_type = diesel::sql_types::Text)]
                    integrity_check: String,
                }
                let rows: Vec<Check> = diesel::sql_query("PRAGMA integrity_check").load(conn)?;
                Ok(rows.into_iter().map(|r| r.integrity_check).collect::<Vec<_>>().join("; "))
            })
            .unwrap()
    });

    let backend = db.url.expose().split(':').next().unwrap_or_default().to_owned();
    let figures = format!(
        "crash check on {backend}: {cycles} kill -9 cycles under {writers} writers in {:.0} s, {} writes tried, \
         {acknowledged} acknowledged ({} registrations, {} notes), {} lost; {unacknowledged_kept} unacknowledged \
         writes kept, each whole; access log chain {}{}",
        elapsed.as_secs_f64(),
        all.attempts,
        all.households.len(),
        all.notes.len(),
        lost_households + lost_notes,
        if verify.status.success() { "verified" } else { "BROKEN" },
        integrity.as_ref().map(|i| format!("; integrity_check {i}")).unwrap_or_default(),
    );
    println!("{figures}");
    if let Ok(path) = std::env::var("FIGURES_FILE") {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
        writeln!(file, "{figures}").unwrap();
    }

    assert!(acknowledged > 0, "the writers got writes through: {figures}");
    assert_eq!(lost_households + lost_notes, 0, "{figures}");
    assert!(whole, "every registration whole: {figures}");
    assert!(
        verify.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(integrity.is_none_or(|i| i == "ok"), "{figures}");
}
