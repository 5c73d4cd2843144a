use std::time::Duration;

use etablera_store::access::throttle::Throttle;

/// What the web layer can be told. Built by the command line from flags, environment and file.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// A session idle this long is ended, and one this old however busy.
    pub sessions: etablera_store::access::sessions::SessionLimits,
    /// Mark cookies `Secure`: set when Etablera is served over TLS (directly or by a proxy).
    pub secure_cookies: bool,
    /// Etablera runs behind a reverse proxy that appends the client's address to
    /// `X-Forwarded-For`; without it every request would seem to come from the proxy, and the
    /// per-address login throttle would lock everyone out together.
    pub behind_proxy: bool,
    pub throttle: Throttle,
    pub request_timeout: Duration,
    /// A connection silent this long is closed: a header sent half-way, an idle keep-alive.
    pub idle_timeout: Duration,
    /// How long requests in flight may take to finish once the server is told to stop.
    pub shutdown_grace: Duration,
    pub body_limit: usize,
    /// Whether the two days for the first contact count weekends.
    pub first_contact_days: etablera_domain::reception::first_contact::DayCount,
    /// Where notifications are e-mailed from; none means in the application only.
    pub mail: Option<MailConfig>,
    /// In the committee's reports, counts from 1 to one below this are shown as "<threshold".
    pub report_threshold: u32,
    /// Where the time of every request comes from: the system's clock, or a fixed or chosen
    /// date for tests and demonstrations.
    pub clock: etablera_store::Clock,
    /// Where the access log's signed checkpoints are kept, and how often the server adds one.
    pub checkpoints: Option<etablera_store::access::checkpoints::CheckpointFile>,
    pub checkpoint_every: Duration,
    /// The hour (Stockholm time) of the server's nightly culling round; none: no round.
    pub cull_at_hour: Option<u32>,
    /// Login through the municipality's OpenID provider, when configured.
    pub sso: Option<SsoConfig>,
    /// Whether staff may log in with a password of Etablera's own; off where every login goes
    /// through the provider.
    pub password_login: bool,
}

/// The municipality's OpenID provider and what a login through it may do.
#[derive(Clone)]
pub struct SsoConfig {
    /// The issuer URL: its `/.well-known/openid-configuration` describes the provider.
    pub issuer: String,
    pub client_id: String,
    /// Never printed (see `Debug`).
    pub client_secret: String,
    /// Asked for beside `openid`.
    pub scopes: Vec<String>,
    /// The claim that names the user, matched against the users' login id.
    pub user_claim: etablera_domain::access::sso::UserClaim,
    /// The claim that lists the user's groups, when roles come from them.
    pub groups_claim: String,
    pub policy: etablera_store::access::sso::Policy,
    /// The login button's text, e.g. "Logga in med kommunens konto".
    pub label: String,
    /// Etablera's address as browsers reach it; the provider sends users back to
    /// `{public_url}/login/sso/callback`.
    pub public_url: String,
    /// How far the provider's clock may be from ours when an ID token's times are checked.
    pub clock_skew: Duration,
}

impl std::fmt::Debug for SsoConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"(hidden)")
            .field("scopes", &self.scopes)
            .field("user_claim", &self.user_claim)
            .field("groups_claim", &self.groups_claim)
            .field("policy", &self.policy)
            .field("public_url", &self.public_url)
            .finish()
    }
}

/// The mail server and the sender of notifications.
#[derive(Clone)]
pub struct MailConfig {
    /// `smtp://host:25`, `smtp://user:password@host:587?tls=required` or `smtps://host:465`.
    pub smtp_url: String,
    /// The sender, e.g. `Etablera <etablera@kommun.se>`.
    pub from: String,
    /// Etablera's address as users reach it, for links in the messages.
    pub public_url: Option<String>,
}

impl std::fmt::Debug for MailConfig {
    // The URL may hold the mail server's password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_url", &"(hidden)")
            .field("from", &self.from)
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            sessions: etablera_store::access::sessions::SessionLimits::default(),
            secure_cookies: false,
            behind_proxy: false,
            throttle: Throttle::default(),
            request_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(20),
            body_limit: 1024 * 1024,
            first_contact_days: etablera_domain::reception::first_contact::DayCount::Calendar,
            mail: None,
            report_threshold: etablera_domain::reporting::monthly::DEFAULT_THRESHOLD,
            clock: etablera_store::Clock::system(),
            checkpoints: None,
            checkpoint_every: Duration::from_secs(60 * 60),
            cull_at_hour: Some(2),
            sso: None,
            password_login: true,
        }
    }
}
