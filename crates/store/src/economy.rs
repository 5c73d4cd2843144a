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

/// A year a grant or a price base amount may be recorded for.
pub(crate) fn check_year(year: i32) -> crate::Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(crate::StoreError::invalid("year", "Skriv ett år mellan 2000 och 2100."))
    }
}
