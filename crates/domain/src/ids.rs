//! Ids that travel together (a user's and a notification's, a household's and a person's, an
//! invoice's and the agreement's it belongs to) as types of their own, so that passing one where
//! the other belongs does not compile. Each is an `i32` underneath, stored as one and sent as a
//! bare number.

/// Declares copy newtypes over `i32` with `new` and `get`, `Display`, `FromStr`, and the
/// conversions to and from `i32`:
///
/// ```
/// etablera_domain::ids! {
///     /// A thing's id.
///     pub struct ThingId;
/// }
/// let id: ThingId = "7".parse().unwrap();
/// assert_eq!((id.get(), id.to_string(), i32::from(id)), (7, "7".to_owned(), 7));
/// assert_eq!(serde_json::to_string(&id).unwrap(), "7");
/// ```
#[macro_export]
macro_rules! ids {
    ($($(#[$meta:meta])* $vis:vis struct $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        $vis struct $name(i32);

        impl $name {
            pub const fn new(id: i32) -> $name {
                $name(id)
            }

            pub const fn get(self) -> i32 {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::num::ParseIntError;

            fn from_str(text: &str) -> Result<$name, ::std::num::ParseIntError> {
                text.parse().map($name)
            }
        }

        impl ::std::convert::From<i32> for $name {
            fn from(id: i32) -> $name {
                $name(id)
            }
        }

        impl ::std::convert::From<$name> for i32 {
            fn from(id: $name) -> i32 {
                id.0
            }
        }
    )+};
}

ids! {
    /// A user account.
    pub struct UserId;
    /// A placed household.
    pub struct HouseholdId;
    /// A person in a household.
    pub struct PersonId;
    /// A case note.
    pub struct NoteId;
    /// An API token.
    pub struct TokenId;
    /// A notification to a user.
    pub struct NotificationId;
    /// A complaint or deviation.
    pub struct DeviationId;
    /// An agreement or order.
    pub struct AgreementId;
    /// An invoice or credit note.
    pub struct InvoiceId;
    /// A household's temporary home.
    pub struct HousingId;
    /// A support task.
    pub struct TaskId;
    /// An activity in a person's plan.
    pub struct ActivityId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_number_in_text_and_json() {
        let id = HouseholdId::new(42);
        assert_eq!(id.to_string(), "42");
        assert_eq!("42".parse::<HouseholdId>(), Ok(id));
        assert!("H42".parse::<HouseholdId>().is_err());
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<HouseholdId>("42").unwrap(), id);
        assert_eq!((i32::from(id), HouseholdId::from(42)), (42, id));
    }
}
