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
}

impl ServeArgs {
    pub fn demo(&self) -> bool {
        self.demo
    }
}

pub fn run(args: ServeArgs, settings: Settings) -> anyhow::Result<ExitCode> {
    let address = config::listen_address(args.listen.as_deref(), &settings.file)?;
    let mut web = config::web_config(&settings.file, args.idle_timeout_minutes, args.secure_cookies)?;
    web.behind_proxy = args.behind_proxy || settings.file.behind_proxy.unwrap_or(false);
    let store = Store::open(&settings.database)?;
    if args.demo {
        super::demo::run(&store)?;
    }
    let idle = web.idle_timeout;
    store.with_conn(|conn| sessions::prune(conn, idle))?;
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
