//! The reimbursement rules table and the price base amounts: read as domain rules, edited by an
//! administrator with every earlier revision kept.

use crate::access::log::RecordKind;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::economy::rules::{
    Cap, CapKind, CapRule, ClaimType, CostCategory, Deadline, DeadlineKind, DeadlineRule, PriceBase, Rule, RuleError,
    RuleTerms, Share, check_overlaps,
};
use etablera_domain::money::Money;

use crate::access::Actor;
use crate::access::log::{Action, Record, append};
use crate::codes::NullableCode;
use crate::schema::{
    price_base_amount_revisions, price_base_amounts, reimbursement_rule_revisions, reimbursement_rules,
};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

const RULE: RecordKind = RecordKind::ReimbursementRule;
const PRICE_BASE: RecordKind = RecordKind::PriceBaseAmount;

/// A row of the table as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = reimbursement_rules)]
pub struct RuleRow {
    pub id: i32,
    #[diesel(deserialize_as = String)]
    pub claim_type: ClaimType,
    #[diesel(deserialize_as = NullableCode)]
    pub category: Option<CostCategory>,
    pub covers: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    #[diesel(deserialize_as = String)]
    pub cap_kind: CapKind,
    pub cap_per_person_ore: Option<i64>,
    pub cap_per_household_ore: Option<i64>,
    pub cap_per_extra_member_ore: Option<i64>,
    pub cap_per_day_ore: Option<i64>,
    pub age_from: Option<i32>,
    pub age_to: Option<i32>,
    pub amount_ore: Option<i64>,
    pub price_base_share_bp: Option<i32>,
    #[diesel(deserialize_as = String)]
    pub deadline_kind: DeadlineKind,
    pub deadline_months: Option<i32>,
    pub source: String,
    pub revision: i32,
    pub changed_at: NaiveDateTime,
    pub changed_by: Option<i32>,
}

/// A row's columns as written, its codes as their text.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = reimbursement_rules, treat_none_as_null = true)]
struct Stored<'a> {
    claim_type: &'a str,
    category: Option<&'a str>,
    covers: &'a str,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    cap_kind: &'a str,
    cap_per_person_ore: Option<i64>,
    cap_per_household_ore: Option<i64>,
    cap_per_extra_member_ore: Option<i64>,
    cap_per_day_ore: Option<i64>,
    age_from: Option<i32>,
    age_to: Option<i32>,
    amount_ore: Option<i64>,
    price_base_share_bp: Option<i32>,
    deadline_kind: &'a str,
    deadline_months: Option<i32>,
    source: &'a str,
    revision: i32,
    changed_at: NaiveDateTime,
    changed_by: Option<i32>,
}

impl RuleRow {
    /// The row with the values an administrator typed; its claim type and category stay.
    pub fn with(self, terms: RuleTerms) -> RuleRow {
        let ore = |m: Option<Money>| m.map(|m| m.ore());
        let whole = |n: Option<u32>| n.map(|n| n as i32);
        RuleRow {
            covers: terms.covers,
            valid_from: terms.valid_from,
            valid_to: terms.valid_to,
            cap_kind: terms.cap_kind,
            cap_per_person_ore: ore(terms.cap_per_person),
            cap_per_household_ore: ore(terms.cap_per_household),
            cap_per_extra_member_ore: ore(terms.cap_per_extra_member),
            cap_per_day_ore: ore(terms.cap_per_day),
            age_from: whole(terms.age_from),
            age_to: whole(terms.age_to),
            amount_ore: ore(terms.amount),
            price_base_share_bp: terms.share_bp,
            deadline_kind: terms.deadline_kind,
            deadline_months: whole(terms.deadline_months),
            source: terms.source,
            ..self
        }
    }

    /// The columns as written.
    fn stored(&self) -> Stored<'_> {
        Stored {
            claim_type: self.claim_type.code(),
            category: self.category.map(CostCategory::code),
            covers: &self.covers,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            cap_kind: self.cap_kind.code(),
            cap_per_person_ore: self.cap_per_person_ore,
            cap_per_household_ore: self.cap_per_household_ore,
            cap_per_extra_member_ore: self.cap_per_extra_member_ore,
            cap_per_day_ore: self.cap_per_day_ore,
            age_from: self.age_from,
            age_to: self.age_to,
            amount_ore: self.amount_ore,
            price_base_share_bp: self.price_base_share_bp,
            deadline_kind: self.deadline_kind.code(),
            deadline_months: self.deadline_months,
            source: &self.source,
            revision: self.revision,
            changed_at: self.changed_at,
            changed_by: self.changed_by,
        }
    }

    /// The row as the domain reads it. A row the migrations and the edit form could not have
    /// written (an unknown code, read as an error already; negative months) is an error, not a
    /// guess.
    pub fn rule(&self) -> Result<Rule> {
        let bad = |what: &str| {
            StoreError::invalid("rule", Text::new("rule-unknown-value").with("id", self.id).with("column", what))
        };
        let money = |ore: Option<i64>| ore.map(Money::from_ore);
        let cap = match self.cap_kind {
            CapKind::None => CapRule::Uncapped,
            CapKind::Missing => CapRule::Missing,
            CapKind::PerPerson => {
                money(self.cap_per_person_ore).map_or(CapRule::Missing, |m| CapRule::Capped(Cap::PerPerson(m)))
            }
            CapKind::PerDay => {
                money(self.cap_per_day_ore).map_or(CapRule::Missing, |m| CapRule::Capped(Cap::PerDay(m)))
            }
            CapKind::PerHousehold => match (money(self.cap_per_household_ore), money(self.cap_per_extra_member_ore)) {
                (Some(first), Some(per_extra_member)) => CapRule::Capped(Cap::PerHousehold { first, per_extra_member }),
                _ => CapRule::Missing,
            },
        };
        let deadline = match (self.deadline_kind, self.deadline_months) {
            (DeadlineKind::NoApplication, _) => DeadlineRule::NoApplication,
            (DeadlineKind::Missing, _) | (_, None) => DeadlineRule::Missing,
            (kind, Some(m)) => DeadlineRule::Due(
                Deadline::from_kind(kind, u32::try_from(m).map_err(|_| bad("deadline_months"))?)
                    .ok_or_else(|| bad("deadline_kind"))?,
            ),
        };
        let age = |a: Option<i32>| a.and_then(|a| u32::try_from(a).ok());
        Ok(Rule {
            claim_type: self.claim_type,
            category: self.category,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            cap,
            age_from: age(self.age_from),
            age_to: age(self.age_to),
            amount: money(self.amount_ore),
            share: self.price_base_share_bp.and_then(|s| u32::try_from(s).ok()).map(Share),
            deadline,
        })
    }
}

/// Every row of the table, in the order an administrator reads it.
pub fn rows(conn: &mut DbConn) -> Result<Vec<RuleRow>> {
    let mut rows: Vec<RuleRow> = reimbursement_rules::table.select(RuleRow::as_select()).load(conn)?;
    // Sorted here: the backends put empty categories and ages at different ends.
    // By the codes' text, as the table was always listed.
    rows.sort_by(|a, b| {
        (a.claim_type.code(), a.category.map(CostCategory::code), a.age_from, a.valid_from, a.id).cmp(&(
            b.claim_type.code(),
            b.category.map(CostCategory::code),
            b.age_from,
            b.valid_from,
            b.id,
        ))
    });
    Ok(rows)
}

/// The rules with their rows' ids.
pub fn all(conn: &mut DbConn) -> Result<Vec<(i32, Rule)>> {
    rows(conn)?.iter().map(|r| Ok((r.id, r.rule()?))).collect()
}

pub fn row(conn: &mut DbConn, id: i32) -> Result<RuleRow> {
    reimbursement_rules::table.find(id).select(RuleRow::as_select()).first(conn).optional()?.ok_or(StoreError::NotFound)
}

/// An earlier revision of a rule.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reimbursement_rule_revisions)]
pub struct Revision {
    pub revision: i32,
    pub snapshot: String,
    pub replaced_at: NaiveDateTime,
    pub replaced_by: Option<i32>,
}

pub fn revisions(conn: &mut DbConn, id: i32) -> Result<Vec<Revision>> {
    Ok(reimbursement_rule_revisions::table
        .filter(reimbursement_rule_revisions::rule_id.eq(id))
        .order(reimbursement_rule_revisions::revision.desc())
        .select(Revision::as_select())
        .load(conn)?)
}

fn domain_error(e: RuleError) -> StoreError {
    let field = match e {
        RuleError::DatesOutOfOrder | RuleError::Overlap => "valid_to",
        RuleError::AgesOutOfOrder => "age_to",
        RuleError::CategoryForType => "category",
        RuleError::Negative => "amount",
    };
    StoreError::invalid(field, e.text())
}

/// Checks a changed or new row against itself and the rest of the table.
fn check(conn: &mut DbConn, candidate: &RuleRow, replacing: Option<i32>) -> Result<()> {
    let rule = candidate.rule()?;
    rule.check().map_err(domain_error)?;
    let mut rules: Vec<Rule> =
        all(conn)?.into_iter().filter(|(id, _)| Some(*id) != replacing).map(|(_, r)| r).collect();
    rules.push(rule);
    check_overlaps(&rules).map_err(domain_error)
}

/// Changes a rule. The row as it was is kept as a revision; a stale `revision` is refused.
pub fn update(conn: &mut DbConn, actor: &Actor, id: i32, mut changed: RuleRow, revision: i32) -> Result<()> {
    write(conn, |conn| {
        // The revision moves first: a second edit of the same row waits for this one (PostgreSQL)
        // and is then refused as stale.
        let moved =
            diesel::update(reimbursement_rules::table.find(id).filter(reimbursement_rules::revision.eq(revision)))
                .set(reimbursement_rules::revision.eq(revision + 1))
                .execute(conn)?;
        if moved == 0 {
            return if row(conn, id).is_ok() { Err(StoreError::Stale) } else { Err(StoreError::NotFound) };
        }
        let old = RuleRow { revision, ..row(conn, id)? };
        changed.id = id;
        changed.revision = old.revision + 1;
        changed.changed_at = actor.at;
        changed.changed_by = actor.user_id;
        check(conn, &changed, Some(id))?;
        let snapshot = serde_json::to_string(&old)
            .map_err(|e| StoreError::invalid("rule", Text::new("technical-detail").with("detail", e)))?;
        diesel::insert_into(reimbursement_rule_revisions::table)
            .values((
                reimbursement_rule_revisions::rule_id.eq(id),
                reimbursement_rule_revisions::revision.eq(old.revision),
                reimbursement_rule_revisions::snapshot.eq(snapshot),
                reimbursement_rule_revisions::replaced_at.eq(actor.at),
                reimbursement_rule_revisions::replaced_by.eq(actor.user_id),
            ))
            .execute(conn)?;
        diesel::update(reimbursement_rules::table.find(id)).set(changed.stored()).execute(conn)?;
        super::costs::refresh_deadlines(conn, None)?;
        append(conn, actor, Action::Update, &Record::new(RULE, id))
    })
}

/// Adds a rule, for instance the next year's amount.
pub fn add(conn: &mut DbConn, actor: &Actor, mut new: RuleRow) -> Result<i32> {
    write(conn, |conn| {
        new.revision = 1;
        new.changed_at = actor.at;
        new.changed_by = actor.user_id;
        check(conn, &new, None)?;
        let id = diesel::insert_into(reimbursement_rules::table)
            .values(new.stored())
            .returning(reimbursement_rules::id)
            .get_result(conn)?;
        super::costs::refresh_deadlines(conn, None)?;
        append(conn, actor, Action::Create, &Record::new(RULE, id))?;
        Ok(id)
    })
}

/// The price base amounts by year.
pub fn price_base_amounts(conn: &mut DbConn) -> Result<Vec<(i32, Money)>> {
    let rows: Vec<(i32, i64)> = price_base_amounts::table
        .order(price_base_amounts::year)
        .select((price_base_amounts::year, price_base_amounts::amount_ore))
        .load(conn)?;
    Ok(rows.into_iter().map(|(y, ore)| (y, Money::from_ore(ore))).collect())
}

/// The price base amounts with their sources, for the administrator's table.
pub fn price_base_table(conn: &mut DbConn) -> Result<Vec<(i32, Money, Option<String>)>> {
    let rows: Vec<(i32, i64, Option<String>)> = price_base_amounts::table
        .order(price_base_amounts::year)
        .select((price_base_amounts::year, price_base_amounts::amount_ore, price_base_amounts::source))
        .load(conn)?;
    Ok(rows.into_iter().map(|(y, ore, source)| (y, Money::from_ore(ore), source)).collect())
}

/// What the rules table lacks for `years`: see [`etablera_domain::economy::gaps`].
pub fn gaps(
    conn: &mut DbConn,
    years: std::ops::RangeInclusive<i32>,
) -> Result<Vec<etablera_domain::economy::gaps::Gap>> {
    let rules = all(conn)?;
    let bases: Vec<i32> = price_base_amounts::table.select(price_base_amounts::year).load(conn)?;
    Ok(etablera_domain::economy::gaps::gaps(&rules, &bases, years))
}

/// Sets a year's price base amount; the amount it replaces is kept.
pub fn set_price_base_amount(conn: &mut DbConn, actor: &Actor, base: &PriceBase) -> Result<()> {
    let (year, amount) = (base.year.get(), base.amount);
    write(conn, |conn| {
        let values = (
            price_base_amounts::year.eq(year),
            price_base_amounts::amount_ore.eq(amount.ore()),
            price_base_amounts::changed_at.eq(actor.at),
            price_base_amounts::changed_by.eq(actor.user_id),
            price_base_amounts::source.eq(&base.source),
        );
        let before: Option<(i64, Option<String>)> = price_base_amounts::table
            .find(year)
            .select((price_base_amounts::amount_ore, price_base_amounts::source))
            .first(conn)
            .optional()?;
        if let Some((before, source)) = before {
            diesel::insert_into(price_base_amount_revisions::table)
                .values((
                    price_base_amount_revisions::year.eq(year),
                    price_base_amount_revisions::amount_ore.eq(before),
                    price_base_amount_revisions::source.eq(source),
                    price_base_amount_revisions::replaced_at.eq(actor.at),
                    price_base_amount_revisions::replaced_by.eq(actor.user_id),
                ))
                .execute(conn)?;
            diesel::update(price_base_amounts::table.find(year)).set(values).execute(conn)?;
        } else {
            diesel::insert_into(price_base_amounts::table).values(values).execute(conn)?;
        }
        append(conn, actor, Action::Update, &Record::new(PRICE_BASE, year))
    })
}
