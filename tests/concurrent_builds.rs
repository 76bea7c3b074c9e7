//! Case 8 of the second hardening round, the stress test: twenty builds of two projects
//! into one output folder at once (an admin and a scheduled job, many times over). The output
//! folder's lock makes them take turns; every kit verifies after every build. In its own test
//! binary, so its twenty processes do not starve the time-bounded tests.

mod common;

use common::*;
use std::process::Stdio;

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn twenty_concurrent_builds_into_one_folder_leave_whole_kits() {
    let (tmp, examples) = copy_dir(&repo().join("example-projects"));
    let projects = [examples.join("acme-hq"), examples.join("nordwerk-plant")];
    let children: Vec<_> = (0..20)
        .map(|i| {
            bin()
                .args(["build", s(&projects[i % 2]), "-o", "out", "--wait", "60"])
                .current_dir(tmp.path())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut broken = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for id in ["acme-hq", "nordwerk-plant"] {
            let kit = tmp.path().join("out").join(id);
            if kit.exists() && run_in(tmp.path(), &["verify", s(&kit)]).code != 0 {
                broken += 1;
            }
        }
    }
    assert_eq!(broken, 0, "kits broken by concurrent builds");
    for id in ["acme-hq", "nordwerk-plant"] {
        assert_eq!(
            run_in(tmp.path(), &["verify", &format!("out/{id}")]).code,
            0
        );
    }
    let left: Vec<String> = files(&tmp.path().join("out"))
        .into_iter()
        .filter(|f| f.contains(".building") || f.contains(".previous"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
