use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use axum::response::Response;
use etablera_domain::access::{Role, TokenName};
use etablera_store::access::tokens;
use etablera_store::access::users::{self, NewUser, User};
use etablera_store::testing::TestDatabase;
use etablera_web::{AppState, WebConfig, router};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const PASSWORD: &str = "korrekt häst batteri";
pub const HOST: &str = "etablera.test";
pub const ORIGIN: &str = "http://etablera.test";

pub struct TestApp {
    pub db: TestDatabase,
    pub router: Router,
}

/// A signed-in browser: its session cookie and the token its forms carry.
#[derive(Clone, Debug)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent, for files.
    pub bytes: Vec<u8>,
}

impl Answer {
    /// A form refused whole: 422, and every field named with its message, linked from the
    /// summary and shown beside the field.
    #[track_caller]
    pub fn names_every_field(&self, form: &str, errors: &[(&str, &str)]) {
        assert_eq!(self.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", self.body);
        for (field, message) in errors {
            assert!(
                self.body.contains(&format!("href=\"#{form}-{field}\"")),
                "{field} is in the summary: {}",
                self.body
            );
            let beside = self
                .body
                .split(&format!("id=\"{form}-{field}-error\">"))
                .nth(1)
                .unwrap_or_else(|| panic!("{field} has its error beside it: {}", self.body));
            let said = beside.split("</").next().unwrap();
            assert!(said.contains(message), "{field}: {message:?} beside the field, not {said:?}");
        }
    }

    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap().to_owned())
    }
}

/// The e-invoice passes both Peppol BIS 3.0 rule sets (EN 16931 and Peppol's own, with the Swedish
/// rules) without a warning, as checked by the shared tool, and can be paid by its OCR reference.
#[track_caller]
pub fn assert_valid_einvoice(xml: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e-faktura.xml");
    std::fs::write(&file, xml).unwrap();
    let check =
        std::process::Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/tools/einvoice-check"))
            .arg(&file)
            .output()
            .unwrap();
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{report}");
    // The Swedish rules (SE-R-*) are warnings in the rule set: none may fire.
    assert!(report.contains("valid (0 fatal, 0 warnings)"), "{report}");
    // Payable: credit transfer with an OCR reference that the payer's bank accepts.
    assert!(xml.contains("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"), "{xml}");
    let id = xml.split("<cbc:PaymentID>").nth(1).expect("a payment reference").split('<').next().unwrap();
    etablera_domain::cofinancing::payment::OcrReference::parse(id).expect("a valid OCR reference");
}

/// The value of the first hidden csrf_token field in a page.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("the page has a form with a CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

impl TestApp {
    pub fn new() -> TestApp {
        TestApp::with_config(WebConfig::default())
    }

    pub fn with_config(config: WebConfig) -> TestApp {
        TestApp::with_database(TestDatabase::new(), config)
    }

    pub fn with_database(db: TestDatabase, config: WebConfig) -> TestApp {
        let router = router(AppState::new(db.store.clone(), config));
        TestApp { db, router }
    }

    /// Stores a file in the reception exchange format for the test users' unit, "Mottagningen".
    pub fn import(&self, file: &str) {
        let actor = etablera_store::testing::cli();
        self.db
            .store
            .with_conn(|conn| Ok(etablera_store::reception::exchange::import(conn, &actor, file, "Mottagningen")))
            .unwrap()
            .unwrap();
    }

    /// Changes a user's grants from the command line.
    pub fn grant(&self, username: &str, grants: users::Grants) {
        self.db
            .store
            .with_conn(|conn| users::change_grants(conn, &etablera_store::testing::cli(), username, &grants))
            .unwrap();
    }

    /// The id of a user.
    pub fn user_id(&self, username: &str) -> i32 {
        self.db.store.with_conn(|conn| users::find_id(conn, username)).unwrap().expect("a user")
    }

    /// The id of the household with this reference.
    pub fn household(&self, reference: &str) -> i32 {
        use diesel::prelude::*;
        use etablera_store::schema::households;
        self.db
            .store
            .with_conn(|conn| {
                Ok(households::table.filter(households::reference.eq(reference)).select(households::id).first(conn)?)
            })
            .unwrap()
    }

    pub fn add_user(&self, username: &str, roles: &[Role]) -> User {
        self.db
            .store
            .with_conn(|conn| {
                users::create(
                    conn,
                    &etablera_store::testing::cli(),
                    &NewUser {
                        username: username.into(),
                        display_name: format!("Testperson {username}"),
                        password: PASSWORD.into(),
                        roles: roles.to_vec(),
                        municipalities: vec!["0117".parse().unwrap()],
                        unit: Some("Mottagningen".into()),
                        email: None,
                    },
                )
            })
            .unwrap()
    }

    pub fn api_token(&self, user: &User) -> String {
        self.db
            .store
            .with_conn(|conn| {
                tokens::create(conn, &etablera_store::testing::cli(), user.id, &TokenName::new("test").unwrap())
            })
            .unwrap()
            .1
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response: Response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec() }
    }

    pub fn request(method: Method, path: &str, browser: Option<&Browser>) -> axum::http::request::Builder {
        let mut builder = Request::builder().method(method).uri(path).header(header::HOST, HOST);
        if let Some(b) = browser {
            builder = builder.header(header::COOKIE, &b.cookie);
        }
        builder
    }

    pub async fn get(&self, path: &str, browser: Option<&Browser>) -> Answer {
        self.send(TestApp::request(Method::GET, path, browser).body(Body::empty()).unwrap()).await
    }

    /// A file: its bytes, after checking that it was sent.
    pub async fn get_bytes(&self, path: &str, browser: &Browser) -> Vec<u8> {
        let answer = self.get(path, Some(browser)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
        answer.bytes
    }

    pub async fn get_with_token(&self, path: &str, token: &str) -> Answer {
        let request = TestApp::request(Method::GET, path, None)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// Posts a form the way a browser on this site does: same Origin, the session cookie.
    pub async fn post_form(&self, path: &str, browser: Option<&Browser>, fields: &[(&str, &str)]) -> Answer {
        let request = TestApp::request(Method::POST, path, browser)
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
            .unwrap();
        self.send(request).await
    }

    /// Posts a form with a file the way a browser does (`multipart/form-data`), with the
    /// browser's form token.
    pub async fn post_file(
        &self,
        path: &str,
        browser: &Browser,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Answer {
        let boundary = "etablera-test-boundary";
        let mut body = Vec::new();
        for (name, value) in [("csrf_token", browser.csrf.as_str())].iter().chain(fields) {
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        let (field, file_name, content) = file;
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(content);
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = TestApp::request(Method::POST, path, Some(browser))
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// Opens the login page, signs in, and returns the signed-in browser.
    pub async fn login(&self, username: &str) -> Browser {
        self.try_login(username, PASSWORD)
            .await
            .unwrap_or_else(|answer| panic!("login of {username} failed: {}", answer.body))
    }

    /// Signs in with a password, or gives the login page's answer when it is refused.
    pub async fn try_login(&self, username: &str, password: &str) -> Result<Browser, Answer> {
        let form = self.get("/login", None).await;
        let login_cookie = form.cookie("etablera_login_csrf").expect("the login page sets its token cookie");
        let csrf = csrf_in(&form.body);
        let before = Browser { cookie: login_cookie, csrf: csrf.clone() };
        let answer = self
            .post_form(
                "/login",
                Some(&before),
                &[("csrf_token", &csrf), ("username", username), ("password", password)],
            )
            .await;
        if answer.status != StatusCode::SEE_OTHER {
            return Err(answer);
        }
        let cookie = answer.cookie("etablera_session").expect("a session cookie");
        let start = self.get("/", Some(&Browser { cookie: cookie.clone(), csrf: String::new() })).await;
        assert_eq!(start.status, StatusCode::OK);
        Ok(Browser { cookie, csrf: csrf_in(&start.body) })
    }
}

pub fn short_idle() -> WebConfig {
    WebConfig {
        sessions: etablera_store::access::sessions::SessionLimits {
            idle: Duration::from_secs(1),
            ..Default::default()
        },
        ..WebConfig::default()
    }
}

/// A mail server that accepts one session and hands over what it was sent.
pub async fn fake_smtp() -> (String, tokio::task::JoinHandle<Vec<String>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut messages = Vec::new();
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 test ESMTP\r\n").await.unwrap();
        let mut data: Option<String> = None;
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(body) = data.as_mut() {
                if line == "." {
                    messages.push(data.take().unwrap());
                    write.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    body.push_str(&line);
                    body.push('\n');
                }
                continue;
            }
            let reply: &[u8] = match line.split_whitespace().next().unwrap_or("").to_ascii_uppercase().as_str() {
                "EHLO" | "HELO" => b"250-test\r\n250 8BITMIME\r\n",
                "DATA" => {
                    data = Some(String::new());
                    b"354 go on\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(reply).await.unwrap();
        }
        messages
    });
    (url, server)
}

/// A PDF's text as poppler's pdftotext lays it out.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("document.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The texts of an XLSX workbook's cells (its shared strings), in the order stored.
pub fn xlsx_strings(xlsx: &[u8]) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("an XLSX file is a zip archive");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("xl/sharedStrings.xml").unwrap(), &mut xml).unwrap();
    xml.split("<t")
        .skip(1)
        .filter_map(|part| part.split_once('>').and_then(|(_, rest)| rest.split_once("</t>")).map(|(text, _)| text))
        .map(|text| text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
        .collect()
}
