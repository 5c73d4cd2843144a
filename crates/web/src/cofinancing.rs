//! The co-financing area on the web: population tables, the cost calculator, apportionment
//! with its explanation, and checking a printed table. The pages and the API call the same
//! domain functions as `etablera calc`.

pub mod agreement_form;
pub mod agreements;
pub mod api;
pub mod calculator;
pub mod invoices;
pub mod own;
pub mod payments;
pub mod population;
pub mod post;
pub mod vacancies;

/// The county whose municipalities a regional coordinator works with: the county of their
/// first municipality (the coordinator of Östergötland has the 05 codes).
pub fn county_of(user: &etablera_store::access::users::User) -> Option<String> {
    user.municipalities.first().map(|m| m.municipality().county_code.to_owned())
}

/// The shared post the user coordinates: the first in their county.
pub async fn current_post(
    state: &crate::app::AppState,
    user: &etablera_store::access::users::User,
) -> crate::error::AppResult<Option<etablera_store::cofinancing::posts::Post>> {
    let county = county_of(user);
    Ok(state
        .store
        .run(move |conn| etablera_store::cofinancing::posts::list(conn, county.as_deref()))
        .await?
        .into_iter()
        .next())
}
