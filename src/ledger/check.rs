//! The ledger's rules (E101–E122, W150), checked in one pass with compact state: assigned IDs
//! form one consecutive range, so the checker keeps that range, one line number per ID for
//! registrations and one bit per ID for revocations.

use super::read::{Event, Mode, Problem, Row};
use crate::date::{Day, format_day};

const ID: Option<usize> = Some(2);
const DATE: Option<usize> = Some(0);
const SUBJECT: Option<usize> = Some(3);

/// More IDs than this in one project is not a ledger but a mistake (and would need memory).
pub const MAX_IDS: u64 = 50_000_000;

/// One `assigned` row as accepted: its IDs and day.
#[derive(Debug, Clone, Copy)]
pub struct Assignment {
    pub first: u64,
    pub last: u64,
    pub day: Day,
    pub line: u64,
}

#[derive(Debug)]
pub struct Checker {
    first_id: u64,
    self_service: bool,
    pub problems: Vec<Problem>,
    created_line: Option<u64>,
    rows: u64,
    newest: Option<(Day, u64)>,
    pub assignments: Vec<Assignment>,
    /// The last ID assigned so far (none before the first assignment).
    assigned_through: Option<u64>,
    /// Per ID from `first_id`: the line of its registration, 0 if none.
    registered_at: Vec<u32>,
    /// Per ID from `first_id`: revoked.
    revoked: Vec<u64>,
    /// IDs assigned and registrations accepted so far, at the end of each day with rows.
    timeline: Vec<DayCount>,
}

/// The IDs assigned and registered (and not revoked since) up to the end of a day, for the
/// rollout chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DayCount {
    #[serde(serialize_with = "day_text")]
    pub day: Day,
    pub assigned: u64,
    pub registered: u64,
}

fn day_text<S: serde::Serializer>(day: &Day, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_day(*day))
}

/// What the ledger says, for `status`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Pending {
    pub id: u64,
    pub assigned: String,
    pub days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub assigned: u64,
    pub registered: u64,
    pub revoked: u64,
    /// Assigned, not revoked, not registered (within the pending days or not).
    pub unregistered: u64,
    pub pending: Vec<Pending>,
    pub newest: Option<String>,
    /// The last ID assigned, if any.
    pub assigned_through: Option<u64>,
    /// Cumulative counts per day with rows, oldest first.
    pub timeline: Vec<DayCount>,
    /// Every revoked ID, in order.
    pub revoked_ids: Vec<u64>,
}

impl Checker {
    pub fn new(first_id: u64, self_service: bool) -> Self {
        Checker {
            first_id,
            self_service,
            problems: Vec::new(),
            created_line: None,
            rows: 0,
            newest: None,
            assignments: Vec::new(),
            assigned_through: None,
            registered_at: Vec::new(),
            revoked: Vec::new(),
            timeline: Vec::new(),
        }
    }

    fn problem(
        &mut self,
        line: u64,
        column: Option<usize>,
        code: &'static str,
        message: String,
        help: impl Into<String>,
    ) {
        self.problems
            .push(Problem::new(line, column, code, message, help));
    }

    /// A malformed row still counts as a row (the first row must be `created`).
    pub fn malformed(&mut self, problem: Problem) {
        self.rows += 1;
        self.problems.push(problem);
    }

    pub fn feed(&mut self, row: Row) {
        self.rows += 1;
        let line = row.line;
        match self.newest {
            Some((day, at)) if row.day < day => self.problem(
                line,
                DATE,
                "E111",
                format!("the date {} goes back before {} (line {at})", format_day(row.day), format_day(day)),
                "rows are only ever appended, oldest first; give this row a date on or after the one before it",
            ),
            _ => self.newest = Some((row.day, line)),
        }
        self.count_day(row.day);
        match row.event {
            Event::Created(mode) => self.created(line, mode),
            _ if self.rows == 1 => self.problem(line, Some(1), "E101", "the first row is not `created`".into(), "start the ledger, right after the header, with the row `DATE,created,,self-service,` for the day the project was created in Manager"),
            _ => {}
        }
        match row.event {
            Event::Created(_) => {}
            Event::Assigned(first, last) => self.assigned(line, row.day, first, last),
            Event::Registered(id) => self.registered(line, id),
            Event::Revoked(id) => self.revoke(line, id),
        }
    }

    /// Starts the day's entry of the timeline, carrying the counts over.
    fn count_day(&mut self, day: Day) {
        match self.timeline.last() {
            Some(last) if last.day >= day => {}
            last => {
                let (assigned, registered) = last.map_or((0, 0), |l| (l.assigned, l.registered));
                self.timeline.push(DayCount {
                    day,
                    assigned,
                    registered,
                });
            }
        }
    }

    fn today(&mut self) -> Option<&mut DayCount> {
        self.timeline.last_mut()
    }

    fn created(&mut self, line: u64, mode: Mode) {
        if let Some(first) = self.created_line {
            self.problem(line, Some(1), "E101", format!("`created` appears again (first on line {first})"), "a project is created once; remove this row or start a new ledger for a new project");
            return;
        }
        // A `created` row later than the first: the first row already got its E101.
        self.created_line = Some(line);
        let expected = if self.self_service {
            Mode::SelfService
        } else {
            Mode::AdminManaged
        };
        if mode != expected {
            self.problem(
                line,
                SUBJECT,
                "E102",
                format!("the ledger's project was created `{}`, but project.toml says self_service = {}", mode.as_str(), self.self_service),
                "the mode is fixed when the project is created in Manager; a self-service project needs a new project and a new ledger",
            );
        }
    }

    fn assigned(&mut self, line: u64, day: Day, first: u64, last: u64) {
        let expected = self
            .assigned_through
            .map_or(Some(self.first_id), |t| t.checked_add(1));
        let Some(expected) = expected else {
            self.problem(
                line,
                ID,
                "E110",
                "no ID is left after the last one assigned".into(),
                "IDs fit in 64 bits",
            );
            return;
        };
        if first < self.first_id {
            self.problem(
                line,
                ID,
                "E110",
                format!(
                    "{} lies before the project's first ID {}",
                    range(first, last.min(self.first_id - 1)),
                    self.first_id
                ),
                "check `ids.first` in project.toml against Manager's Settings",
            );
        } else if first > expected {
            self.problem(line, ID, "E110", format!("{} were never assigned: this row starts at {first}", range(expected, first - 1)), "Manager assigns IDs one after another; add the missing assignment, or correct this row from Manager's Settings");
        } else if first < expected {
            let repeated_last = last.min(expected - 1);
            self.problem(line, ID, "E110", format!("{} were assigned before", range(first, repeated_last)), format!("an assignment starts right after the last one, at {expected}; record only the IDs Manager added since"));
        }
        let through = self.assigned_through.map_or(last, |t| t.max(last));
        if through - self.first_id.min(through) >= MAX_IDS {
            self.problem(
                line,
                ID,
                "E110",
                format!("this row would make more than {MAX_IDS} IDs"),
                "check the range against Manager's Settings",
            );
            return;
        }
        self.assigned_through = Some(through);
        let count = (through - self.first_id.min(through) + 1) as usize;
        if self.registered_at.len() < count {
            self.registered_at.resize(count, 0);
            self.revoked.resize(count.div_ceil(64), 0);
        }
        let from = first.max(expected).max(self.first_id);
        if from <= last {
            if let Some(today) = self.today() {
                today.assigned += last - from + 1;
            }
            self.assignments.push(Assignment {
                first: from,
                last,
                day,
                line,
            });
        }
    }

    /// The slot of an assigned ID.
    fn slot(&self, id: u64) -> Option<usize> {
        let through = self.assigned_through?;
        (id >= self.first_id && id <= through).then(|| (id - self.first_id) as usize)
    }

    fn is_revoked(&self, slot: usize) -> bool {
        self.revoked[slot / 64] & (1 << (slot % 64)) != 0
    }

    fn registered(&mut self, line: u64, id: u64) {
        let Some(slot) = self.slot(id) else {
            let through = self
                .assigned_through
                .map_or("no ID is assigned yet".to_string(), |t| {
                    format!("IDs are assigned through {t}")
                });
            self.problem(line, ID, "E120", format!("ID {id} is registered, but Manager has not assigned it ({through})"), "record Manager's assignment first (`mobileid-kit ledger assigned --through ID`), or correct the ID");
            return;
        };
        if self.is_revoked(slot) {
            self.problem(line, ID, "E122", format!("ID {id} is registered again after it was revoked"), "a revoked ID is retired for good; the user activates the app again and registers the new ID");
            return;
        }
        let earlier = self.registered_at[slot];
        if earlier != 0 {
            self.problem(line, ID, "E121", format!("ID {id} is registered twice"), format!("it was registered on line {earlier}; revoke it first if the phone changed hands"));
            if let Some(p) = self.problems.last_mut() {
                p.earlier = Some(u64::from(earlier));
            }
            return;
        }
        self.registered_at[slot] = u32::try_from(line).unwrap_or(u32::MAX);
        if let Some(today) = self.today() {
            today.registered += 1;
        }
    }

    fn revoke(&mut self, line: u64, id: u64) {
        let Some(slot) = self.slot(id) else {
            self.problem(
                line,
                ID,
                "E122",
                format!("ID {id} is revoked, but it was never assigned"),
                "check the ID against Manager's Settings",
            );
            return;
        };
        if self.is_revoked(slot) {
            self.problem(
                line,
                ID,
                "E122",
                format!("ID {id} is revoked again"),
                "an ID is revoked once; remove this row",
            );
            return;
        }
        self.revoked[slot / 64] |= 1 << (slot % 64);
        // A revoked registration no longer counts as registered.
        if self.registered_at[slot] != 0
            && let Some(today) = self.today()
        {
            today.registered = today.registered.saturating_sub(1);
        }
    }

    /// Ends the pass: E101 if there was no row, then [`Checker::reconcile`].
    pub fn finish(&mut self, pending_days: u32) -> Summary {
        if self.rows == 0 {
            self.problem(1, None, "E101", "the ledger has no `created` row".into(), "add the row `DATE,created,,self-service,` for the day the project was created in Manager");
        }
        self.reconcile(pending_days)
    }

    /// What the rows say, for `status`; W150 for IDs waiting too long.
    pub fn reconcile(&mut self, pending_days: u32) -> Summary {
        let newest = self.newest.map(|(d, _)| d);
        let mut summary = Summary {
            assigned: 0,
            registered: 0,
            revoked: 0,
            unregistered: 0,
            pending: Vec::new(),
            newest: newest.map(format_day),
            assigned_through: self.assigned_through,
            timeline: self.timeline.clone(),
            revoked_ids: Vec::new(),
        };
        let assignments = std::mem::take(&mut self.assignments);
        for a in &assignments {
            let waited = newest.map_or(0, |n| n - a.day);
            let mut late = Vec::new();
            for id in a.first..=a.last {
                let slot = (id - self.first_id) as usize;
                summary.assigned += 1;
                if self.is_revoked(slot) {
                    summary.revoked += 1;
                    summary.revoked_ids.push(id);
                } else if self.registered_at[slot] != 0 {
                    summary.registered += 1;
                } else {
                    summary.unregistered += 1;
                    if waited > i64::from(pending_days) {
                        late.push(id);
                        summary.pending.push(Pending {
                            id,
                            assigned: format_day(a.day),
                            days: waited,
                        });
                    }
                }
            }
            if !late.is_empty() {
                let shown: Vec<String> = late.iter().take(10).map(u64::to_string).collect();
                let more = if late.len() > 10 {
                    format!(" and {} more", late.len() - 10)
                } else {
                    String::new()
                };
                self.problem(
                    a.line,
                    ID,
                    "W150",
                    format!("{} {}{more} assigned {waited} days before the newest row, not registered yet", if late.len() == 1 { "ID" } else { "IDs" }, shown.join(", ")),
                    format!("remind these users to register (the app does not), or revoke IDs that will not be used; the limit is {pending_days} days (--pending-days)"),
                );
            }
        }
        self.assignments = assignments;
        summary
    }
}

fn range(first: u64, last: u64) -> String {
    if first == last {
        format!("ID {first}")
    } else {
        format!("IDs {first}–{last}")
    }
}
