//! A list's face: a search, sortable headings, page links that keep the query, and the count.
//! The paging, sorting and filtering are done by the store; this builds the links.

use etablera_store::paging::{Page, Paging};
use serde::{Deserialize, Deserializer};

use crate::error::AppError;
use crate::i18n::{Text, Tr};

/// What every paged list takes from its address, beside its own filters: a list's query type
/// holds it as a `#[serde(flatten)]` field.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListParams {
    pub q: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    #[serde(default, deserialize_with = "number")]
    pub page: Option<u32>,
    #[serde(default, deserialize_with = "number")]
    pub per_page: Option<u32>,
}

/// A number from a query string. Read as text because a flattened field gets every value of a
/// query string as text; empty is none, anything else that is not a number is refused.
pub fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    let text: Option<String> = Option::deserialize(deserializer)?;
    text.filter(|t| !t.is_empty()).map(|t| t.parse().map_err(serde::de::Error::custom)).transpose()
}

impl ListParams {
    /// The page and its size as the API takes them (signed, as its schema says: int32); a
    /// number below 1 is refused by [`ListParams::paging`] like a page's.
    pub fn from_api(page: Option<i32>, per_page: Option<i32>) -> ListParams {
        let unsigned = |n: i32| u32::try_from(n).unwrap_or(0);
        ListParams { page: page.map(unsigned), per_page: per_page.map(unsigned), ..ListParams::default() }
    }

    /// The page asked for: the first or later, with 1 to [`Paging::MAX_PER_PAGE`] rows. A page
    /// before the first or a size outside that is refused, not quietly changed.
    pub fn paging(&self) -> Result<Paging, AppError> {
        if self.page == Some(0) {
            return Err(AppError::Invalid { field: "page".into(), message: Text::new("list-page-first") });
        }
        if let Some(size) = self.per_page
            && !(1..=Paging::MAX_PER_PAGE).contains(&size)
        {
            return Err(AppError::Invalid {
                field: "per_page".into(),
                message: Text::new("list-per-page-range").with("max", Paging::MAX_PER_PAGE),
            });
        }
        Ok(Paging::new(self.page, self.per_page))
    }

    pub fn search(&self) -> Option<String> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned)
    }

    /// Descending unless asked otherwise for a column whose first order is descending (dates).
    pub fn descending(&self, default: bool) -> bool {
        match self.dir.as_deref() {
            Some("asc") => false,
            Some("desc") => true,
            _ => default,
        }
    }
}

etablera_domain::coded! {
    /// A list's order, as the API takes it (the pages take any text and fall back on the
    /// column's first order).
    pub enum Direction {
        Asc = "asc",
        Desc = "desc",
    }
}

/// A filter's value from the address: empty is none (every value), and one that names nothing
/// is refused rather than taken as "every value".
pub fn filter<T: std::str::FromStr>(field: &str, value: Option<&str>) -> Result<Option<T>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| AppError::Invalid {
            field: field.to_owned(),
            message: Text::new("list-filter-unknown").with("value", v),
        }),
    }
}

/// The address of a list with its query; links change one thing and keep the rest.
#[derive(Debug, Clone)]
pub struct Listing {
    path: &'static str,
    /// The filters and search, in order; empty values are left out.
    keep: Vec<(&'static str, String)>,
    sort: String,
    descending: bool,
    paging: Paging,
}

/// A sortable column heading.
pub struct Heading {
    pub label: String,
    pub href: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub aria_sort: &'static str,
}

/// The pager under a list.
pub struct Pager {
    /// "1–50 av 1 234".
    pub summary: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub position: String,
}

impl Listing {
    pub fn new(path: &'static str, sort: &str, descending: bool, paging: Paging) -> Listing {
        Listing { path, keep: Vec::new(), sort: sort.to_owned(), descending, paging }
    }

    /// A filter or the search, kept by every link.
    pub fn keep(mut self, name: &'static str, value: Option<&str>) -> Listing {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            self.keep.push((name, value.to_owned()));
        }
        self
    }

    fn href(&self, sort: &str, descending: bool, page: u32) -> String {
        let mut query = url_query(&self.keep);
        let dir = if descending { "desc" } else { "asc" };
        query.push_str(&format!("{}sort={sort}&dir={dir}", if query.is_empty() { "" } else { "&" }));
        if page > 1 {
            query.push_str(&format!("&page={page}"));
        }
        if self.paging.per_page != Paging::DEFAULT_PER_PAGE {
            query.push_str(&format!("&per_page={}", self.paging.per_page));
        }
        format!("{}?{query}", self.path)
    }

    /// A heading that sorts by `column`; again on the sorted column turns the order.
    pub fn heading(&self, column: &str, label: String, first_descending: bool) -> Heading {
        let sorted = self.sort == column;
        let descending = if sorted { !self.descending } else { first_descending };
        let aria_sort = match (sorted, self.descending) {
            (false, _) => "none",
            (true, true) => "descending",
            (true, false) => "ascending",
        };
        Heading { label, href: self.href(column, descending, 1), aria_sort }
    }

    pub fn pager<T>(&self, t: &Tr, page: &Page<T>) -> Pager {
        let (number, pages) = (page.paging.page, page.pages());
        let first = u64::from(number - 1) * u64::from(page.paging.per_page) + 1;
        let last = first + page.rows.len() as u64 - 1;
        let summary = if page.rows.is_empty() {
            t.with("list-count-none", "total", page.total)
        } else {
            t.text(
                "list-count",
                &[("first", first.to_string()), ("last", last.to_string()), ("total", page.total.to_string())],
            )
        };
        Pager {
            summary,
            previous: (number > 1).then(|| self.href(&self.sort, self.descending, number - 1)),
            next: (number < pages).then(|| self.href(&self.sort, self.descending, number + 1)),
            position: t.text("list-page", &[("page", number.to_string()), ("pages", pages.to_string())]),
        }
    }
}

fn url_query(pairs: &[(&'static str, String)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Query {
        status: Option<String>,
        #[serde(flatten)]
        list: ListParams,
    }

    #[test]
    fn a_lists_fields_are_read_beside_its_own_filters() {
        let q: Query = serde_urlencoded::from_str("status=open&q=A%C3%A5&sort=date&page=3&per_page=").unwrap();
        assert_eq!(q.status.as_deref(), Some("open"));
        assert_eq!((q.list.search().as_deref(), q.list.sort.as_deref()), (Some("Aå"), Some("date")));
        assert_eq!((q.list.page, q.list.per_page), (Some(3), None));
        assert!(serde_urlencoded::from_str::<Query>("page=tre").is_err());
    }

    #[test]
    fn links_keep_the_search_and_filters_and_turn_the_sorted_column() {
        let listing = Listing::new("/reception", "placement", true, Paging::new(Some(2), None))
            .keep("show", Some("all"))
            .keep("q", Some("Ali & co"))
            .keep("empty", Some(""));
        let heading = listing.heading("placement", "Placering".into(), true);
        assert_eq!(heading.href, "/reception?show=all&q=Ali+%26+co&sort=placement&dir=asc");
        assert_eq!(heading.aria_sort, "descending");
        let other = listing.heading("reference", "Hushåll".into(), false);
        assert_eq!(
            (other.href.as_str(), other.aria_sort),
            ("/reception?show=all&q=Ali+%26+co&sort=reference&dir=asc", "none")
        );
    }
}
