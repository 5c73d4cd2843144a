//! Enum-like columns (`kind`, `status`, `category`, …) are text in both backends and enums in
//! the code: a column is read with `#[diesel(deserialize_as = String)]` (the enum's `TryFrom`,
//! from `etablera_domain::coded!`), a nullable one with `deserialize_as = NullableCode`, a list
//! with [`codes`]; filters and inserts bind a variant's `.code()`. A stored code that names no
//! value is an error, never a default. Ids that have types of their own (`etablera_domain::ids`)
//! are read alike: `deserialize_as = i32`, or `NullableId` when the column is nullable.

use diesel::deserialize::{self, FromStaticSqlRow, Queryable};
use diesel::sql_types::{Nullable, Text};
use etablera_domain::code::UnknownCode;

use crate::StoreError;

/// Reads stored codes as their type; one that names no value is an error.
pub(crate) fn codes<T>(stored: Vec<String>) -> Result<Vec<T>, StoreError>
where
    T: TryFrom<String, Error = UnknownCode>,
{
    stored.into_iter().map(|code| Ok(T::try_from(code)?)).collect()
}

/// A nullable code column as read, for `#[diesel(deserialize_as = NullableCode)]` on a field of
/// type `Option<T>`: an `Option` of a domain enum cannot implement `TryFrom<Option<String>>`
/// here (neither type is this crate's), so the derive's `.try_into()` finds this inherent method.
pub struct NullableCode(Option<String>);

impl NullableCode {
    pub fn try_into<T>(self) -> Result<Option<T>, UnknownCode>
    where
        T: TryFrom<String, Error = UnknownCode>,
    {
        self.0.map(T::try_from).transpose()
    }
}

impl<DB> Queryable<Nullable<Text>, DB> for NullableCode
where
    DB: diesel::backend::Backend,
    Option<String>: FromStaticSqlRow<Nullable<Text>, DB>,
{
    type Row = Option<String>;

    fn build(row: Option<String>) -> deserialize::Result<NullableCode> {
        Ok(NullableCode(row))
    }
}

/// A nullable id column as read, for `#[diesel(deserialize_as = NullableId)]` on a field of type
/// `Option<SomeId>` (an `etablera_domain::ids` type), for the same reason as [`NullableCode`].
pub struct NullableId(Option<i32>);

impl NullableId {
    pub fn try_into<T: From<i32>>(self) -> Result<Option<T>, std::convert::Infallible> {
        Ok(self.0.map(T::from))
    }
}

impl<DB> Queryable<Nullable<diesel::sql_types::Integer>, DB> for NullableId
where
    DB: diesel::backend::Backend,
    Option<i32>: FromStaticSqlRow<Nullable<diesel::sql_types::Integer>, DB>,
{
    type Row = Option<i32>;

    fn build(row: Option<i32>) -> deserialize::Result<NullableId> {
        Ok(NullableId(row))
    }
}
