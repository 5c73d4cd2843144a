use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The roles of DOMAIN.md. A user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    CaseWorker,
    UnitManager,
    Finance,
    Committee,
    RegionalCoordinator,
    AgreementContact,
    Auditor,
}

/// What a handler, a store function or a command may require. Each permission is granted to
/// roles in one place, [`Role::permissions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Create users, disable them, set passwords and grant roles.
    ManageUsers,
    /// Edit the dated rules tables (reimbursement amounts, activity catalogue).
    ManageRules,
    /// Read the access log and export it for the monthly log review.
    ReadAccessLog,
    /// Read households, persons, plans and case notes in one's municipalities.
    ReadCases,
    /// Register and change households, persons, plans and case notes.
    WriteCases,
    /// See a protected person's address.
    ReadProtectedAddress,
    /// Follow up deadlines and caseload; sign off monthly reports.
    ManageUnit,
    /// Costs, reimbursement claims, the annual grant.
    ManageEconomy,
    /// Aggregated, signed reports and the order's obligations; never a person.
    ReadAggregateReports,
    /// Run the co-financing: cost models, apportionment, agreements, invoices.
    ManageCofinancing,
    /// See one's own municipality's agreement, invoices and refunds.
    ReadOwnAgreement,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::CaseWorker,
        Role::UnitManager,
        Role::Finance,
        Role::Committee,
        Role::RegionalCoordinator,
        Role::AgreementContact,
        Role::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CaseWorker => "case_worker",
            Role::UnitManager => "unit_manager",
            Role::Finance => "finance",
            Role::Committee => "committee",
            Role::RegionalCoordinator => "regional_coordinator",
            Role::AgreementContact => "agreement_contact",
            Role::Auditor => "auditor",
        }
    }

    /// The one table of who may do what.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Admin => &[ManageUsers, ManageRules],
            Role::CaseWorker => &[ReadCases, WriteCases],
            Role::UnitManager => &[ReadCases, WriteCases, ManageUnit, ReadAggregateReports],
            Role::Finance => &[ManageEconomy, ReadAggregateReports],
            Role::Committee => &[ReadAggregateReports],
            Role::RegionalCoordinator => &[ManageCofinancing],
            Role::AgreementContact => &[ReadOwnAgreement],
            Role::Auditor => &[ReadAccessLog],
        }
    }

    pub fn has(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

impl Permission {
    pub const ALL: [Permission; 11] = [
        Permission::ManageUsers,
        Permission::ManageRules,
        Permission::ReadAccessLog,
        Permission::ReadCases,
        Permission::WriteCases,
        Permission::ReadProtectedAddress,
        Permission::ManageUnit,
        Permission::ManageEconomy,
        Permission::ReadAggregateReports,
        Permission::ManageCofinancing,
        Permission::ReadOwnAgreement,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Permission::ManageUsers => "manage_users",
            Permission::ManageRules => "manage_rules",
            Permission::ReadAccessLog => "read_access_log",
            Permission::ReadCases => "read_cases",
            Permission::WriteCases => "write_cases",
            Permission::ReadProtectedAddress => "read_protected_address",
            Permission::ManageUnit => "manage_unit",
            Permission::ManageEconomy => "manage_economy",
            Permission::ReadAggregateReports => "read_aggregate_reports",
            Permission::ManageCofinancing => "manage_cofinancing",
            Permission::ReadOwnAgreement => "read_own_agreement",
        }
    }

    /// Permissions an administrator grants to one person on top of their roles, because the
    /// need is personal rather than part of a role.
    pub const PERSONAL: [Permission; 1] = [Permission::ReadProtectedAddress];

    pub fn from_code(code: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.code() == code.trim())
    }

    /// True when any of the roles grants it.
    pub fn granted_by(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| r.has(self))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}")]
pub struct UnknownRole(pub String);

impl UnknownRole {
    /// What to tell a person, as a phrase: the roles there are.
    pub fn text(&self) -> crate::text::Text {
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        crate::text::Text::new("role-unknown").with("role", &self.0).with("roles", roles.join(", "))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the permission {0:?} is not granted per person")]
pub struct NotPersonal(pub String);

impl NotPersonal {
    /// What to tell a person, as a phrase: the permissions that are granted per person.
    pub fn text(&self) -> crate::text::Text {
        let personal: Vec<&str> = Permission::PERSONAL.iter().map(|p| p.code()).collect();
        crate::text::Text::new("permission-not-personal")
            .with("permission", &self.0)
            .with("personal", personal.join(", "))
    }
}

impl FromStr for Permission {
    type Err = NotPersonal;
    /// Only the permissions in [`Permission::PERSONAL`] parse: the rest come with roles.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Permission::from_code(s).filter(|p| Permission::PERSONAL.contains(p)).ok_or_else(|| NotPersonal(s.to_owned()))
    }
}

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.code() == s.trim()).ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.code().parse::<Role>().unwrap(), role);
        }
        assert!("chef".parse::<Role>().is_err());
    }

    #[test]
    fn the_committee_sees_aggregates_only() {
        let committee = [Role::Committee];
        assert!(Permission::ReadAggregateReports.granted_by(&committee));
        assert!(!Permission::ReadCases.granted_by(&committee));
        assert!(!Permission::ReadAccessLog.granted_by(&committee));
    }

    #[test]
    fn only_the_auditor_reads_the_access_log_and_only_the_admin_manages_users() {
        for role in Role::ALL {
            assert_eq!(role.has(Permission::ReadAccessLog), role == Role::Auditor);
            assert_eq!(role.has(Permission::ManageUsers), role == Role::Admin);
        }
    }

    #[test]
    fn protected_addresses_are_granted_to_no_role_by_default() {
        // Need for it is decided per person by an administrator, not by role.
        assert!(!Permission::ReadProtectedAddress.granted_by(&Role::ALL));
    }
}
