use std::fmt;

crate::coded! {
    /// The roles of DOMAIN.md. A user may hold several.
    pub enum Role {
        Admin = "admin",
        CaseWorker = "case_worker",
        UnitManager = "unit_manager",
        Finance = "finance",
        Committee = "committee",
        RegionalCoordinator = "regional_coordinator",
        AgreementContact = "agreement_contact",
        Auditor = "auditor",
    }
}

crate::coded! {
    /// What a handler, a store function or a command may require. Each permission is granted to
    /// roles in one place, [`Role::permissions`].
    pub enum Permission {
        /// Create users, disable them, set passwords and grant roles.
        ManageUsers = "manage_users",
        /// Edit the dated rules tables (reimbursement amounts, activity catalogue).
        ManageRules = "manage_rules",
        /// Read the access log and export it for the monthly log review.
        ReadAccessLog = "read_access_log",
        /// Read households, persons, plans and case notes in one's municipalities.
        ReadCases = "read_cases",
        /// Register and change households, persons, plans and case notes.
        WriteCases = "write_cases",
        /// See a protected person's address.
        ReadProtectedAddress = "read_protected_address",
        /// Follow up deadlines and caseload; sign off monthly reports.
        ManageUnit = "manage_unit",
        /// Costs, reimbursement claims, the annual grant.
        ManageEconomy = "manage_economy",
        /// Aggregated, signed reports and the order's obligations; never a person.
        ReadAggregateReports = "read_aggregate_reports",
        /// Run the co-financing: cost models, apportionment, agreements, invoices.
        ManageCofinancing = "manage_cofinancing",
        /// See one's own municipality's agreement, invoices and refunds.
        ReadOwnAgreement = "read_own_agreement",
        /// See which records are due for culling (by number, never by name) and cull them.
        CullRecords = "cull_records",
        /// Review a month's reads of personal data in the access log, and sign the review.
        ReviewAccessLog = "review_access_log",
    }
}

impl Role {
    /// The one table of who may do what.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Admin => &[ManageUsers, ManageRules, CullRecords],
            Role::CaseWorker => &[ReadCases, WriteCases],
            Role::UnitManager => &[ReadCases, WriteCases, ManageUnit, ReadAggregateReports, ReviewAccessLog],
            Role::Finance => &[ManageEconomy, ReadAggregateReports],
            Role::Committee => &[ReadAggregateReports],
            Role::RegionalCoordinator => &[ManageCofinancing],
            Role::AgreementContact => &[ReadOwnAgreement],
            Role::Auditor => &[ReadAccessLog, ReviewAccessLog],
        }
    }

    pub fn has(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

impl Permission {
    /// Permissions an administrator grants to one person on top of their roles, because the
    /// need is personal rather than part of a role.
    pub const PERSONAL: [Permission; 1] = [Permission::ReadProtectedAddress];

    /// A permission granted per person, as typed: only those in [`Permission::PERSONAL`]; the
    /// rest come with roles.
    pub fn personal(code: &str) -> Result<Permission, NotPersonal> {
        Permission::from_code(code.trim())
            .filter(|p| Permission::PERSONAL.contains(p))
            .ok_or_else(|| NotPersonal(code.to_owned()))
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

impl Role {
    /// A role as typed (surrounding spaces ignored), or what is wrong with it.
    pub fn parse(code: &str) -> Result<Role, UnknownRole> {
        Role::from_code(code.trim()).ok_or_else(|| UnknownRole(code.to_owned()))
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
        for role in Role::ALL.iter().copied() {
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
        for role in Role::ALL.iter().copied() {
            assert_eq!(role.has(Permission::ReadAccessLog), role == Role::Auditor);
            assert_eq!(role.has(Permission::ManageUsers), role == Role::Admin);
        }
    }

    #[test]
    fn protected_addresses_are_granted_to_no_role_by_default() {
        // Need for it is decided per person by an administrator, not by role.
        assert!(!Permission::ReadProtectedAddress.granted_by(Role::ALL));
    }
}
