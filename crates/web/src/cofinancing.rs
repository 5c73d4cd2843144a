//! The co-financing area on the web: population tables, the cost calculator, apportionment
//! with its explanation, and checking a printed table. The pages and the API call the same
//! domain functions as `etablera calc`.

pub mod api;
pub mod calculator;
pub mod population;

/// The county whose municipalities a regional coordinator works with: the county of their
/// first municipality (the coordinator of Östergötland has the 05 codes).
pub fn county_of(user: &etablera_store::access::users::User) -> Option<String> {
    user.municipalities.first().map(|m| m.municipality().county_code.to_owned())
}
