use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use etablera_domain::access::{Permission, Role, TokenForm, UserForm};
use etablera_domain::ids::{TokenId, UserId};
use etablera_domain::input::Invalid;
use etablera_domain::municipality::MunicipalityCode;
use etablera_store::access::Actor;
use etablera_store::access::{tokens, users};
use etablera_store::{Clock, Store, StoreError};

use super::terminal_actor;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user. Without --password-stdin a temporary password is made and shown once.
    Add(AddArgs),
    /// List all users.
    List,
    /// Disable an account: its sessions and API keys stop working at once.
    Disable { username: String },
    /// Enable a disabled account again.
    Enable { username: String },
    /// Set a new password (read from standard input) and end the user's sessions.
    SetPassword {
        username: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give a user roles and municipalities, or set the unit.
    Grant(GrantArgs),
    /// Take roles or municipalities away from a user.
    Revoke(RevokeArgs),
    /// Set the user's login id at the identity provider (the value of the `[sso]` user_claim:
    /// sub, oid, e-mail or user name there); without a value, clear it.
    SetLoginId { username: String, login_id: Option<String> },
    /// Manage a user's API keys.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Args)]
pub struct AddArgs {
    /// The login name: a–z, digits, dot, hyphen, underscore.
    username: String,
    /// The person's name, as shown in the interface.
    #[arg(long)]
    name: String,
    /// A role (repeat for several): admin, case_worker, unit_manager, finance, committee,
    /// regional_coordinator, agreement_contact, auditor.
    #[arg(long = "role", required = true, value_parser = super::args::role)]
    roles: Vec<Role>,
    /// A municipality code (repeat for several), e.g. 0117.
    #[arg(long = "municipality", value_parser = super::args::municipality)]
    municipalities: Vec<MunicipalityCode>,
    /// The unit (required for case workers).
    #[arg(long)]
    unit: Option<String>,
    /// Where notifications are e-mailed (when SMTP is configured).
    #[arg(long)]
    email: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Args)]
pub struct GrantArgs {
    username: String,
    #[arg(long = "role", value_parser = super::args::role)]
    roles: Vec<Role>,
    #[arg(long = "municipality", value_parser = super::args::municipality)]
    municipalities: Vec<MunicipalityCode>,
    /// Set the unit.
    #[arg(long)]
    unit: Option<String>,
    /// Set the e-mail address for notifications.
    #[arg(long)]
    email: Option<String>,
    /// A permission given per person (repeat for several): read_protected_address.
    #[arg(long = "permission", value_parser = super::args::permission)]
    permissions: Vec<Permission>,
}

#[derive(Args)]
pub struct RevokeArgs {
    username: String,
    #[arg(long = "role", value_parser = super::args::role)]
    roles: Vec<Role>,
    #[arg(long = "municipality", value_parser = super::args::municipality)]
    municipalities: Vec<MunicipalityCode>,
    /// Remove the unit.
    #[arg(long)]
    unit: bool,
    /// Remove the e-mail address.
    #[arg(long)]
    email: bool,
    /// Take a per-person permission away: read_protected_address.
    #[arg(long = "permission", value_parser = super::args::permission)]
    permissions: Vec<Permission>,
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API key for a user; it is shown once.
    Add {
        username: String,
        /// What the key is for, e.g. the system that uses it.
        #[arg(long)]
        name: String,
    },
    /// List a user's API keys.
    List { username: String },
    /// Revoke one of a user's API keys by its id.
    Revoke { username: String, id: TokenId },
}

fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("kunde inte läsa lösenordet från standard input")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// Input the domain's checks refused: each field with its message, one a line.
fn refused(errors: Vec<Invalid>) -> anyhow::Error {
    let lines: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
    anyhow::anyhow!(lines.join("\n"))
}

fn explain(e: StoreError, username: &str) -> anyhow::Error {
    match e {
        StoreError::NotFound => anyhow::anyhow!("det finns ingen användare {username}"),
        StoreError::Invalid { field, message } => anyhow::anyhow!("{field}: {message}"),
        other => other.into(),
    }
}

pub fn run(command: UserCommand, store: &Store, clock: Clock) -> anyhow::Result<ExitCode> {
    let actor = terminal_actor(clock);
    match command {
        UserCommand::Add(args) => {
            let (password, generated) = if args.password_stdin {
                (read_password()?, false)
            } else {
                (etablera_store::access::random_token(12), true)
            };
            // The same checks as the page's form.
            let form = UserForm {
                username: args.username.clone(),
                display_name: args.name,
                password,
                roles: args.roles.iter().map(|r| r.code().to_owned()).collect(),
                municipalities: args.municipalities.iter().map(MunicipalityCode::as_str).collect::<Vec<_>>().join(","),
                unit: args.unit.unwrap_or_default(),
                email: args.email.unwrap_or_default(),
            };
            let new = form.check().map_err(refused)?;
            let user =
                store.with_conn(|conn| users::create(conn, &actor, &new)).map_err(|e| explain(e, &args.username))?;
            println!("Skapade användaren {} (id {}).", user.username, user.id);
            if generated {
                println!("Tillfälligt lösenord (visas bara nu): {}", new.password);
            }
        }
        UserCommand::List => {
            let all = store.with_conn(|conn| users::list(conn, &actor))?;
            println!("{:<24} {:<8} {:<40} {:<24} {}", "ANVÄNDARNAMN", "STATUS", "ROLLER", "KOMMUNER", "ENHET");
            for u in all {
                let roles: Vec<&str> = u.roles.iter().map(|r| r.code()).collect();
                let codes: Vec<&str> = u.municipalities.iter().map(|m| m.as_str()).collect();
                println!(
                    "{:<24} {:<8} {:<40} {:<24} {}",
                    u.username,
                    if u.disabled { "avstängd" } else { "aktiv" },
                    roles.join(","),
                    codes.join(","),
                    u.unit.unwrap_or_default()
                );
            }
        }
        UserCommand::Disable { username } => {
            store
                .with_conn(|conn| users::set_disabled(conn, &actor, &username, true))
                .map_err(|e| explain(e, &username))?;
            println!("Användaren {username} är avstängd.");
        }
        UserCommand::SetLoginId { username, login_id } => {
            store
                .with_conn(|conn| {
                    etablera_store::access::sso::set_login_id(conn, &actor, &username, login_id.as_deref())
                })
                .map_err(|e| explain(e, &username))?;
            match login_id {
                Some(id) => println!("{username} loggar in via identitetsleverantören som {id}."),
                None => println!("{username} har inget inloggnings-id hos identitetsleverantören längre."),
            }
        }
        UserCommand::Enable { username } => {
            store
                .with_conn(|conn| users::set_disabled(conn, &actor, &username, false))
                .map_err(|e| explain(e, &username))?;
            println!("Användaren {username} är aktiv igen.");
        }
        UserCommand::SetPassword { username, password_stdin } => {
            if !password_stdin {
                bail!(
                    "ange --password-stdin och skicka lösenordet på standard input, så syns det inte i processlistan"
                );
            }
            let password = read_password()?;
            store
                .with_conn(|conn| users::set_password(conn, &actor, &username, &password))
                .map_err(|e| explain(e, &username))?;
            println!("Nytt lösenord satt för {username}; användarens sessioner är avslutade.");
        }
        UserCommand::Grant(args) => {
            let changes = args.roles.len()
                + args.municipalities.len()
                + args.permissions.len()
                + usize::from(args.unit.is_some())
                + usize::from(args.email.is_some());
            let grants = users::Grants {
                add_roles: args.roles,
                add_municipalities: args.municipalities,
                unit: args.unit.map(Some),
                email: args.email.map(Some),
                add_permissions: args.permissions,
                ..Default::default()
            };
            change_grants(store, &actor, &args.username, changes, &grants)?;
        }
        UserCommand::Revoke(args) => {
            let changes = args.roles.len()
                + args.municipalities.len()
                + args.permissions.len()
                + usize::from(args.unit)
                + usize::from(args.email);
            let grants = users::Grants {
                remove_roles: args.roles,
                remove_municipalities: args.municipalities,
                remove_permissions: args.permissions,
                unit: args.unit.then_some(None),
                email: args.email.then_some(None),
                ..Default::default()
            };
            change_grants(store, &actor, &args.username, changes, &grants)?;
        }
        UserCommand::Token(command) => token(command, store, &actor)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Applies a grant or a revocation and shows the user's permissions afterwards.
fn change_grants(
    store: &Store,
    actor: &Actor,
    username: &str,
    changes: usize,
    grants: &users::Grants,
) -> anyhow::Result<()> {
    if changes == 0 {
        bail!("ange minst en --role, --municipality, --permission, --unit eller --email");
    }
    let user = store
        .with_conn(|conn| users::change_grants(conn, actor, username, grants))
        .map_err(|e| explain(e, username))?;
    print_grants(&user);
    Ok(())
}

fn print_grants(user: &users::User) {
    let roles: Vec<&str> = user.roles.iter().map(|r| r.code()).collect();
    let codes: Vec<&str> = user.municipalities.iter().map(|m| m.as_str()).collect();
    let personal: Vec<&str> = user.personal_permissions.iter().map(|p| p.code()).collect();
    println!(
        "{}: roller {}; kommuner {}; enhet {}; personliga behörigheter {}",
        user.username,
        roles.join(", "),
        if codes.is_empty() { "inga".to_owned() } else { codes.join(", ") },
        user.unit.as_deref().unwrap_or("ingen"),
        if personal.is_empty() { "inga".to_owned() } else { personal.join(", ") }
    );
}

fn token(command: TokenCommand, store: &Store, actor: &Actor) -> anyhow::Result<()> {
    let user_of =
        |username: &str| store.with_conn(|conn| users::get(conn, actor, username)).map_err(|e| explain(e, username));
    match command {
        TokenCommand::Add { username, name } => {
            let name = TokenForm { name }.check().map_err(refused)?;
            let user = user_of(&username)?;
            let (token, plain) = store
                .with_conn(|conn| tokens::create(conn, actor, user.id, &name))
                .map_err(|e| explain(e, &username))?;
            println!("API-nyckel {} ({}) för {username}. Kopiera den nu, den visas inte igen:", token.id, token.name);
            println!("{plain}");
        }
        TokenCommand::List { username } => {
            let user = user_of(&username)?;
            for t in store.with_conn(|conn| tokens::list(conn, user.id))? {
                let status = if t.revoked_at.is_some() { "återkallad" } else { "aktiv" };
                println!("{:>5}  {:<10} {}  {}", t.id, status, t.created_at.format("%Y-%m-%d"), t.name);
            }
        }
        TokenCommand::Revoke { username, id } => {
            let user = user_of(&username)?;
            store.with_conn(|conn| tokens::revoke(conn, actor, UserId::new(user.id), id)).map_err(|e| match e {
                StoreError::NotFound => anyhow::anyhow!("{username} har ingen API-nyckel med id {id}"),
                other => other.into(),
            })?;
            println!("API-nyckel {id} är återkallad.");
        }
    }
    Ok(())
}
