//! Property tests: any ledger made only through the ledger's own appends passes `check`; any
//! payload within capacity survives encode → render → decode.

use mobileid_kit::ledger::append::{self, NewRow};
use mobileid_kit::ledger::{self, Rules};
use mobileid_kit::qr::{Ec, Matrix};
use proptest::prelude::*;

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

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn ledgers_made_by_appends_pass_check(first in 0u64..3, ops in proptest::collection::vec(op(), 1..25)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.csv");
        std::fs::write(&path, "date,event,id,subject,note\n2026-01-01,created,,self-service,\n").unwrap();
        let rules = Rules { first_id: first, self_service: true, pending_days: 14 };
        let mut through: Option<u64> = None;
        for (day, op) in ops.into_iter().enumerate() {
            let date = mobileid_kit::date::format_day(mobileid_kit::date::days_from_civil(2026, 1, 2) + day as i64 / 3);
            let row = |event: &'static str, id: String, subject: String| NewRow { date: date.clone(), event, id, subject, note: String::new() };
            let rows = match op {
                Op::Assign(n) => {
                    let start = through.map_or(first, |t| t + 1);
                    vec![row("assigned", append::id_text(start, start + n - 1), String::new())]
                }
                // Any ID, assigned or not: an append that breaks a rule is refused, not written.
                Op::Register(i, subject) => vec![row("registered", (first + i as u64 % 40).to_string(), subject)],
                Op::Revoke(i) => vec![row("revoked", (first + i as u64 % 40).to_string(), String::new())],
            };
            let locked = append::lock(&path).unwrap();
            if locked.append(&rules, &rows, false).is_ok() && rows[0].event == "assigned" {
                let last = rows[0].id.rsplit('-').next().unwrap().parse::<u64>().unwrap();
                through = Some(last);
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
