//! Single sign-on through the municipality's OpenID provider: which claim names a user, how a
//! provider's groups give roles, and the rules a login through the provider must pass. The
//! protocol (discovery, PKCE, the ID token's signature, issuer, audience, expiry and nonce) is
//! the `openidconnect` crate's, in the web layer; what is decided about the person is here.

use super::roles::{Permission, Role};
use crate::municipality::MunicipalityCode;

crate::coded! {
    /// The claim of the ID token that names the user, matched against the user's login id at
    /// the provider (`sso_id`).
    pub enum UserClaim {
        /// The provider's subject: stable, never reused (Keycloak's user id; pairwise in Entra).
        Sub = "sub",
        /// Entra ID's object id: the same in every application of the tenant.
        Oid = "oid",
        Email = "email",
        PreferredUsername = "preferred_username",
    }
}

crate::coded! {
    /// Why a login through the provider was refused: the access log's record of the refusal.
    pub enum Refusal {
        /// No login was begun in this browser, it is too old, or its state does not match.
        State = "state",
        /// The provider answered with an error (the user cancelled, or it refused).
        Provider = "provider",
        /// The code could not be exchanged for tokens.
        Exchange = "exchange",
        /// The ID token's signature does not verify against the provider's keys.
        Signature = "signature",
        /// The ID token has expired (or was issued in the future).
        Expired = "expired",
        /// The ID token is not for this client.
        Audience = "audience",
        /// The ID token is from another issuer.
        Issuer = "issuer",
        /// The ID token's nonce is not this login's.
        Nonce = "nonce",
        /// The ID token is otherwise not acceptable.
        Token = "token",
        /// The ID token lacks the claim that names the user.
        Claim = "claim",
        /// No user has this login id, and provisioning is off.
        UnknownUser = "unknown_user",
        /// The user is disabled in Etablera.
        Disabled = "disabled",
        /// The user has no role (in Etablera, or from the provider's groups).
        NoRole = "no_role",
        /// The user's roles see protected identities and the login's authentication level is
        /// not one of those required.
        Level = "level",
        /// The provider's groups claim was cut short (Entra's "overage"): the roles cannot be
        /// known.
        Groups = "groups",
    }
}

/// Where a user's roles come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleSource {
    /// Kept in Etablera, by its administrator; the provider only says who the user is.
    Etablera,
    /// From the provider's group claim, by the table; set anew at every login.
    Groups(Vec<GroupRule>),
}

/// One row of the group table: members of the group get these roles, municipalities and unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRule {
    pub group: String,
    pub roles: Vec<Role>,
    pub municipalities: Vec<MunicipalityCode>,
    pub unit: Option<String>,
}

/// What the group table gives a member of these groups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Granted {
    pub roles: Vec<Role>,
    pub municipalities: Vec<MunicipalityCode>,
    /// The first unit a matching row names.
    pub unit: Option<String>,
}

/// The union of the rows whose group the user is a member of, in the table's order.
pub fn granted(rules: &[GroupRule], groups: &[String]) -> Granted {
    let mut out = Granted::default();
    for rule in rules.iter().filter(|r| groups.iter().any(|g| g == &r.group)) {
        for role in &rule.roles {
            if !out.roles.contains(role) {
                out.roles.push(*role);
            }
        }
        for code in &rule.municipalities {
            if !out.municipalities.contains(code) {
                out.municipalities.push(code.clone());
            }
        }
        if out.unit.is_none() {
            out.unit.clone_from(&rule.unit);
        }
    }
    out
}

/// Whether these roles see persons, among them persons with protected identity: the logins
/// that a required authentication level applies to.
pub fn sees_protected_identities(roles: &[Role]) -> bool {
    Permission::ReadCases.granted_by(roles)
}

/// The authentication level rule: when levels are required, a user whose roles see protected
/// identities must have logged in at one of them (the ID token's `acr`).
pub fn level_accepted(required: &[String], roles: &[Role], acr: Option<&str>) -> bool {
    required.is_empty() || !sees_protected_identities(roles) || acr.is_some_and(|a| required.iter().any(|r| r == a))
}

/// A user name for a user the provider's login creates: the preferred user name or the e-mail
/// address (their part before `@`), else the login id, lower-case, kept to what a user name may
/// hold ([`super::check_username`]). The store adds a number when it is taken.
pub fn username_for(preferred: Option<&str>, email: Option<&str>, login_id: &str) -> String {
    let plain = |text: &str| -> String {
        let local = text.trim().split('@').next().unwrap_or_default().to_lowercase();
        local.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).take(56).collect()
    };
    [preferred, email, Some(login_id)]
        .into_iter()
        .flatten()
        .map(plain)
        .find(|name| name.len() >= 2)
        .unwrap_or_else(|| format!("sso-{}", login_id.bytes().take(8).map(|b| format!("{b:02x}")).collect::<String>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(group: &str, roles: &[Role], municipalities: &[&str], unit: Option<&str>) -> GroupRule {
        GroupRule {
            group: group.into(),
            roles: roles.to_vec(),
            municipalities: municipalities.iter().map(|m| m.parse().unwrap()).collect(),
            unit: unit.map(str::to_owned),
        }
    }

    #[test]
    fn the_groups_a_user_is_in_give_the_union_of_their_rows() {
        let rules = [
            rule("etablera-handlaggare", &[Role::CaseWorker], &["0117"], Some("Mottagningsenheten")),
            rule("etablera-chefer", &[Role::UnitManager, Role::CaseWorker], &["0117", "0180"], Some("Ledningen")),
            rule("ekonomi", &[Role::Finance], &["0117"], None),
        ];
        let groups = vec!["ekonomi".to_owned(), "etablera-chefer".to_owned(), "etablera-handlaggare".to_owned()];
        let got = granted(&rules, &groups);
        assert_eq!(got.roles, vec![Role::CaseWorker, Role::UnitManager, Role::Finance]);
        assert_eq!(got.municipalities.iter().map(|m| m.as_str()).collect::<Vec<_>>(), ["0117", "0180"]);
        assert_eq!(got.unit.as_deref(), Some("Mottagningsenheten"), "the first row's unit");
        assert_eq!(granted(&rules, &["annat".to_owned()]), Granted::default());
        assert_eq!(granted(&rules, &[]), Granted::default());
    }

    #[test]
    fn a_required_level_applies_to_roles_that_see_persons() {
        let required = vec!["urn:se:mfa".to_owned()];
        assert!(level_accepted(&required, &[Role::CaseWorker], Some("urn:se:mfa")));
        assert!(!level_accepted(&required, &[Role::CaseWorker], Some("urn:se:password")));
        assert!(!level_accepted(&required, &[Role::UnitManager], None));
        assert!(level_accepted(&required, &[Role::Finance, Role::Committee], None), "they see no person");
        assert!(level_accepted(&[], &[Role::CaseWorker], None), "nothing required");
    }

    #[test]
    fn a_provisioned_user_name_is_plain() {
        for (preferred, email, id, expected) in [
            (Some("Anna.Berg@Kommun.se"), None, "x", "anna.berg"),
            (None, Some("ola@kommun.se"), "x", "ola"),
            (Some("  Åsa Öberg "), None, "x", "saberg"),
            (Some("Ö"), Some("Å@kommun.se"), "248289761001", "248289761001"),
            (None, None, "ÅÄ", "sso-c385c384"),
        ] {
            let name = username_for(preferred, email, id);
            assert_eq!(name, expected);
            assert!(crate::access::check_username(&name).is_ok(), "{name}");
        }
    }
}
