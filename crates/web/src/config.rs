use std::time::Duration;

use etablera_store::access::sessions::Throttle;

/// What the web layer can be told. Built by the command line from flags, environment and file.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// A session idle this long is ended.
    pub idle_timeout: Duration,
    /// Mark cookies `Secure`: set when Etablera is served over TLS (directly or by a proxy).
    pub secure_cookies: bool,
    /// Etablera runs behind a reverse proxy that appends the client's address to
    /// `X-Forwarded-For`; without it every request would seem to come from the proxy, and the
    /// per-address login throttle would lock everyone out together.
    pub behind_proxy: bool,
    pub throttle: Throttle,
    pub request_timeout: Duration,
    pub body_limit: usize,
    /// Whether the two days for the first contact count weekends.
    pub first_contact_days: etablera_domain::reception::first_contact::DayCount,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            idle_timeout: Duration::from_secs(30 * 60),
            secure_cookies: false,
            behind_proxy: false,
            throttle: Throttle::default(),
            request_timeout: Duration::from_secs(30),
            body_limit: 1024 * 1024,
            first_contact_days: etablera_domain::reception::first_contact::DayCount::Calendar,
        }
    }
}
