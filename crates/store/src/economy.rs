//! The economy: the dated reimbursement rules, costs measured against them, claims to
//! Migrationsverket, the standard reimbursements to expect, and the annual grant.

pub mod accounting;
pub mod claims;
pub mod costs;
pub mod deadlines;
pub mod grant;
pub mod rules;
pub mod standard;

/// Access-log record kinds.
pub(crate) const COST: &str = "cost";
pub(crate) const CLAIM: &str = "claim";
