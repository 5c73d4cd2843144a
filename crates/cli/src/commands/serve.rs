use std::process::ExitCode;

use clap::Args;
use etablera_store::Store;
use etablera_store::access::sessions;
use etablera_web::{AppState, serve};

use crate::config::{self, Settings};

#[derive(Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "ETABLERA_LISTEN", value_name = "ADDR:PORT")]
    listen: Option<String>,
    /// Fill the database with demo users first (database sqlite://etablera-demo.db unless given).
    #[arg(long)]
    demo: bool,
    /// End sessions idle this many minutes (default 30).
    #[arg(long, env = "ETABLERA_IDLE_TIMEOUT_MINUTES")]
    idle_timeout_minutes: Option<u64>,
    /// Mark cookies Secure: set when Etablera is reached over HTTPS (through a proxy).
    #[arg(long, env = "ETABLERA_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Etablera is reached through a reverse proxy that sets X-Forwarded-For: take the client's
    /// address from it (for the access log and the login throttle).
    #[arg(long, env = "ETABLERA_BEHIND_PROXY")]
    behind_proxy: bool,
    /// Whether weekends count in the two days for the first contact: calendar or working.
    #[arg(long, env = "ETABLERA_FIRST_CONTACT_DAYS")]
    first_contact_days: Option<String>,
    /// In the committee's reports, counts from 1 to one below this are shown as "<N" (default 3).
    #[arg(long, env = "ETABLERA_REPORT_THRESHOLD")]
    report_threshold: Option<u32>,
    /// The mail server for notifications, e.g. smtp://relay.kommun.se:587?tls=required.
    #[arg(long, env = "ETABLERA_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The sender of notifications, e.g. "Etablera <etablera@kommun.se>".
    #[arg(long, env = "ETABLERA_MAIL_FROM")]
    mail_from: Option<String>,
    /// Etablera's address as users reach it, for links in e-mail.
    #[arg(long, env = "ETABLERA_PUBLIC_URL")]
    public_url: Option<String>,
    /// Database connections in the pool (default 8 on SQLite, 16 on PostgreSQL).
    #[arg(long, env = "ETABLERA_POOL_SIZE")]
    pool_size: Option<u32>,
    /// Seconds a request waits for a free connection before it is answered 503 (default 5).
    #[arg(long, env = "ETABLERA_POOL_WAIT_SECONDS")]
    pool_wait_seconds: Option<u64>,
}

impl ServeArgs {
    pub fn demo(&self) -> bool {
        self.demo
    }
}

pub fn run(args: ServeArgs, settings: Settings) -> anyhow::Result<ExitCode> {
    let address = config::listen_address(args.listen.as_deref(), &settings.file)?;
    let flags = config::CaseworkFlags {
        first_contact_days: args.first_contact_days,
        smtp_url: args.smtp_url,
        mail_from: args.mail_from,
        public_url: args.public_url,
        report_threshold: args.report_threshold,
    };
    let mut web = config::web_config(&settings.file, args.idle_timeout_minutes, args.secure_cookies, flags)?;
    web.behind_proxy = args.behind_proxy || settings.file.behind_proxy.unwrap_or(false);
    web.clock = settings.clock;
    web.checkpoints = settings.checkpoint_file()?;
    if let Some(minutes) = settings.file.audit_checkpoint_minutes {
        if !(1..=24 * 60).contains(&minutes) {
            anyhow::bail!("audit_checkpoint_minutes ska vara mellan 1 och 1440");
        }
        web.checkpoint_every = std::time::Duration::from_secs(minutes * 60);
    }
    web.cull_at_hour = match (settings.file.cull_nightly, settings.file.cull_hour) {
        (Some(false), _) => None,
        (_, Some(hour)) if hour > 23 => anyhow::bail!("cull_hour ska vara en timme mellan 0 och 23"),
        (_, hour) => Some(hour.unwrap_or(2)),
    };
    let pool =
        config::pool_settings(&settings.file, settings.database.backend(), args.pool_size, args.pool_wait_seconds)?;
    let store = Store::open_with(&settings.database, pool)?;
    if args.demo {
        super::demo::run(&store, settings.clock, &super::demo::DemoArgs::default())?;
    }
    let limits = web.sessions;
    let at = settings.clock.now();
    store.with_conn(|conn| sessions::prune(conn, limits, at))?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(address).await?;
        let bound = listener.local_addr()?;
        println!("Etablera svarar på http://{bound} (databas {})", settings.database);
        tracing::info!(%bound, database = store.backend().name(), "serving");
        serve(AppState::new(store, web), listener).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
