//! Support tasks: the standard checklist made for a household when it arrives, and the task
//! the work principle's exception brings.

use chrono::{Duration, NaiveDate};

use super::person::age_on;
use crate::text::Text;

/// Whom in the household a standard task is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    Household,
    /// Children of preschool age (1–5 years).
    PreschoolChildren,
    /// Children of school age (6–15 years).
    SchoolChildren,
}

crate::coded! {
    /// The template a standard task was made from, stored with the task so that its title is
    /// said in the reader's language.
    pub enum TaskTemplate {
        TaxRegistration = "tax_registration",
        BankAndId = "bank_and_id",
        Allowances = "allowances",
        HealthExamination = "health_examination",
        Preschool = "preschool",
        School = "school",
        Associations = "associations",
        SfiRegistration = "sfi_registration",
        EconomicAssistance = "economic_assistance",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardTask {
    pub code: TaskTemplate,
    /// The title's key in the catalogue.
    pub title: &'static str,
    /// Days after the reception date that it is due.
    pub due_days: i64,
    pub applies: Applies,
}

/// The template of issue 4, in the order a case worker takes them.
pub const STANDARD_TASKS: [StandardTask; 8] = [
    StandardTask {
        code: TaskTemplate::TaxRegistration,
        title: "task-tax-registration",
        due_days: 7,
        applies: Applies::Household,
    },
    StandardTask {
        code: TaskTemplate::BankAndId,
        title: "task-bank-and-id",
        due_days: 14,
        applies: Applies::Household,
    },
    StandardTask {
        code: TaskTemplate::Allowances,
        title: "task-allowances",
        due_days: 14,
        applies: Applies::Household,
    },
    StandardTask {
        code: TaskTemplate::HealthExamination,
        title: "task-health-examination",
        due_days: 14,
        applies: Applies::Household,
    },
    StandardTask {
        code: TaskTemplate::Preschool,
        title: "task-preschool",
        due_days: 14,
        applies: Applies::PreschoolChildren,
    },
    StandardTask { code: TaskTemplate::School, title: "task-school", due_days: 14, applies: Applies::SchoolChildren },
    StandardTask {
        code: TaskTemplate::Associations,
        title: "task-associations",
        due_days: 60,
        applies: Applies::Household,
    },
    StandardTask {
        code: TaskTemplate::SfiRegistration,
        title: "task-sfi-registration",
        due_days: 14,
        applies: Applies::Household,
    },
];

/// Made when a person cannot take part full time for illness or disability.
pub const ECONOMIC_ASSISTANCE: StandardTask = StandardTask {
    code: TaskTemplate::EconomicAssistance,
    title: "task-economic-assistance",
    due_days: 1,
    applies: Applies::Household,
};

impl StandardTask {
    pub fn title(&self) -> Text {
        Text::new(self.title)
    }
}

/// A standard task's title by its template, in the reader's language.
pub fn title_of(template: TaskTemplate) -> Option<Text> {
    STANDARD_TASKS.iter().chain([&ECONOMIC_ASSISTANCE]).find(|t| t.code == template).map(StandardTask::title)
}

/// The responsible a standard task has until the case worker says otherwise.
pub fn default_responsible() -> Text {
    Text::new("task-default-responsible")
}

/// A task the case worker adds, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TaskForm {
    pub title: String,
    pub due_date: String,
    pub responsible: String,
}

/// A task the case worker adds, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub title: String,
    pub due: NaiveDate,
    pub responsible: String,
}

impl TaskForm {
    pub fn check(&self) -> Result<NewTask, Vec<crate::input::Invalid>> {
        use crate::input::{Errors, date, required_text};
        let mut errors = Errors::new();
        let title = errors.keep(required_text("title", &self.title, 200, Text::new("what-task-title")));
        let due = errors.keep(date("due_date", &self.due_date));
        let responsible =
            errors.keep(required_text("responsible", &self.responsible, 100, Text::new("what-task-responsible")));
        errors.finish(|| Some(NewTask { title: title?, due: due?, responsible: responsible? }))
    }
}

/// A task to create: which template, its title and due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskToCreate {
    pub code: TaskTemplate,
    pub title: Text,
    pub due: NaiveDate,
}

/// The standard tasks for a household received on `reception`, whose members are born on
/// `births`: the children's tasks only when there are children of that age.
pub fn standard_tasks(reception: NaiveDate, births: &[NaiveDate]) -> Vec<TaskToCreate> {
    let ages: Vec<u32> = births.iter().map(|b| age_on(*b, reception)).collect();
    STANDARD_TASKS
        .iter()
        .filter(|t| match t.applies {
            Applies::Household => true,
            Applies::PreschoolChildren => ages.iter().any(|a| (1..=5).contains(a)),
            Applies::SchoolChildren => ages.iter().any(|a| (6..=15).contains(a)),
        })
        .map(|t| TaskToCreate { code: t.code, title: t.title(), due: reception + Duration::days(t.due_days) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn childrens_tasks_only_with_children_of_that_age() {
        let adults = standard_tasks(d("2024-02-01"), &[d("1990-01-01"), d("1992-05-05")]);
        assert!(adults.iter().all(|t| t.code != TaskTemplate::Preschool && t.code != TaskTemplate::School));
        assert_eq!(adults.len(), 6);
        let family = standard_tasks(d("2024-02-01"), &[d("1990-01-01"), d("2020-03-01"), d("2015-06-01")]);
        assert!(family.iter().any(|t| t.code == TaskTemplate::Preschool));
        assert!(family.iter().any(|t| t.code == TaskTemplate::School));
        assert_eq!(family.iter().find(|t| t.code == TaskTemplate::TaxRegistration).unwrap().due, d("2024-02-08"));
    }

    #[test]
    fn every_standard_title_is_in_the_catalogue() {
        for task in STANDARD_TASKS.iter().chain([&ECONOMIC_ASSISTANCE]) {
            assert!(crate::text::catalog().has(task.title), "{}", task.title);
        }
        assert!(TaskTemplate::ALL.iter().all(|t| title_of(*t).is_some()), "every template is a standard task");
        assert_eq!(title_of(TaskTemplate::School).unwrap().swedish(), "Skriv in barnen i skolan");
        assert!(crate::text::catalog().has(&default_responsible().key));
    }
}
