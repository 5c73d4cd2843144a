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

use etablera_domain::economy::rules::{ClaimType, CostCategory};

use crate::i18n::Tr;

/// A cost category's name.
pub fn category_name(t: &Tr, category: CostCategory) -> String {
    t.get(&format!("cost-category-{}", category.code()))
}

/// A claim type's name.
pub fn claim_type_name(t: &Tr, claim_type: ClaimType) -> String {
    t.get(&format!("claim-type-{}", claim_type.code()))
}
