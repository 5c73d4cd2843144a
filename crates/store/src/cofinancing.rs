//! Co-financing of shared posts: population tables (and, as issue 3 goes on, cost models,
//! agreements, invoices, withdrawals and vacancies).

pub mod deadlines;
pub mod invoices;
pub mod payments;
pub mod population;
pub mod posts;
pub mod seed;
pub mod vacancies;
pub mod withdrawals;
