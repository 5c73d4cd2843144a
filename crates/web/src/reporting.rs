//! The committee's reports on the web: the unit manager's month (the figures as the casework
//! stands, the follow-up, the trend, signing), the signed reports as the committee reads them,
//! and their documents (PDF, XLSX, CSV), which the command line makes the same way.

pub mod charts;
pub mod closings;
pub mod document;
pub mod monthly;
pub mod serious;
pub mod signed;

use etablera_domain::access::Permission;
use etablera_store::access::users::User;

/// Whether the user sees exact counts: the roles that work with the cases or the money inside
/// the administration. Everyone else (the committee) sees the public version.
pub fn sees_exact_counts(user: &User) -> bool {
    user.can(Permission::ReadCases) || user.can(Permission::ManageEconomy)
}
