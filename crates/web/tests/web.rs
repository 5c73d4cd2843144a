//! The web layer's tests: in-process through the router, and one real server on port 0.
//! The backend comes from TEST_DATABASE_URL (SQLite when unset).

mod accounts;
mod audit;
mod cofinancing;
mod culling;
mod documents;
mod economy;
mod extract;
mod invoicing;
mod login;
mod orders;
mod pages;
mod permissions;
mod quality;
mod reception;
mod reporting;
mod review;
mod scale;
mod support;
