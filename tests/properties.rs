//! Property tests: any ledger made only through the ledger's own appends passes `check`; any
//! payload within capacity survives encode → render → decode.

use mobileid_kit::ledger::append::{self, NewRow};
use mobileid_kit::ledger::{self, Rules};
use mobileid_kit::qr::{Ec, Matrix};
use proptest::prelude::*;
use std::collections::HashSet;

#[derive(Debug, Clone)]
enum Op {
    Assign(u64),
    Register(usize, String),
    Revoke(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u64..6).prop_map(Op::Assign),
        (any::<usize>(), "[a-zA-Z0-9 ,\"äöü-]{1,12}").prop_map(|(i, s)| Op::Register(i, s)),
        any::<usize>().prop_map(Op::Revoke),
    ]
}

/// What the ledger's rules allow, kept apart from the program's checker.
struct Model {
    through: Option<u64>,
    registered: HashSet<u64>,
    revoked: HashSet<u64>,
}

impl Model {
    fn assigned(&self, first: u64, id: u64) -> bool {
        self.through.is_some_and(|t| id >= first && id <= t)
    }

    fn may_register(&self, first: u64, id: u64, subject: &str) -> bool {
        let spreadsheet_formula = subject.starts_with(['=', '+', '-', '@']);
        self.assigned(first, id)
            && !self.revoked.contains(&id)
            && !self.registered.contains(&id)
            && !subject.trim().is_empty()
            && !spreadsheet_formula
    }

    fn may_revoke(&self, first: u64, id: u64) -> bool {
        self.assigned(first, id) && !self.revoked.contains(&id)
    }

    fn apply(&mut self, first: u64, op: &Op) {
        match op {
            Op::Assign(n) => self.through = Some(self.through.map_or(first, |t| t + 1) + n - 1),
            Op::Register(i, _) => {
                self.registered.insert(first + *i as u64 % 40);
            }
            Op::Revoke(i) => {
                self.revoked.insert(first + *i as u64 % 40);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn ledgers_made_by_appends_pass_check(first in 0u64..3, ops in proptest::collection::vec(op(), 1..25)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.csv");
        std::fs::write(&path, "date,event,id,subject,note\n2026-01-01,created,,self-service,\n").unwrap();
        let rules = Rules { first_id: first, self_service: true, pending_days: 14 };
        let mut model = Model { through: None, registered: HashSet::new(), revoked: HashSet::new() };
        for (day, op) in ops.into_iter().enumerate() {
            let date = mobileid_kit::date::format_day(mobileid_kit::date::days_from_civil(2026, 1, 2) + day as i64 / 3);
            let row = |event: &'static str, id: String, subject: String| NewRow { date: date.clone(), event, id, subject, note: String::new() };
            // Any ID, assigned or not: the model says whether the rules allow the row.
            let (rows, allowed) = match &op {
                Op::Assign(n) => {
                    let start = model.through.map_or(first, |t| t + 1);
                    (vec![row("assigned", append::id_text(start, start + n - 1), String::new())], true)
                }
                Op::Register(i, subject) => {
                    let id = first + *i as u64 % 40;
                    (vec![row("registered", id.to_string(), subject.clone())], model.may_register(first, id, subject))
                }
                Op::Revoke(i) => {
                    let id = first + *i as u64 % 40;
                    (vec![row("revoked", id.to_string(), String::new())], model.may_revoke(first, id))
                }
            };
            let before = std::fs::read(&path).unwrap();
            let locked = append::lock(&path, mobileid_kit::lock::DEFAULT_WAIT).unwrap();
            let result = locked.append(&rules, &rows, false);
            drop(locked);
            prop_assert_eq!(result.is_ok(), allowed, "{:?}: {:?}", op, result.err().map(|e| e.to_string()));
            if allowed {
                model.apply(first, &op);
            } else {
                prop_assert_eq!(std::fs::read(&path).unwrap(), before, "a refused append wrote");
            }
        }
        let checked = ledger::check_file(&path, &rules).unwrap();
        let errors: Vec<String> = checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.render_text()).collect();
        prop_assert!(errors.is_empty(), "{}\n{}", errors.join("\n"), std::fs::read_to_string(&path).unwrap());
    }

    #[test]
    fn payloads_survive_encode_render_decode(chars in proptest::collection::vec(any::<char>(), 1..200), ec in 0usize..4) {
        let payload: String = chars.into_iter().collect();
        let ec = [Ec::L, Ec::M, Ec::Q, Ec::H][ec];
        if let Some(m) = Matrix::encode(&payload, ec) {
            let png = mobileid_kit::qr::decode_single_png(&m.to_png(4)).unwrap();
            prop_assert_eq!(&png, &payload);
            let svg = mobileid_kit::qr::decode_svg(&m.to_svg("code"), 0.5).unwrap();
            prop_assert_eq!(svg, vec![Ok(payload)]);
        }
    }
}
