//! Enum-like values that are stored, sent and compared as fixed codes (`draft`, `credit`). One
//! macro writes their code, their parsing and their serde form, so that no crate compares a
//! stored string with a literal.

/// A stored code that names no value of the type: a database row or a file written by
/// something else, never the user's input (forms and the API parse into the type first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: unknown code {code:?}")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
}

/// What every [`coded!`] enum has, for code that works on any of them (the API's schema lists
/// a parameter's codes from it).
pub trait Coded: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
}

/// Declares an enum whose variants each have a fixed code:
///
/// ```
/// etablera_domain::coded! {
///     /// What a document is.
///     pub enum Kind { Invoice = "invoice", Credit = "credit" }
/// }
/// assert_eq!(Kind::from_code("credit"), Some(Kind::Credit));
/// assert_eq!(Kind::Invoice.code(), "invoice");
/// ```
#[macro_export]
macro_rules! coded {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code it is stored and sent as.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl $crate::code::Coded for $name {
            const ALL: &'static [$name] = $name::ALL;

            fn code(self) -> &'static str {
                $name::code(self)
            }
        }

        impl ::std::convert::TryFrom<String> for $name {
            type Error = $crate::code::UnknownCode;

            fn try_from(code: String) -> Result<$name, $crate::code::UnknownCode> {
                $name::from_code(&code).ok_or($crate::code::UnknownCode { kind: stringify!($name), code })
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::code::UnknownCode;

            fn from_str(code: &str) -> Result<$name, $crate::code::UnknownCode> {
                $name::from_code(code)
                    .ok_or_else(|| $crate::code::UnknownCode { kind: stringify!($name), code: code.to_owned() })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let code = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                $name::from_code(&code).ok_or_else(|| {
                    let expected: Vec<&str> = $name::ALL.iter().map(|v| v.code()).collect();
                    ::serde::de::Error::custom(format!("expected one of {}", expected.join(", ")))
                })
            }
        }
    };
}
