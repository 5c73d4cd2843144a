//! Shared posts (a coordinator employed by the county board, paid for by its municipalities)
//! and their cost model per year.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::cofinancing::payment::{AccountKind, Invoicing, PaymentAccount};
use etablera_domain::cofinancing::{CostModel, Percent, PostCost};
use etablera_domain::identity::OrganisationNumber;
use etablera_domain::money::Money;

use crate::access::Actor;
use crate::access::log::{Action, Record, RecordKind, append};
use crate::schema::{cost_models, shared_posts};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

#[derive(Debug, Clone)]
pub struct Post {
    pub id: i32,
    pub name: String,
    pub county_code: String,
    pub employer_name: String,
    pub employer_org_number: String,
    /// Costs for year Y are shared by the population of year Y − lag (the 2018 costs used 2017's).
    pub population_year_lag: i32,
    pub created_at: NaiveDateTime,
    /// How the employer is paid and where it is; an invoice without it cannot be sent.
    pub invoicing: Option<Invoicing>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = shared_posts)]
struct PostRow {
    id: i32,
    name: String,
    county_code: String,
    employer_name: String,
    employer_org_number: String,
    population_year_lag: i32,
    created_at: NaiveDateTime,
    payment_account_kind: Option<String>,
    payment_account: Option<String>,
    payment_bic: Option<String>,
    street: Option<String>,
    postcode: Option<String>,
    city: Option<String>,
}

impl PostRow {
    /// The post as the rest reads it; stored invoicing details that no longer pass their checks
    /// are an error, not a guess.
    fn post(self) -> Result<Post> {
        let address = crate::agreements::stored_address((self.street, self.postcode, self.city))?;
        let account = match (self.payment_account_kind, self.payment_account) {
            (Some(kind), Some(account)) => {
                let kind = AccountKind::try_from(kind)?;
                Some(
                    PaymentAccount::from_stored(kind, &account, self.payment_bic.as_deref())
                        .map_err(|m| StoreError::invalid("payment_account", m))?,
                )
            }
            _ => None,
        };
        Ok(Post {
            id: self.id,
            name: self.name,
            county_code: self.county_code,
            employer_name: self.employer_name,
            employer_org_number: self.employer_org_number,
            population_year_lag: self.population_year_lag,
            created_at: self.created_at,
            invoicing: account.zip(address).map(|(account, address)| Invoicing { account, address }),
        })
    }
}

pub struct NewPost<'a> {
    pub name: &'a str,
    pub county_code: &'a str,
    pub employer_name: &'a str,
    pub employer_org_number: &'a OrganisationNumber,
    pub population_year_lag: i32,
}

pub fn create(conn: &mut DbConn, actor: &Actor, new: &NewPost<'_>) -> Result<Post> {
    if new.name.trim().is_empty() {
        return Err(StoreError::invalid("name", Text::new("post-name-needed")));
    }
    write(conn, |conn| {
        let id: i32 = diesel::insert_into(shared_posts::table)
            .values((
                shared_posts::name.eq(new.name.trim()),
                shared_posts::county_code.eq(new.county_code),
                shared_posts::employer_name.eq(new.employer_name),
                shared_posts::employer_org_number.eq(new.employer_org_number.to_string()),
                shared_posts::population_year_lag.eq(new.population_year_lag),
                shared_posts::created_at.eq(actor.at),
            ))
            .returning(shared_posts::id)
            .get_result(conn)?;
        get(conn, id)
    })
}

pub fn get(conn: &mut DbConn, id: i32) -> Result<Post> {
    shared_posts::table
        .find(id)
        .select(PostRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?
        .post()
}

/// Sets how the post's employer is paid and where it is, for every invoice not yet sent and all
/// later ones; logged as a change of the post.
pub fn set_invoicing(conn: &mut DbConn, actor: &Actor, post_id: i32, invoicing: &Invoicing) -> Result<()> {
    let (account, bic) = invoicing.account.stored();
    write(conn, |conn| {
        get(conn, post_id)?;
        diesel::update(shared_posts::table.find(post_id))
            .set((
                shared_posts::payment_account_kind.eq(invoicing.account.kind().code()),
                shared_posts::payment_account.eq(account),
                shared_posts::payment_bic.eq(bic),
                shared_posts::street.eq(&invoicing.address.street),
                shared_posts::postcode.eq(invoicing.address.postcode.digits()),
                shared_posts::city.eq(&invoicing.address.city),
            ))
            .execute(conn)?;
        append(conn, actor, Action::Update, &Record::new(RecordKind::SharedPost, post_id))?;
        Ok(())
    })
}

pub fn list(conn: &mut DbConn, county_code: Option<&str>) -> Result<Vec<Post>> {
    let mut query = shared_posts::table.into_boxed();
    if let Some(county) = county_code {
        query = query.filter(shared_posts::county_code.eq(county.to_owned()));
    }
    let rows: Vec<PostRow> = query.order(shared_posts::id).select(PostRow::as_select()).load(conn)?;
    rows.into_iter().map(PostRow::post).collect()
}

/// A year's cost model; it stays in force for later years until a newer one is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearModel {
    pub year: i32,
    pub cost: PostCost,
    pub note: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = cost_models)]
struct ModelRow {
    year: i32,
    monthly_salary_ore: i64,
    on_cost_hundredths: i32,
    monthly_overhead_ore: i64,
    stated_yearly_ore: Option<i64>,
    note: Option<String>,
}

impl From<ModelRow> for YearModel {
    fn from(row: ModelRow) -> YearModel {
        let cost = match row.stated_yearly_ore {
            Some(yearly) => PostCost::StatedYearly(Money::from_ore(yearly)),
            None => PostCost::Parts(CostModel {
                monthly_salary: Money::from_ore(row.monthly_salary_ore),
                on_cost: Percent::from_hundredths(row.on_cost_hundredths as u32),
                monthly_overhead: Money::from_ore(row.monthly_overhead_ore),
            }),
        };
        YearModel { year: row.year, cost, note: row.note }
    }
}

/// Sets (or replaces) the model for a year.
pub fn set_cost_model(conn: &mut DbConn, post_id: i32, year: i32, cost: &PostCost, note: Option<&str>) -> Result<()> {
    let (model, stated) = match cost {
        PostCost::Parts(model) => (*model, None),
        PostCost::StatedYearly(yearly) => (
            CostModel { monthly_salary: Money::ZERO, on_cost: Percent::default(), monthly_overhead: Money::ZERO },
            Some(yearly.ore()),
        ),
    };
    write(conn, |conn| {
        get(conn, post_id)?;
        diesel::delete(cost_models::table.filter(cost_models::post_id.eq(post_id)).filter(cost_models::year.eq(year)))
            .execute(conn)?;
        diesel::insert_into(cost_models::table)
            .values((
                cost_models::post_id.eq(post_id),
                cost_models::year.eq(year),
                cost_models::monthly_salary_ore.eq(model.monthly_salary.ore()),
                cost_models::on_cost_hundredths.eq(model.on_cost.hundredths() as i32),
                cost_models::monthly_overhead_ore.eq(model.monthly_overhead.ore()),
                cost_models::stated_yearly_ore.eq(stated),
                cost_models::note.eq(note),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// The model in force in `year`: the one set for the latest year not after it.
pub fn cost_model_for(conn: &mut DbConn, post_id: i32, year: i32) -> Result<Option<YearModel>> {
    let row: Option<ModelRow> = cost_models::table
        .filter(cost_models::post_id.eq(post_id))
        .filter(cost_models::year.le(year))
        .order(cost_models::year.desc())
        .select(ModelRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(YearModel::from))
}

pub fn cost_models(conn: &mut DbConn, post_id: i32) -> Result<Vec<YearModel>> {
    let rows: Vec<ModelRow> = cost_models::table
        .filter(cost_models::post_id.eq(post_id))
        .order(cost_models::year)
        .select(ModelRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(YearModel::from).collect())
}
