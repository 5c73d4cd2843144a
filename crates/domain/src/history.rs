//! What an edit of a record changed, field by field, as the record's history keeps and shows it.

/// One field of a record as it was and as it became, in the form the history shows: texts as
/// they are, dates and numbers as people write them, a category or a yes/no by its code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// The fields that differ between two views of a record, in the order given (both list the same
/// fields in the same order).
pub fn changes<const N: usize>(
    before: [(&'static str, String); N],
    after: [(&'static str, String); N],
) -> Vec<FieldChange> {
    before
        .into_iter()
        .zip(after)
        .filter(|((_, b), (_, a))| b != a)
        .map(|((field, before), (_, after))| FieldChange { field: field.to_owned(), before, after })
        .collect()
}
