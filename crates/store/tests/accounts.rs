use std::time::Duration;

use etablera_domain::access::{Role, TokenName};
use etablera_domain::ids::UserId;
use etablera_store::StoreError;
use etablera_store::access::sessions::{self, LoginOutcome, SessionCheck};
use etablera_store::access::throttle::{self, Throttle};
use etablera_store::access::users::{self, Grants, NewUser};
use etablera_store::access::{Actor, log, tokens};
use etablera_store::testing::TestDatabase;

use crate::{PASSWORD, add_user};

fn from(address: &str) -> Actor {
    Actor {
        user_id: None,
        request_id: Some("test".into()),
        client_address: Some(address.into()),
        at: etablera_store::testing::now(),
    }
}

fn login(db: &TestDatabase, username: &str, password: &str, address: &str) -> LoginOutcome {
    db.store.with_conn(|conn| sessions::login(conn, &from(address), username, password, &Throttle::default())).unwrap()
}

fn name(text: &str) -> TokenName {
    TokenName::new(text).unwrap()
}

/// The form's rules are the domain's (`UserForm::check`); the store says whether the name is taken.
#[test]
fn a_taken_user_name_is_refused_and_nothing_is_saved() {
    let db = TestDatabase::new();
    let attempt = |new: NewUser| db.store.with_conn(|conn| users::create(conn, &etablera_store::testing::cli(), &new));
    let good = NewUser {
        username: "cecilia".into(),
        display_name: "Cecilia".into(),
        password: PASSWORD.into(),
        roles: vec![Role::Finance],
        municipalities: vec![],
        unit: None,
        email: None,
    };
    let field = |r: Result<_, StoreError>| match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(db.store.with_conn(users::count).unwrap(), 0);
    attempt(good.clone()).unwrap();
    assert_eq!(field(attempt(good)), "username", "a taken user name is refused");
    assert_eq!(db.store.with_conn(users::count).unwrap(), 1);
}

#[test]
fn login_opens_a_session_and_logout_ends_it() {
    let db = TestDatabase::new();
    let user = add_user(&db, "david", &[Role::CaseWorker]);
    let LoginOutcome::LoggedIn { token, user: logged_in } = login(&db, "david", PASSWORD, "10.0.0.1") else {
        panic!("the right password logs in")
    };
    assert_eq!(logged_in.id, user.id);
    let check =
        db.store.with_conn(|conn| sessions::check(conn, &token, limits(1800), etablera_store::testing::now())).unwrap();
    let SessionCheck::Valid(session) = check else { panic!("the new session is valid") };
    assert_eq!(session.user.roles, vec![Role::CaseWorker]);
    assert_eq!(session.csrf_token.len(), 64);
    db.store.with_conn(|conn| sessions::logout(conn, &from("10.0.0.1"), session.id)).unwrap();
    let check =
        db.store.with_conn(|conn| sessions::check(conn, &token, limits(1800), etablera_store::testing::now())).unwrap();
    assert!(matches!(check, SessionCheck::Unknown));
}

fn limits(idle_seconds: u64) -> sessions::SessionLimits {
    sessions::SessionLimits { idle: Duration::from_secs(idle_seconds), ..Default::default() }
}

#[test]
fn a_session_in_use_all_along_ends_at_its_lifetime() {
    let db = TestDatabase::new();
    add_user(&db, "erika", &[Role::Finance]);
    let LoginOutcome::LoggedIn { token, .. } = login(&db, "erika", PASSWORD, "10.0.0.1") else { panic!() };
    let limits =
        sessions::SessionLimits { idle: Duration::from_secs(24 * 3600), lifetime: Duration::from_secs(12 * 3600) };
    let now = etablera_store::testing::now();
    for hours in [1, 6, 11] {
        let check =
            db.store.with_conn(|conn| sessions::check(conn, &token, limits, now + chrono::Duration::hours(hours)));
        assert!(matches!(check.unwrap(), SessionCheck::Valid(_)), "{hours} hours after the login");
    }
    let late = now + chrono::Duration::hours(12) + chrono::Duration::minutes(1);
    let check = db.store.with_conn(|conn| sessions::check(conn, &token, limits, late)).unwrap();
    assert!(matches!(check, SessionCheck::Expired), "twelve hours after the login, however busy");
}

#[test]
fn an_idle_session_expires() {
    let db = TestDatabase::new();
    add_user(&db, "erik", &[Role::Finance]);
    let LoginOutcome::LoggedIn { token, .. } = login(&db, "erik", PASSWORD, "10.0.0.1") else { panic!() };
    std::thread::sleep(Duration::from_millis(1100));
    let check =
        db.store.with_conn(|conn| sessions::check(conn, &token, limits(1), etablera_store::testing::now())).unwrap();
    assert!(matches!(check, SessionCheck::Expired));
    let check =
        db.store.with_conn(|conn| sessions::check(conn, &token, limits(1800), etablera_store::testing::now())).unwrap();
    assert!(matches!(check, SessionCheck::Unknown), "an expired session is gone for good");
}

#[test]
fn wrong_password_unknown_user_and_disabled_account_get_the_same_answer() {
    let db = TestDatabase::new();
    add_user(&db, "frida", &[Role::Finance]);
    assert!(matches!(login(&db, "frida", "fel lösenord här", "10.0.0.2"), LoginOutcome::Refused));
    assert!(matches!(login(&db, "ingen", PASSWORD, "10.0.0.2"), LoginOutcome::Refused));
    db.store.with_conn(|conn| users::set_disabled(conn, &etablera_store::testing::cli(), "frida", true)).unwrap();
    assert!(matches!(login(&db, "frida", PASSWORD, "10.0.0.2"), LoginOutcome::Refused));
    let failed = db
        .store
        .with_conn(|conn| {
            log::export(
                conn,
                &etablera_store::testing::cli(),
                &log::Filter { action: Some(log::Action::LoginFailed), ..Default::default() },
            )
        })
        .unwrap();
    assert_eq!(failed.len(), 3);
}

#[test]
fn an_attacker_guessing_cannot_lock_the_owner_out_of_an_address_they_have_used() {
    let db = TestDatabase::new();
    add_user(&db, "gustav", &[Role::Finance]);
    add_user(&db, "hanna", &[Role::Finance]);
    assert!(matches!(login(&db, "gustav", PASSWORD, "10.0.0.1"), LoginOutcome::LoggedIn { .. }), "the owner's office");

    // Someone guesses from one address: five failures, then every attempt waits, uncounted.
    for _ in 0..5 {
        assert!(matches!(login(&db, "gustav", "fel lösenord här", "203.0.113.9"), LoginOutcome::Refused));
    }
    for _ in 0..20 {
        assert!(matches!(login(&db, "gustav", "fel lösenord här", "203.0.113.9"), LoginOutcome::Throttled));
    }
    assert!(matches!(login(&db, "gustav", PASSWORD, "203.0.113.9"), LoginOutcome::Throttled), "even the right one");
    let failures = failed_attempts(&db);
    assert_eq!(failures, 5, "attempts refused by the throttle are not failures");
    // ... and from many addresses: the account waits at new addresses, not at the owner's.
    for i in 0..20 {
        login(&db, "gustav", "fel lösenord här", &format!("198.51.100.{i}"));
    }
    assert!(matches!(login(&db, "gustav", PASSWORD, "192.0.2.77"), LoginOutcome::Throttled), "a new address waits");
    assert!(matches!(login(&db, "gustav", PASSWORD, "10.0.0.1"), LoginOutcome::LoggedIn { .. }), "the office does not");
    assert!(
        matches!(login(&db, "hanna", PASSWORD, "192.0.2.77"), LoginOutcome::LoggedIn { .. }),
        "nor another account"
    );
}

#[test]
fn guessing_from_behind_a_proxy_does_not_lock_everyone_behind_it() {
    let db = TestDatabase::new();
    add_user(&db, "hanna", &[Role::Finance]);
    add_user(&db, "ivan", &[Role::Finance]);
    let proxy = "10.20.0.1";
    assert!(matches!(login(&db, "hanna", PASSWORD, proxy), LoginOutcome::LoggedIn { .. }));
    for i in 0..60 {
        login(&db, &format!("okand{i}"), "fel lösenord här", proxy);
    }
    assert!(matches!(login(&db, "hanna", PASSWORD, proxy), LoginOutcome::LoggedIn { .. }), "known behind the proxy");
    assert!(matches!(login(&db, "ivan", PASSWORD, proxy), LoginOutcome::Throttled), "never logged in from there");
    assert!(matches!(login(&db, "ivan", PASSWORD, "10.30.0.1"), LoginOutcome::LoggedIn { .. }), "elsewhere");
}

#[test]
fn the_administrator_sees_the_locks_and_lifts_one() {
    let db = TestDatabase::new();
    let admin = add_user(&db, "admin", &[Role::Admin]);
    add_user(&db, "gustav", &[Role::Finance]);
    for _ in 0..5 {
        login(&db, "gustav", "fel lösenord här", "203.0.113.9");
        login(&db, "vem-som-helst", "fel lösenord här", "203.0.113.9");
    }
    let actor = Actor { user_id: Some(admin.id), ..etablera_store::testing::cli() };
    let throttle = Throttle::default();
    let locks = db.store.with_conn(|conn| throttle::locks(conn, &actor, &throttle)).unwrap();
    assert_eq!(locks.len(), 2, "{locks:?}");
    assert!(locks.iter().all(|l| l.lock == throttle::Lock::Pair && l.failures == 5));
    let gustav = locks.iter().find(|l| l.username.as_deref() == Some("gustav")).expect("named by the account");
    assert!(locks.iter().any(|l| l.username.is_none()), "a name no account has stays a hash");
    assert!(matches!(login(&db, "gustav", PASSWORD, "203.0.113.9"), LoginOutcome::Throttled));
    let hash = gustav.username_hash.clone();
    let cleared = db
        .store
        .with_conn(|conn| throttle::clear_lock(conn, &actor, &throttle, hash.as_deref(), Some("203.0.113.9")))
        .unwrap();
    assert_eq!(cleared, 5);
    assert!(matches!(login(&db, "gustav", PASSWORD, "203.0.113.9"), LoginOutcome::LoggedIn { .. }));
    let remaining = db.store.with_conn(|conn| throttle::locks(conn, &actor, &throttle)).unwrap();
    assert_eq!(remaining.len(), 1, "the other lock stays");
}

fn failed_attempts(db: &TestDatabase) -> i64 {
    db.store
        .with_conn(|conn| {
            use diesel::prelude::*;
            use etablera_store::schema::login_attempts;
            Ok(login_attempts::table.filter(login_attempts::succeeded.eq(false)).count().get_result(conn)?)
        })
        .unwrap()
}

#[test]
fn disabling_an_account_ends_its_sessions_and_tokens() {
    let db = TestDatabase::new();
    let user = add_user(&db, "ivar", &[Role::Admin]);
    let LoginOutcome::LoggedIn { token, .. } = login(&db, "ivar", PASSWORD, "10.0.0.1") else { panic!() };
    let (_, api_token) = db
        .store
        .with_conn(|conn| tokens::create(conn, &etablera_store::testing::cli(), user.id, &name("Ekonomisystemet")))
        .unwrap();
    assert!(
        db.store
            .with_conn(|conn| tokens::authenticate(conn, &api_token, etablera_store::testing::now()))
            .unwrap()
            .is_some()
    );
    db.store.with_conn(|conn| users::set_disabled(conn, &etablera_store::testing::cli(), "ivar", true)).unwrap();
    let check =
        db.store.with_conn(|conn| sessions::check(conn, &token, limits(1800), etablera_store::testing::now())).unwrap();
    assert!(matches!(check, SessionCheck::Unknown));
    assert!(
        db.store
            .with_conn(|conn| tokens::authenticate(conn, &api_token, etablera_store::testing::now()))
            .unwrap()
            .is_none()
    );
}

#[test]
fn api_tokens_are_stored_hashed_and_can_be_revoked() {
    let db = TestDatabase::new();
    let user = add_user(&db, "julia", &[Role::Finance]);
    let (token, plain) = db
        .store
        .with_conn(|conn| tokens::create(conn, &etablera_store::testing::cli(), user.id, &name("Rapportverktyg")))
        .unwrap();
    assert!(plain.starts_with("etb_"));
    let (_, found) =
        db.store.with_conn(|conn| tokens::authenticate(conn, &plain, etablera_store::testing::now())).unwrap().unwrap();
    assert_eq!(found.id, user.id);
    assert!(
        db.store
            .with_conn(|conn| tokens::authenticate(conn, "etb_wrong", etablera_store::testing::now()))
            .unwrap()
            .is_none()
    );
    db.store
        .with_conn(|conn| tokens::revoke(conn, &etablera_store::testing::cli(), UserId::new(user.id), token.id))
        .unwrap();
    assert!(
        db.store
            .with_conn(|conn| tokens::authenticate(conn, &plain, etablera_store::testing::now()))
            .unwrap()
            .is_none()
    );
    let listed = db.store.with_conn(|conn| tokens::list(conn, user.id)).unwrap();
    assert!(listed[0].revoked_at.is_some());
    assert!(!format!("{listed:?}").contains(&plain[4..]), "the plain token is not stored");
}

#[test]
fn grants_change_roles_municipalities_and_unit_but_keep_a_role() {
    let db = TestDatabase::new();
    add_user(&db, "karin", &[Role::Finance]);
    let grant = |grants: Grants| {
        db.store.with_conn(|conn| users::change_grants(conn, &etablera_store::testing::cli(), "karin", &grants))
    };
    let user = grant(Grants {
        add_roles: vec![Role::CaseWorker],
        add_municipalities: vec!["0586".parse().unwrap()],
        unit: Some(Some("Mottagningen".into())),
        email: None,
        ..Grants::default()
    })
    .unwrap();
    assert_eq!(user.roles, vec![Role::CaseWorker, Role::Finance]);
    assert_eq!(user.municipalities.iter().map(|m| m.as_str()).collect::<Vec<_>>(), ["0117", "0586"]);
    assert_eq!(user.unit.as_deref(), Some("Mottagningen"));
    let refused = grant(Grants { remove_roles: vec![Role::CaseWorker, Role::Finance], ..Grants::default() });
    assert!(matches!(refused, Err(StoreError::Invalid { field: "roles", .. })));
    let refused = grant(Grants { unit: Some(None), ..Grants::default() });
    assert!(matches!(refused, Err(StoreError::Invalid { field: "unit", .. })), "a case worker keeps a unit");
    let user = db.store.with_conn(|conn| users::get(conn, &etablera_store::testing::cli(), "karin")).unwrap();
    assert_eq!(user.roles, vec![Role::CaseWorker, Role::Finance], "refused changes left nothing behind");
}

mod single_sign_on {
    use diesel::prelude::*;
    use etablera_domain::access::Role;
    use etablera_domain::access::sso::{GroupRule, Refusal, RoleSource};
    use etablera_store::access::sso::{self, Identity, Pending, Policy, SsoOutcome};
    use etablera_store::schema::access_log;
    use etablera_store::testing::TestDatabase;

    use super::from;
    use crate::add_user;

    fn identity(login_id: &str, groups: Option<&[&str]>, level: Option<&str>) -> Identity {
        Identity {
            login_id: login_id.into(),
            name: Some("Anna Berg".into()),
            preferred_username: Some("Anna.Berg@kommun.example".into()),
            email: Some("anna.berg@kommun.example".into()),
            groups: groups.map(|g| g.iter().map(|s| s.to_string()).collect()),
            level: level.map(str::to_owned),
        }
    }

    fn policy(provision: bool, roles: RoleSource) -> Policy {
        Policy { provision, roles, required_levels: vec!["stark".into()] }
    }

    fn groups() -> RoleSource {
        RoleSource::Groups(vec![
            GroupRule {
                group: "handlaggare".into(),
                roles: vec![Role::CaseWorker],
                municipalities: vec!["0117".parse().unwrap()],
                unit: Some("Mottagningen".into()),
            },
            GroupRule {
                group: "ekonomi".into(),
                roles: vec![Role::Finance],
                municipalities: vec!["0117".parse().unwrap()],
                unit: None,
            },
        ])
    }

    fn login(db: &TestDatabase, who: &Identity, policy: &Policy) -> SsoOutcome {
        db.store.with_conn(|conn| sso::login(conn, &from("10.0.0.1"), who, policy)).unwrap()
    }

    fn refusals(db: &TestDatabase) -> Vec<String> {
        db.store
            .with_conn(|conn| {
                Ok(access_log::table
                    .filter(access_log::action.eq("login_failed"))
                    .filter(access_log::record_kind.eq("sso_login"))
                    .order(access_log::id)
                    .select(access_log::record_id.assume_not_null())
                    .load::<String>(conn)?)
            })
            .unwrap()
    }

    #[test]
    fn a_begun_login_is_found_once_and_only_while_it_is_fresh() {
        let db = TestDatabase::new();
        let at = etablera_store::testing::now();
        let pending =
            Pending { state: "s".into(), nonce: "n".into(), pkce_verifier: "v".into(), next_path: "/economy".into() };
        let handle = db.store.with_conn(|conn| sso::begin(conn, at, &pending)).unwrap();
        assert_eq!(db.store.with_conn(|conn| sso::take(conn, &handle, at)).unwrap(), Some(pending.clone()));
        assert_eq!(db.store.with_conn(|conn| sso::take(conn, &handle, at)).unwrap(), None, "used once");
        let stale = db.store.with_conn(|conn| sso::begin(conn, at, &pending)).unwrap();
        let later = at + chrono::Duration::minutes(11);
        assert_eq!(db.store.with_conn(|conn| sso::take(conn, &stale, later)).unwrap(), None, "ten minutes at most");
        assert_eq!(db.store.with_conn(|conn| sso::take(conn, "no-such-handle", at)).unwrap(), None);
    }

    #[test]
    fn users_kept_in_etablera_are_matched_by_their_login_id_and_refused_when_unknown_or_disabled() {
        let db = TestDatabase::new();
        let kept = policy(false, RoleSource::Etablera);
        let anna = identity("oid-anna", None, Some("stark"));
        assert!(matches!(login(&db, &anna, &kept), SsoOutcome::Refused(Refusal::UnknownUser)));
        add_user(&db, "anna", &[Role::CaseWorker]);
        let cli = etablera_store::testing::cli();
        db.store.with_conn(|conn| sso::set_login_id(conn, &cli, "anna", Some("oid-anna"))).unwrap();
        match login(&db, &anna, &kept) {
            SsoOutcome::LoggedIn { user, .. } => assert_eq!(user.username, "anna"),
            other => panic!("{other:?}"),
        }
        add_user(&db, "berit", &[Role::Finance]);
        let taken = db.store.with_conn(|conn| sso::set_login_id(conn, &cli, "berit", Some("oid-anna")));
        assert!(taken.is_err(), "one login id, one user");
        let weak = identity("oid-anna", None, Some("svag"));
        assert!(matches!(login(&db, &weak, &kept), SsoOutcome::Refused(Refusal::Level)), "a case worker sees persons");
        db.store.with_conn(|conn| etablera_store::access::users::set_disabled(conn, &cli, "anna", true)).unwrap();
        assert!(matches!(login(&db, &anna, &kept), SsoOutcome::Refused(Refusal::Disabled)));
        assert_eq!(refusals(&db), ["unknown_user", "level", "disabled"]);
    }

    #[test]
    fn group_roles_are_given_at_the_first_login_and_set_anew_at_every_login() {
        let db = TestDatabase::new();
        let mapped = policy(true, groups());
        let nobody = identity("sub-1", Some(&["personal"]), Some("stark"));
        assert!(matches!(login(&db, &nobody, &mapped), SsoOutcome::Refused(Refusal::NoRole)));
        let count = || db.store.with_conn(etablera_store::access::users::count).unwrap();
        assert_eq!(count(), 0, "no user made for a login without a role");
        let overage = identity("sub-1", None, Some("stark"));
        assert!(matches!(login(&db, &overage, &mapped), SsoOutcome::Refused(Refusal::Groups)));

        let case_worker = identity("sub-1", Some(&["handlaggare"]), Some("stark"));
        let SsoOutcome::LoggedIn { user, .. } = login(&db, &case_worker, &mapped) else { panic!("logged in") };
        assert_eq!((user.username.as_str(), user.display_name.as_str()), ("anna.berg", "Anna Berg"));
        assert_eq!(user.roles, [Role::CaseWorker]);
        assert_eq!(user.unit.as_deref(), Some("Mottagningen"));
        assert_eq!(user.email.as_deref(), Some("anna.berg@kommun.example"));

        let moved = identity("sub-1", Some(&["ekonomi"]), None);
        let SsoOutcome::LoggedIn { user: again, .. } = login(&db, &moved, &mapped) else { panic!("logged in") };
        assert_eq!((again.id, again.roles.as_slice()), (user.id, [Role::Finance].as_slice()), "the same user");
        assert_eq!(count(), 1);
        assert_eq!(refusals(&db), ["no_role", "groups"]);
    }
}
