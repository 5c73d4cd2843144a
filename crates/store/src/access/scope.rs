//! Whose records a caller may see: their municipalities and, for a unit's staff, that unit's
//! households. Every area that hands out a person's data (reception, economy, quality) asks it.

use diesel::prelude::*;

use crate::access::users::User;
use crate::schema::{households as households_table, persons};
use crate::{DbConn, Result, StoreError};

/// Narrows a boxed query that includes the households table (alone or joined) to the scope's
/// households: the scope's few municipality codes are bound, never the households themselves.
macro_rules! in_scope {
    ($query:expr, $scope:expr) => {{
        let mut query = $query;
        if let Some(codes) = $scope.municipalities.clone() {
            query = crate::access::among!(query, crate::schema::households::municipality_code, codes);
        }
        if let Some(unit) = $scope.unit.clone() {
            query = query.filter(crate::schema::households::unit.eq(unit));
        }
        query
    }};
}
pub(crate) use in_scope;

/// `$query` filtered to rows whose `$column` is one of `$codes`: `=` when there is one (most
/// users have one municipality), which lets SQLite keep the statement prepared, where a list
/// of binds (`IN (?, ?)`) has it prepared anew on every use.
macro_rules! among {
    ($query:expr, $column:expr, $codes:expr) => {{
        let codes: Vec<String> = $codes;
        match codes.as_slice() {
            [one] => $query.filter($column.eq(one.clone())),
            _ => $query.filter($column.eq_any(codes)),
        }
    }};
}
pub(crate) use among;

/// Whose cases a caller may see: their municipalities and, when they belong to a unit, only
/// that unit's households.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `None` for the command line run at the server, which sees every municipality.
    pub municipalities: Option<Vec<String>>,
    pub unit: Option<String>,
    /// May see the address of a person with protected identity.
    pub protected_addresses: bool,
}

impl Scope {
    pub fn of(user: &User) -> Scope {
        use etablera_domain::access::Permission;
        Scope {
            municipalities: Some(user.municipalities.iter().map(|m| m.as_str().to_owned()).collect()),
            unit: user.unit.clone(),
            protected_addresses: user.can(Permission::ReadProtectedAddress),
        }
    }

    /// The operator at the server's command line.
    pub fn command_line() -> Scope {
        Scope { municipalities: None, unit: None, protected_addresses: true }
    }

    pub fn allows(&self, municipality_code: &str, unit: &str) -> bool {
        self.municipalities.as_ref().is_none_or(|m| m.iter().any(|c| c == municipality_code))
            && self.unit.as_deref().is_none_or(|u| u == unit)
    }

    /// The households in scope, as a query to add to.
    pub(crate) fn households(&self) -> households_table::BoxedQuery<'static, <DbConn as diesel::Connection>::Backend> {
        in_scope!(households_table::table.into_boxed(), self)
    }

    /// The household's municipality when it is in scope; "not found" otherwise, so that
    /// nobody learns that a household outside their scope exists.
    pub(crate) fn household(&self, conn: &mut DbConn, household_id: i32) -> Result<String> {
        let (code, unit): (String, String) = households_table::table
            .find(household_id)
            .select((households_table::municipality_code, households_table::unit))
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        if self.allows(&code, &unit) { Ok(code) } else { Err(StoreError::NotFound) }
    }

    /// The person's household and municipality when in scope.
    pub(crate) fn person(&self, conn: &mut DbConn, person_id: i32) -> Result<(i32, String)> {
        let household_id: i32 = persons::table
            .find(person_id)
            .select(persons::household_id)
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        Ok((household_id, self.household(conn, household_id)?))
    }
}
