//! Support tasks per household: the standard checklist made at arrival, and tasks the case
//! worker adds.

use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::ids::{HouseholdId, PersonId, TaskId};
use etablera_domain::reception::tasks::{
    self as domain, ECONOMIC_ASSISTANCE, TaskTemplate, default_responsible, standard_tasks,
};
use etablera_domain::text::Text;

use super::households::HOUSEHOLD;
use crate::access::Actor;
use crate::access::Scope;
use crate::access::log::{Action, Record, append};
use crate::codes::{NullableCode, codes};
use crate::schema::{persons, support_tasks};
use crate::{DbConn, Result, StoreError, write};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = support_tasks)]
pub struct Task {
    #[diesel(deserialize_as = i32)]
    pub id: TaskId,
    pub household_id: i32,
    pub person_id: Option<i32>,
    #[diesel(deserialize_as = NullableCode)]
    pub template_code: Option<TaskTemplate>,
    pub title: String,
    pub due_date: NaiveDate,
    pub responsible: String,
    pub done_on: Option<NaiveDate>,
}

/// A task to insert.
struct NewTask<'a> {
    household_id: i32,
    person_id: Option<i32>,
    template_code: Option<TaskTemplate>,
    title: &'a str,
    due: NaiveDate,
    responsible: &'a str,
}

fn insert(conn: &mut DbConn, actor: &Actor, task: NewTask) -> Result<TaskId> {
    let id: i32 = diesel::insert_into(support_tasks::table)
        .values((
            support_tasks::household_id.eq(task.household_id),
            support_tasks::person_id.eq(task.person_id),
            support_tasks::template_code.eq(task.template_code.map(TaskTemplate::code)),
            support_tasks::title.eq(task.title),
            support_tasks::due_date.eq(task.due),
            support_tasks::responsible.eq(task.responsible),
            support_tasks::created_at.eq(actor.at),
            support_tasks::created_by.eq(actor.user_id),
        ))
        .returning(support_tasks::id)
        .get_result(conn)?;
    Ok(TaskId::new(id))
}

/// Makes the standard tasks for a household received on `reception`, unless they exist.
pub(crate) fn create_standard(conn: &mut DbConn, actor: &Actor, household_id: i32, reception: NaiveDate) -> Result<()> {
    let existing: Vec<Option<String>> = support_tasks::table
        .filter(support_tasks::household_id.eq(household_id))
        .select(support_tasks::template_code)
        .load(conn)?;
    let existing: Vec<TaskTemplate> = codes(existing.into_iter().flatten().collect())?;
    let births: Vec<NaiveDate> =
        persons::table.filter(persons::household_id.eq(household_id)).select(persons::birth_date).load(conn)?;
    // A task's title and responsible are the household's record, written in Swedish; the page
    // says a standard task's title by its template code in the reader's language.
    let responsible = default_responsible().swedish();
    for task in standard_tasks(reception, &births) {
        if !existing.contains(&task.code) {
            insert(
                conn,
                actor,
                NewTask {
                    household_id,
                    person_id: None,
                    template_code: Some(task.code),
                    title: &task.title.swedish(),
                    due: task.due,
                    responsible: &responsible,
                },
            )?;
        }
    }
    Ok(())
}

/// The task the work principle's exception brings, due the next day.
pub(crate) fn create_economic_assistance(
    conn: &mut DbConn,
    actor: &Actor,
    household_id: HouseholdId,
    person_id: PersonId,
) -> Result<TaskId> {
    let today = actor.today();
    let due = today + chrono::Duration::days(ECONOMIC_ASSISTANCE.due_days);
    insert(
        conn,
        actor,
        NewTask {
            household_id: household_id.get(),
            person_id: Some(person_id.get()),
            template_code: Some(ECONOMIC_ASSISTANCE.code),
            title: &ECONOMIC_ASSISTANCE.title().swedish(),
            due,
            responsible: &default_responsible().swedish(),
        },
    )
}

/// Adds a task of the case worker's own.
pub fn add(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    household_id: i32,
    task: &domain::NewTask,
) -> Result<TaskId> {
    let (title, due, responsible) = (&task.title, task.due, &task.responsible);
    write(conn, |conn| {
        let code = scope.household(conn, household_id)?;
        let id = insert(
            conn,
            actor,
            NewTask { household_id, person_id: None, template_code: None, title, due, responsible },
        )?;
        append(conn, actor, Action::Update, &Record::new(HOUSEHOLD, household_id).in_municipality(&code))?;
        Ok(id)
    })
}

/// Marks a task done, on the day of the act.
pub fn complete(conn: &mut DbConn, actor: &Actor, scope: &Scope, task_id: TaskId) -> Result<i32> {
    let on = actor.today();
    let task_id = task_id.get();
    write(conn, |conn| {
        let household_id: i32 = support_tasks::table
            .find(task_id)
            .select(support_tasks::household_id)
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let code = scope.household(conn, household_id)?;
        let changed = diesel::update(support_tasks::table.find(task_id).filter(support_tasks::done_on.is_null()))
            .set(support_tasks::done_on.eq(on))
            .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::invalid("done_on", Text::new("task-already-done")));
        }
        append(conn, actor, Action::Update, &Record::new(HOUSEHOLD, household_id).in_municipality(&code))?;
        Ok(household_id)
    })
}

pub(crate) fn of_household(conn: &mut DbConn, household_id: i32) -> Result<Vec<Task>> {
    Ok(support_tasks::table
        .filter(support_tasks::household_id.eq(household_id))
        .order((support_tasks::done_on.is_not_null(), support_tasks::due_date, support_tasks::id))
        .select(Task::as_select())
        .load(conn)?)
}
