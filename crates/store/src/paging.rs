//! A page of a list that grows: which page, how many a page, and how many there are in all.
//! Lists are paged, sorted and filtered in the database; a page reads its own rows only.

/// Which page of a list, and how many rows a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// From 1.
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    pub const DEFAULT_PER_PAGE: u32 = 50;
    /// What one request may ask for: a page is read and rendered whole.
    pub const MAX_PER_PAGE: u32 = 500;

    /// A page as asked for, brought within bounds (page 0 is the first, a size above the
    /// largest is the largest).
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Paging {
        Paging {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(Self::DEFAULT_PER_PAGE).clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}

impl Default for Paging {
    fn default() -> Self {
        Paging::new(None, None)
    }
}

/// One page of rows, and the count of the whole (filtered) list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u64,
    pub paging: Paging,
}

impl<T> Page<T> {
    /// How many pages the list has; at least one, empty or not.
    pub fn pages(&self) -> u32 {
        let per = u64::from(self.paging.per_page);
        u32::try_from(self.total.div_ceil(per).max(1)).unwrap_or(u32::MAX)
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { rows: self.rows.into_iter().map(f).collect(), total: self.total, paging: self.paging }
    }
}

/// `%text%` for a LIKE with `\` as its escape, the user's `%`, `_` and `\` taken literally.
pub fn contains_pattern(text: &str) -> String {
    contains_in_order(&[text.trim().to_lowercase()])
}

/// `%one%two%` for a LIKE with `\` as its escape: the texts in their order, anything between.
pub fn contains_in_order(texts: &[String]) -> String {
    let mut out = String::from("%");
    for text in texts {
        for c in text.chars() {
            if matches!(c, '%' | '_' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('%');
    }
    out
}

diesel::define_sql_function!(
    /// Lower case, for searches that do not mind it (ASCII letters on SQLite).
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_within_bounds() {
        assert_eq!(Paging::new(Some(0), Some(0)), Paging { page: 1, per_page: 1 });
        assert_eq!(Paging::new(None, Some(10_000)).per_page, Paging::MAX_PER_PAGE);
        assert_eq!(Paging::new(Some(3), Some(20)).offset(), 40);
        let page = Page { rows: vec![1], total: 41, paging: Paging::new(Some(3), Some(20)) };
        assert_eq!(page.pages(), 3);
        assert_eq!(Page::<u8> { rows: vec![], total: 0, paging: Paging::default() }.pages(), 1);
    }

    #[test]
    fn wildcards_in_a_search_are_taken_literally() {
        assert_eq!(contains_pattern(" 50%_A\\ "), "%50\\%\\_a\\\\%");
    }
}
