//! The economy: the dated reimbursement rules, costs measured against them, claims to
//! Migrationsverket, the standard reimbursements to expect, and the annual grant.

pub mod accounting;
pub mod claims;
pub mod costs;
pub mod deadlines;
pub mod grant;
pub mod rules;
pub mod standard;

use crate::access::log::RecordKind;

/// Access-log record kinds.
pub(crate) const COST: RecordKind = RecordKind::Cost;
pub(crate) const CLAIM: RecordKind = RecordKind::Claim;
