//! One decision, two front ends: every version of every seeded model, decided in the browser
//! by the dashboard's code (its load, its per-row reads, `ReviewData::check`), equals what the
//! `podium` command decided on the same server, to the byte of the JSON.
//!
//! scripts/test writes the command's decisions (scripts/parity_decisions.py) and names the file
//! at build time in `PODIUM_PARITY_DECISIONS`; run with `--features e2e`.
#![cfg(all(target_arch = "wasm32", feature = "e2e"))]

use std::collections::BTreeMap;

use podium::mlflow::{Client, Credentials, Fetch, ReviewData, Scope};
use podium::policy::{Policy, PolicySource};
use serde_json::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MLFLOW: &str = env!("PODIUM_TEST_MLFLOW");
const DECISIONS: &str = include_str!(env!("PODIUM_PARITY_DECISIONS"));
const POLICIES: [(&str, &str); 2] = [
    (
        "noise_aware",
        include_str!("fixtures/parity/noise_aware.json"),
    ),
    ("seed", include_str!("fixtures/parity/seed.json")),
];

#[wasm_bindgen_test]
async fn every_version_is_decided_in_the_browser_as_the_command_decides_it() {
    assert!(
        !DECISIONS.trim().is_empty(),
        "no decisions from the command: scripts/test writes them (scripts/parity_decisions.py)"
    );
    let client = Client::new(MLFLOW, &Credentials::None, Fetch::new());
    let mut reviews: BTreeMap<String, ReviewData> = BTreeMap::new();
    let mut compared = 0;
    for line in DECISIONS.lines() {
        let entry: Value = serde_json::from_str(line).unwrap();
        let expected = &entry["report"];
        let model = expected["model"].as_str().unwrap();
        let version = expected["version"].as_str().unwrap();
        let name = entry["policy"].as_str().unwrap();
        let text = POLICIES.iter().find(|(n, _)| *n == name).unwrap().1;
        let policy = Policy::from_json(text).unwrap();
        if !reviews.contains_key(model) {
            // The dashboard's load: every version, with its evidence.
            let review = client.load_review(model, Scope::All).await.unwrap();
            reviews.insert(model.to_owned(), review);
        }
        let review = &reviews[model];
        // As the dashboard and the command decide: rows read when the policy needs them.
        let rows = client
            .rows_for_decision(review, version, &policy)
            .await
            .unwrap();
        let report = review
            .check(version, &policy, PolicySource::File, rows.as_ref())
            .unwrap();
        let ours = serde_json::to_value(&report).unwrap();
        assert_eq!(
            serde_json::to_string(&ours).unwrap(),
            serde_json::to_string(expected).unwrap(),
            "{model} v{version} under {name}"
        );
        compared += 1;
    }
    web_sys::console::log_1(
        &format!("{compared} decisions identical in the browser and the command").into(),
    );
    assert!(compared >= 20, "only {compared} decisions compared");
}
