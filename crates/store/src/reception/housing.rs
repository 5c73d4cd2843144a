//! A household's temporary home: the contract, the checklist, damages and moving out.

use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::ids::HousingId;
use etablera_domain::money::Money;
use etablera_domain::reception::housing::{ChecklistItem, Damage, HousingDetails, MoveOut};

use super::households::HOUSEHOLD;
use crate::access::Actor;
use crate::access::log::{Action, Record, append};
use crate::access::{Scope, in_scope};
use crate::paging::{Page, Paging};
use crate::schema::{households, housing_damages, temporary_housings};
use crate::{DbConn, Result, StoreError, write};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = temporary_housings)]
pub struct Housing {
    #[diesel(deserialize_as = i32)]
    pub id: HousingId,
    pub household_id: i32,
    pub address: String,
    pub landlord: Option<String>,
    pub contract_start: NaiveDate,
    pub contract_end: NaiveDate,
    pub rent_ore: Option<i64>,
    pub has_beds: bool,
    pub has_bedding: bool,
    pub has_table: bool,
    pub has_chairs: bool,
    pub has_cooking: bool,
    pub has_food: bool,
    pub notice_date: Option<NaiveDate>,
    pub keys_returned_on: Option<NaiveDate>,
    pub inspection_on: Option<NaiveDate>,
    pub inspection_result: Option<String>,
    pub version: i32,
}

impl Housing {
    pub fn checklist(&self) -> Vec<ChecklistItem> {
        use ChecklistItem::*;
        [
            (Beds, self.has_beds),
            (Bedding, self.has_bedding),
            (Table, self.has_table),
            (Chairs, self.has_chairs),
            (Cooking, self.has_cooking),
            (Food, self.has_food),
        ]
        .into_iter()
        .filter_map(|(item, done)| done.then_some(item))
        .collect()
    }

    pub fn rent(&self) -> Option<Money> {
        self.rent_ore.map(Money::from_ore)
    }

    pub fn move_out(&self) -> MoveOut {
        MoveOut {
            notice_date: self.notice_date,
            keys_returned_on: self.keys_returned_on,
            inspection_on: self.inspection_on,
            inspection_result: self.inspection_result.clone(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = housing_damages)]
pub struct DamageRow {
    pub id: i32,
    #[diesel(deserialize_as = i32)]
    pub housing_id: HousingId,
    pub damage_date: NaiveDate,
    pub description: String,
    pub cost_ore: i64,
    pub tenant_pays: bool,
}

/// The contract's columns, written the same way by insert and update. `None` clears a column.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = temporary_housings, treat_none_as_null = true)]
struct Contract<'a> {
    address: &'a str,
    landlord: Option<&'a str>,
    contract_start: NaiveDate,
    contract_end: NaiveDate,
    rent_ore: Option<i64>,
    has_beds: bool,
    has_bedding: bool,
    has_table: bool,
    has_chairs: bool,
    has_cooking: bool,
    has_food: bool,
}

impl<'a> Contract<'a> {
    fn of(d: &'a HousingDetails) -> Contract<'a> {
        let has = |item| d.checklist.contains(&item);
        Contract {
            address: &d.address,
            landlord: d.landlord.as_deref(),
            contract_start: d.contract_start,
            contract_end: d.contract_end,
            rent_ore: d.rent.map(Money::ore),
            has_beds: has(ChecklistItem::Beds),
            has_bedding: has(ChecklistItem::Bedding),
            has_table: has(ChecklistItem::Table),
            has_chairs: has(ChecklistItem::Chairs),
            has_cooking: has(ChecklistItem::Cooking),
            has_food: has(ChecklistItem::Food),
        }
    }
}

/// The move-out routine's columns.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = temporary_housings, treat_none_as_null = true)]
struct MoveOutRow<'a> {
    notice_date: Option<NaiveDate>,
    keys_returned_on: Option<NaiveDate>,
    inspection_on: Option<NaiveDate>,
    inspection_result: Option<&'a str>,
}

impl<'a> MoveOutRow<'a> {
    fn of(m: &'a MoveOut) -> MoveOutRow<'a> {
        MoveOutRow {
            notice_date: m.notice_date,
            keys_returned_on: m.keys_returned_on,
            inspection_on: m.inspection_on,
            inspection_result: m.inspection_result.as_deref(),
        }
    }
}

/// Adds a temporary home to a household (a household that moves gets a new one).
pub fn add(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    household_id: i32,
    details: HousingDetails,
) -> Result<HousingId> {
    let details = details.check()?;
    write(conn, |conn| {
        let code = scope.household(conn, household_id)?;
        let id = insert(conn, actor, household_id, &code, &details, &MoveOut::default())?;
        crate::reporting::kept::changed(conn, &code)?;
        append(conn, actor, Action::Create, &Record::new(HOUSEHOLD, household_id).in_municipality(&code))?;
        Ok(id)
    })
}

pub(crate) fn insert(
    conn: &mut DbConn,
    actor: &Actor,
    household_id: i32,
    municipality_code: &str,
    d: &HousingDetails,
    m: &MoveOut,
) -> Result<HousingId> {
    let id: i32 = diesel::insert_into(temporary_housings::table)
        .values((
            temporary_housings::household_id.eq(household_id),
            temporary_housings::municipality_code.eq(municipality_code),
            Contract::of(d),
            MoveOutRow::of(m),
            temporary_housings::created_at.eq(actor.at),
            temporary_housings::created_by.eq(actor.user_id),
        ))
        .returning(temporary_housings::id)
        .get_result(conn)?;
    Ok(HousingId::new(id))
}

/// The home's household when it is in scope.
pub(crate) fn scoped(conn: &mut DbConn, scope: &Scope, housing_id: HousingId) -> Result<(i32, String)> {
    let household_id: i32 = temporary_housings::table
        .find(housing_id.get())
        .select(temporary_housings::household_id)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    Ok((household_id, scope.household(conn, household_id)?))
}

/// Changes the contract and the checklist; a stale `version` is refused.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    housing_id: HousingId,
    details: HousingDetails,
    version: i32,
) -> Result<()> {
    let d = details.check()?;
    write(conn, |conn| {
        let (household_id, code) = scoped(conn, scope, housing_id)?;
        let changed = diesel::update(
            temporary_housings::table.find(housing_id.get()).filter(temporary_housings::version.eq(version)),
        )
        .set((Contract::of(&d), temporary_housings::version.eq(temporary_housings::version + 1)))
        .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::Stale);
        }
        append(conn, actor, Action::Update, &Record::new(HOUSEHOLD, household_id).in_municipality(&code))
    })
}

/// Records the move-out routine's steps; a stale `version` is refused.
pub fn record_move_out(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    housing_id: HousingId,
    m: MoveOut,
    version: i32,
) -> Result<()> {
    let m = m.check()?;
    write(conn, |conn| {
        let (household_id, code) = scoped(conn, scope, housing_id)?;
        let changed = diesel::update(
            temporary_housings::table.find(housing_id.get()).filter(temporary_housings::version.eq(version)),
        )
        .set((MoveOutRow::of(&m), temporary_housings::version.eq(temporary_housings::version + 1)))
        .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::Stale);
        }
        append(conn, actor, Action::Update, &Record::new(HOUSEHOLD, household_id).in_municipality(&code))
    })
}

/// Records a damage to the home.
pub fn add_damage(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    housing_id: HousingId,
    damage: Damage,
) -> Result<i32> {
    write(conn, |conn| {
        let (household_id, code) = scoped(conn, scope, housing_id)?;
        let start: NaiveDate =
            temporary_housings::table.find(housing_id.get()).select(temporary_housings::contract_start).first(conn)?;
        let damage = damage.check(start)?;
        let id = insert_damage(conn, actor, housing_id, &damage)?;
        crate::reporting::kept::changed(conn, &code)?;
        append(conn, actor, Action::Update, &Record::new(HOUSEHOLD, household_id).in_municipality(&code))?;
        Ok(id)
    })
}

pub(crate) fn insert_damage(conn: &mut DbConn, actor: &Actor, housing_id: HousingId, d: &Damage) -> Result<i32> {
    Ok(diesel::insert_into(housing_damages::table)
        .values((
            housing_damages::housing_id.eq(housing_id.get()),
            housing_damages::damage_date.eq(d.date),
            housing_damages::description.eq(&d.description),
            housing_damages::cost_ore.eq(d.cost.ore()),
            housing_damages::tenant_pays.eq(d.tenant_pays),
            housing_damages::recorded_at.eq(actor.at),
            housing_damages::recorded_by.eq(actor.user_id),
        ))
        .returning(housing_damages::id)
        .get_result(conn)?)
}

/// A household's homes, newest first, with their damages.
pub(crate) fn of_household(conn: &mut DbConn, household_id: i32) -> Result<Vec<(Housing, Vec<DamageRow>)>> {
    let homes: Vec<Housing> = temporary_housings::table
        .filter(temporary_housings::household_id.eq(household_id))
        .order((temporary_housings::contract_start.desc(), temporary_housings::id.desc()))
        .select(Housing::as_select())
        .load(conn)?;
    let ids: Vec<i32> = homes.iter().map(|h| h.id.get()).collect();
    let damages: Vec<DamageRow> = housing_damages::table
        .filter(housing_damages::housing_id.eq_any(&ids))
        .order((housing_damages::damage_date, housing_damages::id))
        .select(DamageRow::as_select())
        .load(conn)?;
    Ok(homes
        .into_iter()
        .map(|h| {
            let own = damages.iter().filter(|d| d.housing_id == h.id).cloned().collect();
            (h, own)
        })
        .collect())
}

/// A contract ending soon, for the start pages: no address, only the household and the date.
#[derive(Debug, Clone)]
pub struct Ending {
    pub household_id: i32,
    pub household_label: String,
    pub contract_end: NaiveDate,
}

/// Contracts in scope that end within `days` of `today` and whose keys are not yet returned,
/// the soonest first: a page of them and how many there are.
pub fn ending_within(
    conn: &mut DbConn,
    scope: &Scope,
    today: NaiveDate,
    days: i64,
    paging: Paging,
) -> Result<Page<Ending>> {
    // Joined to the households in scope, not bound as their ids; the home's own municipality
    // lets its index find the municipality's homes by date.
    let ending = || {
        let mut query = in_scope!(temporary_housings::table.inner_join(households::table).into_boxed(), scope);
        if let Some(codes) = scope.municipalities.clone() {
            query = crate::access::among!(query, temporary_housings::municipality_code, codes);
        }
        query
            .filter(temporary_housings::keys_returned_on.is_null())
            .filter(temporary_housings::contract_end.ge(today))
            .filter(temporary_housings::contract_end.le(today + chrono::Duration::days(days)))
    };
    let total: i64 = ending().count().get_result(conn)?;
    let rows: Vec<(i32, Option<String>, NaiveDate)> = ending()
        .order((temporary_housings::contract_end, temporary_housings::id))
        .limit(paging.limit())
        .offset(paging.offset())
        .select((temporary_housings::household_id, households::reference, temporary_housings::contract_end))
        .load(conn)?;
    let rows = rows
        .into_iter()
        .map(|(household_id, reference, contract_end)| Ending {
            household_id,
            household_label: super::households::label(household_id, reference.as_deref()),
            contract_end,
        })
        .collect();
    Ok(Page { rows, total: u64::try_from(total).unwrap_or_default(), paging })
}
