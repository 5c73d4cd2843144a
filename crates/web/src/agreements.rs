//! The committee's order on the web: registering it, its obligations and where each stands,
//! the executor's staffing and caseload per post. (The co-financing agreements are in
//! `cofinancing`, on the same store model.)

pub mod orders;
