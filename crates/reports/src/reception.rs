//! The individual plan as a document the person signs: typeset by `templates/plan.typ`. Every
//! word comes from the caller, already in the reader's language.

const TEMPLATE: &str = include_str!("../templates/plan.typ");
const FIELD: char = '\u{1f}';
const ROW: char = '\u{1e}';

/// The plan, in words and figures already formatted.
pub struct PlanDocument {
    pub title: String,
    /// Label and value pairs: the person, their numbers, the household, the unit, the date.
    pub facts: Vec<(String, String)>,
    pub activities_heading: String,
    /// Activity, from, to, extent, note.
    pub activities_headers: Vec<String>,
    pub activities: Vec<Vec<String>>,
    /// Said when there are no activities.
    pub no_activities: String,
    pub weeks_heading: String,
    /// The plan measured against full time, in a sentence; empty for a child.
    pub measure: String,
    pub weeks_headers: Vec<String>,
    /// Empty for a child, whose plan is not measured against full time.
    pub weeks: Vec<Vec<String>>,
    /// What the signatures confirm.
    pub agreement: String,
    /// Whose signatures: the person, the case worker.
    pub signers: Vec<String>,
    pub clarification: String,
    pub place_and_date: String,
    pub footer: String,
    /// "sida" and "av" of "sida 1 av 2", and the language's code, in the reader's language.
    pub page_word: String,
    pub of_word: String,
    pub lang: String,
}

fn joined(cells: impl IntoIterator<Item = String>) -> String {
    cells.into_iter().map(|c| c.replace([FIELD, ROW], " ")).collect::<Vec<_>>().join(&FIELD.to_string())
}

fn rows(rows: &[Vec<String>]) -> String {
    rows.iter().map(|r| joined(r.iter().cloned())).collect::<Vec<_>>().join(&ROW.to_string())
}

/// The plan as a PDF of one or more A4 pages, the signatures kept together at the end.
pub fn plan_pdf(plan: &PlanDocument) -> Result<Vec<u8>, crate::pdf::PdfError> {
    let facts: Vec<Vec<String>> = plan.facts.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect();
    crate::pdf::render(
        TEMPLATE,
        vec![
            ("title", plan.title.clone()),
            ("facts", rows(&facts)),
            ("activities_heading", plan.activities_heading.clone()),
            ("activities_headers", joined(plan.activities_headers.iter().cloned())),
            ("activities", rows(&plan.activities)),
            ("no_activities", plan.no_activities.clone()),
            ("weeks_heading", plan.weeks_heading.clone()),
            ("measure", plan.measure.clone()),
            ("weeks_headers", joined(plan.weeks_headers.iter().cloned())),
            ("weeks", rows(&plan.weeks)),
            ("agreement", plan.agreement.clone()),
            ("signers", joined(plan.signers.iter().cloned())),
            ("clarification", plan.clarification.clone()),
            ("place_and_date", plan.place_and_date.clone()),
            ("footer", plan.footer.clone()),
            ("page_word", plan.page_word.clone()),
            ("of_word", plan.of_word.clone()),
            ("lang", plan.lang.clone()),
        ],
    )
}
