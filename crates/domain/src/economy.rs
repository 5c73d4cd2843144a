//! Costs, reimbursement rules and claims, the annual grant: the rules of issue 5 that need no
//! database. The rules themselves are dated data (a table an administrator edits); this module
//! applies them.

pub mod accounting;
pub mod claims;
pub mod costs;
pub mod eligibility;
pub mod gaps;
pub mod grant;
pub mod rules;
pub mod standard;
