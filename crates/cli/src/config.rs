//! Settings from flags, the environment (`ETABLERA_*`, `DATABASE_URL`) and an optional TOML
//! file, in that order of precedence. Secrets are never printed: the database URL shows
//! without its password.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use etablera_store::access::checkpoints::CheckpointFile;
use etablera_store::access::sessions::SessionLimits;
use etablera_store::{Clock, DatabaseUrl};
use etablera_web::{MailConfig, WebConfig};
use serde::Deserialize;

use crate::commands::Command;

pub const DEFAULT_DATABASE: &str = "sqlite://etablera.db";
pub const DEFAULT_DEMO_DATABASE: &str = "sqlite://etablera-demo.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Args, Debug)]
pub struct Options {
    /// The database: sqlite://PATH (default sqlite://etablera.db) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// A TOML file with settings (database_url, listen, idle_timeout_minutes, secure_cookies, behind_proxy).
    #[arg(long, global = true, env = "ETABLERA_CONFIG")]
    pub config: Option<PathBuf>,

    /// With demo data only (`demo`, `serve --demo`): act as if today were this date (YYYY-MM-DD),
    /// with time running on from it, to show or try deadlines. Every row written is stamped with
    /// that date, so a real database refuses it.
    #[arg(long, global = true, env = "ETABLERA_TODAY", value_parser = today)]
    pub today: Option<chrono::NaiveDate>,

    /// The file of the access log's signed checkpoints (kept outside the database; `serve` adds
    /// one every hour, `audit checkpoint` on demand, `audit verify` checks against them).
    #[arg(long, global = true, env = "ETABLERA_AUDIT_CHECKPOINTS", value_name = "FILE")]
    pub audit_checkpoints: Option<PathBuf>,

    /// The key that signs the checkpoints (`etablera audit key` makes one); keep it off the
    /// database's machine's backups.
    #[arg(long, global = true, env = "ETABLERA_AUDIT_KEY_FILE", value_name = "FILE")]
    pub audit_key_file: Option<PathBuf>,
}

fn today(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("{text} är inget datum av formen ÅÅÅÅ-MM-DD, till exempel 2026-03-14"))
}

/// The TOML file's keys; each can also be given as a flag or in the environment.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub database_url: Option<String>,
    pub listen: Option<String>,
    pub idle_timeout_minutes: Option<u64>,
    /// Hours a session lasts at most however busy (default 12).
    pub session_lifetime_hours: Option<u64>,
    pub secure_cookies: Option<bool>,
    pub behind_proxy: Option<bool>,
    /// `calendar` (the default) or `working`: whether weekends count in the two days.
    pub first_contact_days: Option<String>,
    /// The mail server for notifications; without it they stay in the application.
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    /// Etablera's address as users reach it, for links in e-mail.
    pub public_url: Option<String>,
    /// In the committee's reports, counts from 1 to one below this are shown as "<N" (default 3).
    pub report_threshold: Option<u32>,
    /// Database connections in the server's pool.
    pub pool_size: Option<u32>,
    /// Seconds a request waits for a connection before it is answered 503.
    pub pool_wait_seconds: Option<u64>,
    /// The access log's checkpoint file and the key that signs it.
    pub audit_checkpoints: Option<PathBuf>,
    pub audit_key_file: Option<PathBuf>,
    /// Minutes between the server's checkpoints (default 60).
    pub audit_checkpoint_minutes: Option<u64>,
    /// Whether the server culls the records due every night (default true), and at which hour,
    /// Stockholm time (default 2).
    pub cull_nightly: Option<bool>,
    pub cull_hour: Option<u32>,
    /// Login through the municipality's OpenID provider (`[sso]`).
    pub sso: Option<SsoFile>,
    /// Whether staff may log in with Etablera's own passwords (default true); false needs `[sso]`.
    pub password_login: Option<bool>,
}

/// The `[sso]` section: the provider, the client Etablera is registered as, and what a login
/// through it may do (docs/sso.md).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoFile {
    pub issuer: String,
    pub client_id: String,
    /// A file holding the client secret; without it, the environment's ETABLERA_SSO_CLIENT_SECRET.
    pub client_secret_file: Option<PathBuf>,
    /// Asked for beside `openid` (default `profile` and `email`).
    pub scopes: Option<Vec<String>>,
    /// `sub` (the default), `oid`, `email` or `preferred_username`.
    pub user_claim: Option<String>,
    /// Create a user at the first login of someone unknown (default false).
    pub provision: Option<bool>,
    /// `etablera` (the default: kept by Etablera's administrator) or `groups` (the table below).
    pub roles: Option<String>,
    /// The claim with the groups (default `groups`).
    pub groups_claim: Option<String>,
    #[serde(default)]
    pub groups: Vec<GroupFile>,
    /// Authentication levels (`acr`), one of which users whose roles see persons must log in at.
    #[serde(default)]
    pub required_acr: Vec<String>,
    /// The login button's text.
    pub label: Option<String>,
    /// How far the provider's clock may be from ours, in seconds (default 60, at most 300).
    pub clock_skew_seconds: Option<u64>,
}

/// A row of the `[[sso.groups]]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupFile {
    pub group: String,
    pub roles: Vec<String>,
    #[serde(default)]
    pub municipalities: Vec<String>,
    pub unit: Option<String>,
}

/// The provider's settings, checked; the secret read from its file or the environment.
fn sso_config(file: &SsoFile, public_url: Option<String>) -> anyhow::Result<etablera_web::SsoConfig> {
    use etablera_domain::access::sso::{GroupRule, RoleSource, UserClaim};
    let public_url = public_url.context("[sso] behöver public_url: Etableras adress, dit tjänsten skickar tillbaka")?;
    url::Url::parse(&public_url).with_context(|| format!("public_url {public_url} är ingen adress"))?;
    url::Url::parse(&file.issuer).with_context(|| format!("[sso] issuer {} är ingen adress", file.issuer))?;
    if file.client_id.trim().is_empty() {
        bail!("[sso] client_id saknas");
    }
    let client_secret = match &file.client_secret_file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("[sso] client_secret_file {} kan inte läsas", path.display()))?
            .trim()
            .to_owned(),
        None => std::env::var("ETABLERA_SSO_CLIENT_SECRET")
            .context("[sso] behöver client_secret_file eller miljövariabeln ETABLERA_SSO_CLIENT_SECRET")?,
    };
    let user_claim = match &file.user_claim {
        Some(code) => UserClaim::from_code(code)
            .with_context(|| format!("[sso] user_claim {code} är inget av sub, oid, email, preferred_username"))?,
        None => UserClaim::Sub,
    };
    let rules = file
        .groups
        .iter()
        .map(|g| {
            let roles = g
                .roles
                .iter()
                .map(|r| {
                    etablera_domain::access::Role::parse(r)
                        .map_err(|_| anyhow::anyhow!("[[sso.groups]] {}: okänd roll {r}", g.group))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let municipalities = g
                .municipalities
                .iter()
                .map(|m| m.parse().map_err(|_| anyhow::anyhow!("[[sso.groups]] {}: okänd kommunkod {m}", g.group)))
                .collect::<anyhow::Result<Vec<_>>>()?;
            Ok(GroupRule { group: g.group.clone(), roles, municipalities, unit: g.unit.clone() })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let roles = match file.roles.as_deref() {
        None | Some("etablera") if rules.is_empty() => RoleSource::Etablera,
        None | Some("etablera") => bail!("[[sso.groups]] gäller bara med roles = \"groups\""),
        Some("groups") if rules.is_empty() => bail!("roles = \"groups\" behöver minst en rad [[sso.groups]]"),
        Some("groups") => RoleSource::Groups(rules),
        Some(other) => bail!("[sso] roles {other} är varken etablera eller groups"),
    };
    let skew = file.clock_skew_seconds.unwrap_or(60);
    if skew > 300 {
        bail!("[sso] clock_skew_seconds ska vara högst 300");
    }
    Ok(etablera_web::SsoConfig {
        issuer: file.issuer.clone(),
        client_id: file.client_id.clone(),
        client_secret,
        scopes: file.scopes.clone().unwrap_or_else(|| vec!["profile".into(), "email".into()]),
        user_claim,
        groups_claim: file.groups_claim.clone().unwrap_or_else(|| "groups".into()),
        policy: etablera_store::access::sso::Policy {
            provision: file.provision.unwrap_or(false),
            roles,
            required_levels: file.required_acr.clone(),
        },
        label: file.label.clone().unwrap_or_else(|| "Logga in med kommunens konto".into()),
        public_url,
        clock_skew: Duration::from_secs(skew),
    })
}

/// The mail and casework settings `serve` takes from flags or the environment.
#[derive(Debug, Default)]
pub struct CaseworkFlags {
    pub first_contact_days: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub public_url: Option<String>,
    pub report_threshold: Option<u32>,
}

/// Everything a command needs, resolved.
pub struct Settings {
    pub database: DatabaseUrl,
    pub file: FileSettings,
    /// The system's clock, or one that runs from `--today`.
    pub clock: Clock,
    /// The date `--today` set, if any.
    pub today: Option<chrono::NaiveDate>,
    /// Where the access log's checkpoints are kept and the file of the key that signs them,
    /// when set; read when a command needs them ([`Settings::checkpoint_file`]).
    pub checkpoints: Option<(PathBuf, PathBuf)>,
}

impl Settings {
    /// The checkpoint file with its key read, when one is configured.
    pub fn checkpoint_file(&self) -> anyhow::Result<Option<CheckpointFile>> {
        self.checkpoints
            .as_ref()
            .map(|(path, key)| CheckpointFile::open(path, key).map_err(|e| anyhow::anyhow!("{}", e.swedish())))
            .transpose()
    }
}

impl Options {
    pub fn resolve(&self, command: &Command) -> anyhow::Result<Settings> {
        let file = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("kunde inte läsa inställningsfilen {}", path.display()))?;
                toml::from_str(&text).with_context(|| format!("inställningsfilen {} är felaktig", path.display()))?
            }
            None => FileSettings::default(),
        };
        let default = if command.wants_demo() { DEFAULT_DEMO_DATABASE } else { DEFAULT_DATABASE };
        let url = self.database_url.clone().or_else(|| file.database_url.clone()).unwrap_or_else(|| default.to_owned());
        let database = DatabaseUrl::parse(&url).map_err(|e| anyhow::anyhow!("databasadressen: {e}"))?;
        // A made-up date in a real database would stamp its rows and access log wrongly, keep
        // sessions alive and logins throttled until the real clock catches up.
        if self.today.is_some() && !command.wants_demo() {
            bail!("--today (ETABLERA_TODAY) går bara med demodata: etablera demo eller etablera serve --demo");
        }
        let clock = self.today.map_or_else(Clock::system, Clock::on);
        let checkpoints = match (
            self.audit_checkpoints.clone().or_else(|| file.audit_checkpoints.clone()),
            self.audit_key_file.clone().or_else(|| file.audit_key_file.clone()),
        ) {
            (None, None) => None,
            (Some(path), Some(key)) => Some((path, key)),
            (Some(_), None) => {
                bail!("audit_checkpoints behöver audit_key_file: nyckeln som signerar kontrollpunkterna")
            }
            (None, Some(_)) => bail!("audit_key_file behöver audit_checkpoints: filen där kontrollpunkterna sparas"),
        };
        Ok(Settings { database, file, clock, today: self.today, checkpoints })
    }
}

/// The server's settings, from `serve`'s flags and the file.
pub fn web_config(
    file: &FileSettings,
    idle_timeout_minutes: Option<u64>,
    secure_cookies: bool,
    flags: CaseworkFlags,
) -> anyhow::Result<WebConfig> {
    let minutes = idle_timeout_minutes.or(file.idle_timeout_minutes).unwrap_or(30);
    if minutes == 0 || minutes > 24 * 60 {
        bail!("idle_timeout_minutes ska vara mellan 1 och 1440");
    }
    let hours = file.session_lifetime_hours.unwrap_or(12);
    if !(1..=7 * 24).contains(&hours) || hours * 60 < minutes {
        bail!("session_lifetime_hours ska vara mellan 1 och 168 och inte kortare än idle_timeout_minutes");
    }
    let public_url = flags.public_url.clone().or_else(|| file.public_url.clone());
    let first_contact_days = first_contact_days(file, flags.first_contact_days)?;
    let report_threshold = report_threshold(file, flags.report_threshold)?;
    let mail =
        match (flags.smtp_url.or_else(|| file.smtp_url.clone()), flags.mail_from.or_else(|| file.mail_from.clone())) {
            (None, _) => None,
            (Some(_), None) => {
                bail!("mail_from behövs när smtp_url är satt, till exempel \"Etablera <etablera@kommun.se>\"")
            }
            (Some(smtp_url), Some(from)) => {
                let mail = MailConfig { smtp_url, from, public_url: public_url.clone() };
                etablera_web::mail::Mailer::new(&mail).map_err(|e| anyhow::anyhow!("e-post: {e}"))?;
                Some(mail)
            }
        };
    let sso = file.sso.as_ref().map(|s| sso_config(s, public_url)).transpose()?;
    let password_login = file.password_login.unwrap_or(true);
    if !password_login && sso.is_none() {
        bail!("password_login = false behöver [sso]: annars kan ingen logga in");
    }
    Ok(WebConfig {
        sso,
        password_login,
        sessions: SessionLimits {
            idle: Duration::from_secs(minutes * 60),
            lifetime: Duration::from_secs(hours * 3600),
        },
        secure_cookies: secure_cookies || file.secure_cookies.unwrap_or(false),
        first_contact_days,
        mail,
        report_threshold,
        ..WebConfig::default()
    })
}

/// Whether weekends count in the two days for the first contact, from the flag or the file.
pub fn first_contact_days(
    file: &FileSettings,
    flag: Option<String>,
) -> anyhow::Result<etablera_domain::reception::first_contact::DayCount> {
    match flag.or_else(|| file.first_contact_days.clone()) {
        Some(text) => text.parse().map_err(|e: etablera_domain::text::Text| anyhow::anyhow!("first_contact_days: {e}")),
        None => Ok(WebConfig::default().first_contact_days),
    }
}

/// The public reports' threshold, from the flag or the file. Below 2 nothing would be hidden.
pub fn report_threshold(file: &FileSettings, flag: Option<u32>) -> anyhow::Result<u32> {
    let threshold = flag.or(file.report_threshold).unwrap_or(etablera_domain::reporting::monthly::DEFAULT_THRESHOLD);
    if !(2..=100).contains(&threshold) {
        bail!("report_threshold ska vara mellan 2 och 100 (antal under det visas som <N i nämndens rapporter)");
    }
    Ok(threshold)
}

/// The server's pool, from the flags, the file, or the backend's defaults.
pub fn pool_settings(
    file: &FileSettings,
    backend: etablera_store::Backend,
    size: Option<u32>,
    wait_seconds: Option<u64>,
) -> anyhow::Result<etablera_store::PoolSettings> {
    let default = etablera_store::PoolSettings::default_for(backend);
    let size = size.or(file.pool_size).unwrap_or(default.size);
    if !(1..=500).contains(&size) {
        bail!("pool_size ska vara mellan 1 och 500 anslutningar");
    }
    let wait = match wait_seconds.or(file.pool_wait_seconds) {
        Some(seconds) if (1..=60).contains(&seconds) => Duration::from_secs(seconds),
        Some(_) => bail!("pool_wait_seconds ska vara mellan 1 och 60 sekunder"),
        None => default.wait,
    };
    Ok(etablera_store::PoolSettings { size, wait })
}

pub fn listen_address(flag: Option<&str>, file: &FileSettings) -> anyhow::Result<SocketAddr> {
    let text = flag.or(file.listen.as_deref()).unwrap_or(DEFAULT_LISTEN);
    text.parse().with_context(|| format!("{text} är ingen adress av formen IP:PORT, till exempel 127.0.0.1:8080"))
}
