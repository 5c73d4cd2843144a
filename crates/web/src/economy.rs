//! The economy on the web: costs measured against the rules as they are entered, claims to
//! Migrationsverket with their files, the standard reimbursements to expect, the annual grant,
//! the rules table for the administrator, and the API.

pub mod api;
pub mod claims;
pub mod costs;
pub mod grant;
pub mod rules;
pub mod sie;
pub mod standard;

use crate::i18n::Tr;

/// A cost category's or claim type's name.
pub fn category_name(t: &Tr, code: &str) -> String {
    t.get(&format!("cost-category-{code}"))
}

pub fn claim_type_name(t: &Tr, code: &str) -> String {
    t.get(&format!("claim-type-{code}"))
}
