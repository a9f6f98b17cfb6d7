//! The `podium` command against real, seeded `mlflow server`s: every subcommand and exit
//! status, bad input, and a colleague's move between the decision and the write.
//!
//! The servers are started by this binary when a test first needs them and stopped when it
//! ends, whatever the outcome (its own test runner: `harness = false`). Tests that write run on
//! servers of their own.

#[path = "../../tests/support/mlflow_server.rs"]
mod mlflow_server;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use libtest_mimic::{Arguments, Failed, Trial};
use mlflow_server::{aliases_of, mlflow_call, out_dir, tag_values, Mlflow, Proxy, ADMIN};
use serde_json::Value;

const HEALTH: &str = "health_monitor_agent";
const SEED: &str = r#"{"relevance/mean": 0.7, "safety/mean": 0.9, "guidelines/mean": 0.6, "cost_accuracy/mean": 0.8}"#;

/// Servers started so far, stopped at the end.
static SERVERS: Mutex<Vec<&'static Mlflow>> = Mutex::new(Vec::new());
static SHARED: OnceLock<&'static Mlflow> = OnceLock::new();

fn keep(server: Mlflow) -> &'static Mlflow {
    let server: &'static Mlflow = Box::leak(Box::new(server));
    SERVERS.lock().unwrap().push(server);
    server
}

/// The seeded server the read-only tests share.
fn shared() -> &'static Mlflow {
    SHARED.get_or_init(|| keep(Mlflow::start_seeded("cli")))
}

/// A seeded server of one test's own.
fn own(name: &str) -> &'static Mlflow {
    keep(Mlflow::start_seeded(name))
}

/// What one run of the command did.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `podium args…` against `uri`, with no terminal (stdin closed) and `env` set.
fn podium_with(uri: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_podium"));
    command
        .args(args)
        .env("MLFLOW_TRACKING_URI", uri)
        .env_remove("MLFLOW_TRACKING_USERNAME")
        .env_remove("MLFLOW_TRACKING_PASSWORD")
        .env_remove("MLFLOW_TRACKING_TOKEN")
        .stdin(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the podium binary");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

fn podium(uri: &str, args: &[&str]) -> Run {
    podium_with(uri, args, &[])
}

/// A policy file with `json` in it.
fn policy_file(name: &str, json: &str) -> PathBuf {
    let path = out_dir().join(format!("cli-policy-{}-{name}.json", std::process::id()));
    std::fs::write(&path, json).unwrap();
    path
}

fn save_policy_tag(base: &str, json: &str) {
    mlflow_call(
        base,
        "POST",
        "registered-models/set-tag",
        Some(&serde_json::json!({"name": HEALTH, "key": "podium.policy", "value": json})),
        Some(ADMIN),
    );
}

fn aliases(base: &str) -> std::collections::BTreeMap<String, String> {
    aliases_of(base, HEALTH, Some(ADMIN))
}

fn audit_records(base: &str, version: &str) -> Vec<Value> {
    mlflow_server::audit_records(base, HEALTH, version, Some(ADMIN))
}

fn check(condition: bool, what: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition {
        Ok(())
    } else {
        Err(what().into())
    }
}

// Read-only, on the shared server.

fn check_decides_the_newest_version_in_the_dashboards_sentences() -> Result<(), Failed> {
    let seed = policy_file("seed", SEED);
    let run = podium(
        &shared().url,
        &["check", HEALTH, "--policy", seed.to_str().unwrap()],
    );
    check(run.code == 0, || {
        format!("exit {}: {}", run.code, run.stderr)
    })?;
    for line in [
        "health_monitor_agent v6 under the policy file (fingerprint ",
        "Plan: production: v4 → v6 · champion stays v3: v6 wins 1 of 3 key metrics",
        "Passes the policy: 4 checks passed, 0 failed; 4 of 4 rules checked.",
        "✓ pass: relevance/mean (logged as relevance_to_query/mean) = 0.82 >= threshold 0.7",
        "Against the champion: the candidate wins 1 of 3 key metrics, the champion 2.",
        "Podium would move: production: v4 → v6",
    ] {
        check(run.stdout.contains(line), || {
            format!("{line:?} not in:\n{}", run.stdout)
        })?;
    }
    Ok(())
}

fn check_says_no_with_exit_1_and_picks_by_version_or_alias() -> Result<(), Failed> {
    let seed = policy_file("seed-no", SEED);
    let file = seed.to_str().unwrap();
    let failing = podium(
        &shared().url,
        &["check", HEALTH, "--version", "2", "--policy", file],
    );
    check(failing.code == 1, || {
        format!("v2 fails: exit {}", failing.code)
    })?;
    check(
        failing
            .stdout
            .contains("No move: The version fails the policy (1 check(s) failed)"),
        || failing.stdout.clone(),
    )?;
    // v1 has no evaluation: the seed would pass it; Podium never promotes on missing evidence.
    let unevaluated = podium(
        &shared().url,
        &["check", HEALTH, "--version", "1", "--policy", file],
    );
    check(unevaluated.code == 1, || {
        format!("v1: exit {}", unevaluated.code)
    })?;
    check(
        unevaluated.stdout.contains("No evaluation was found"),
        || unevaluated.stdout.clone(),
    )?;
    // The version production holds already: yes.
    let production = podium(
        &shared().url,
        &["check", HEALTH, "--alias", "production", "--policy", file],
    );
    check(production.code == 0, || {
        format!("v4: exit {}: {}", production.code, production.stdout)
    })?;
    check(
        production.stdout.starts_with("health_monitor_agent v4 "),
        || production.stdout.clone(),
    )
}

fn check_json_is_one_object_with_the_decision_the_moves_and_the_policy() -> Result<(), Failed> {
    let seed = policy_file("seed-json", SEED);
    let run = podium(
        &shared().url,
        &[
            "check",
            HEALTH,
            "--policy",
            seed.to_str().unwrap(),
            "--json",
        ],
    );
    check(run.code == 0, || run.stderr.clone())?;
    let report: Value =
        serde_json::from_str(&run.stdout).map_err(|e| format!("{e}: {}", run.stdout))?;
    check(
        report["model"] == HEALTH && report["version"] == "6",
        || run.stdout.clone(),
    )?;
    let decision = &report["decision"];
    check(
        decision["promote_production"] == true && decision["promote_champion"] == false,
        || run.stdout.clone(),
    )?;
    check(
        decision["checks"].as_array().map_or(0, Vec::len) == 4,
        || run.stdout.clone(),
    )?;
    check(
        decision["champion_comparison"]["metrics"].is_array(),
        || run.stdout.clone(),
    )?;
    check(
        report["moves"] == serde_json::json!([{"alias": "production", "from": "4", "to": "6"}]),
        || run.stdout.clone(),
    )?;
    let fingerprint = report["policy"]["fingerprint"].as_str().unwrap_or_default();
    check(fingerprint.len() == 16, || run.stdout.clone())?;
    check(report["policy"]["source"] == "file", || run.stdout.clone())
}

fn bad_input_is_exit_2_with_one_sentence_on_stderr() -> Result<(), Failed> {
    let url = &shared().url;
    let seed = policy_file("seed-bad", SEED);
    let file = seed.to_str().unwrap();
    let broken = policy_file(
        "broken",
        r#"{"rules": [{"metric": "a", "threshold": "x"}]}"#,
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["check", "no_such_model", "--policy", file],
            "not found",
        ),
        (
            vec!["check", HEALTH, "--version", "99", "--policy", file],
            "has no version 99",
        ),
        (
            vec!["check", HEALTH, "--alias", "canary", "--policy", file],
            "has no alias canary",
        ),
        (
            vec!["check", HEALTH],
            "no policy is saved on health_monitor_agent",
        ),
        (
            vec!["check", HEALTH, "--policy", broken.to_str().unwrap()],
            "is not a valid policy",
        ),
        (
            vec!["check", HEALTH, "--policy", "/nonexistent.json"],
            "cannot read the policy file",
        ),
    ];
    for (args, said) in cases {
        let run = podium(url, &args);
        check(run.code == 2, || format!("{args:?}: exit {}", run.code))?;
        let last = run.stderr.lines().last().unwrap_or_default().to_owned();
        check(last.starts_with("podium: ") && last.contains(said), || {
            format!("{args:?}: {:?} not in {:?}", said, run.stderr)
        })?;
        check(run.stdout.is_empty(), || {
            format!("{args:?} printed {}", run.stdout)
        })?;
    }
    let missing = podium("", &["check", HEALTH]);
    check(
        missing.code == 2 && missing.stderr.contains("set MLFLOW_TRACKING_URI"),
        || missing.stderr.clone(),
    )?;
    // A server that is down: three attempts, 1.5 s of back-off, then exit 2.
    let started = Instant::now();
    let down = podium("http://127.0.0.1:9", &["check", HEALTH, "--policy", file]);
    check(
        down.code == 2 && down.stderr.contains("Cannot reach MLflow"),
        || down.stderr.clone(),
    )?;
    check(started.elapsed().as_secs() < 10, || {
        format!("took {:?}", started.elapsed())
    })
}

fn the_noise_aware_rule_reads_the_evaluations_rows() -> Result<(), Failed> {
    let policy = policy_file(
        "judged",
        r#"{"rules": [{"metric": "exact_match/mean", "threshold": 0.5},
                      {"metric": "token_overlap/mean", "threshold": 0.5}],
            "champion_metrics": ["exact_match/mean", "token_overlap/mean"],
            "noise_aware_champion": true}"#,
    );
    let run = podium(
        &shared().url,
        &[
            "check",
            "judged_agent",
            "--version",
            "2",
            "--policy",
            policy.to_str().unwrap(),
            "--json",
        ],
    );
    check(run.code == 0, || {
        format!("exit {}: {}", run.code, run.stderr)
    })?;
    check(run.stderr.contains("reading the evaluations' rows"), || {
        run.stderr.clone()
    })?;
    let report: Value = serde_json::from_str(&run.stdout)?;
    // v2's gain over champion v1 is within noise: the noise-aware rule keeps v1.
    check(report["decision"]["promote_champion"] == false, || {
        run.stdout.clone()
    })?;
    check(
        report["decision"]["champion_comparison"]["metrics"][0]["outcome"] == "tie",
        || run.stdout.clone(),
    )
}

fn history_and_policy_show_on_a_model_without_either() -> Result<(), Failed> {
    let history = podium(&shared().url, &["history", HEALTH]);
    check(
        history.code == 0 && history.stdout.contains("No alias moves recorded"),
        || history.stdout.clone(),
    )?;
    let json = podium(&shared().url, &["history", HEALTH, "--json"]);
    check(json.stdout.trim() == "[]", || json.stdout.clone())?;
    let show = podium(&shared().url, &["policy", "show", HEALTH]);
    check(
        show.code == 1 && show.stderr.contains("no policy is saved"),
        || show.stderr.clone(),
    )
}

fn check_decides_under_mlflows_quality_criteria_when_asked() -> Result<(), Failed> {
    let url = &shared().url;
    let run = podium(
        url,
        &["check", "judged_agent", "--policy", "mlflow-criteria"],
    );
    check(run.code == 0, || {
        format!("exit {}: {}{}", run.code, run.stdout, run.stderr)
    })?;
    for line in [
        "judged_agent v3 under MLflow's quality criteria on its evaluation run (fingerprint ",
        "Plan: production: v1 → v3 · champion: v1 → v3: v3 wins 2 of 2 key metrics",
        "✓ pass: exact_match/mean = 0.95 >= threshold 0.9",
    ] {
        check(run.stdout.contains(line), || {
            format!("{line:?} not in:\n{}", run.stdout)
        })?;
    }
    // v1 does not meet them: exit 1.
    let v1 = podium(
        url,
        &[
            "check",
            "judged_agent",
            "--version",
            "1",
            "--policy",
            "mlflow-criteria",
        ],
    );
    check(v1.code == 1, || format!("exit {}: {}", v1.code, v1.stdout))?;
    // A run without criteria: said, exit 2.
    let none = podium(url, &["check", HEALTH, "--policy", "mlflow-criteria"]);
    check(
        none.code == 2
            && none
                .stderr
                .contains("v6's evaluation run has no mlflow.genaiEvaluate.qualityCriteria tag"),
        || format!("exit {}: {}", none.code, none.stderr),
    )
}

/// MLflow 2.22 (the last 2.x line, its own virtualenv): the command decides, saves, promotes
/// with its records and lists the history as on 3.x; what 2.x cannot serve (traces, for the
/// noise-aware rule) is refused by name, never decided on the means instead.
fn on_mlflow_2_the_command_works_and_names_what_the_server_cannot_serve() -> Result<(), Failed> {
    let server = keep(Mlflow::start_seeded_mlflow2("cli-mlflow2"));
    let url = &server.url;
    let seed = policy_file("seed-mlflow2", SEED);
    let file = seed.to_str().unwrap();
    let saved = podium(url, &["policy", "save", HEALTH, file, "--yes"]);
    check(saved.code == 0, || saved.stderr.clone())?;
    let checked = podium(url, &["check", HEALTH]);
    check(
        checked.code == 0
            && checked.stdout.contains(
                "Plan: production: v4 → v6 · champion stays v3: v6 wins 1 of 3 key metrics",
            ),
        || {
            format!(
                "exit {}: {}{}",
                checked.code, checked.stdout, checked.stderr
            )
        },
    )?;
    let applied = podium(url, &["promote", HEALTH, "--version", "6", "--yes"]);
    check(
        applied.code == 0
            && applied
                .stdout
                .contains("Applied: production: v4 → v6 (recorded as podium.audit."),
        || {
            format!(
                "exit {}: {}{}",
                applied.code, applied.stdout, applied.stderr
            )
        },
    )?;
    check(aliases(url)["production"] == "6", || {
        format!("{:?}", aliases(url))
    })?;
    let history = podium(url, &["history", HEALTH]);
    check(
        history.code == 0 && history.stdout.contains("production: v4 → v6"),
        || history.stdout.clone(),
    )?;

    let noise_aware = policy_file(
        "judged-mlflow2",
        r#"{"rules": [{"metric": "exact_match/mean", "threshold": 0.5},
                      {"metric": "token_overlap/mean", "threshold": 0.5}],
            "champion_metrics": ["exact_match/mean", "token_overlap/mean"],
            "noise_aware_champion": true}"#,
    );
    let refused = podium(
        url,
        &[
            "check",
            "judged_agent",
            "--policy",
            noise_aware.to_str().unwrap(),
        ],
    );
    check(
        refused.code == 2
            && refused
                .stderr
                .contains("This MLflow server has no traces/search endpoint (MLflow 3.0 added it)")
            && refused.stdout.is_empty(),
        || {
            format!(
                "exit {}: {}{}",
                refused.code, refused.stdout, refused.stderr
            )
        },
    )
}

// Writes, each on a server of its own.
// Writes, each on a server of its own.

fn save_then_promote_with_the_dashboards_refusals_guard_and_records() -> Result<(), Failed> {
    let server = own("cli-promote");
    let url = &server.url;
    let seed = policy_file("seed-save", SEED);
    let file = seed.to_str().unwrap();
    // Saving needs --yes without a terminal; then it saves.
    let refused = podium(url, &["policy", "save", HEALTH, file]);
    check(
        refused.code == 2 && refused.stderr.contains("without --yes"),
        || refused.stderr.clone(),
    )?;
    let saved = podium(url, &["policy", "save", HEALTH, file, "--yes"]);
    check(saved.code == 0, || saved.stderr.clone())?;
    let show = podium(url, &["policy", "show", HEALTH]);
    check(
        show.code == 0 && show.stdout.contains("\"relevance/mean\""),
        || show.stdout.clone(),
    )?;
    // Now `check` decides under the saved policy.
    let checked = podium(url, &["check", HEALTH, "--json"]);
    let report: Value = serde_json::from_str(&checked.stdout)?;
    check(report["policy"]["source"] == "saved", || {
        checked.stdout.clone()
    })?;

    let before = aliases(url);
    // No terminal, no --yes: nothing is written.
    let unconfirmed = podium(url, &["promote", HEALTH, "--version", "6"]);
    check(
        unconfirmed.code == 2 && unconfirmed.stderr.contains("without --yes"),
        || unconfirmed.stderr.clone(),
    )?;
    // A dry run writes nothing.
    let dry = podium(url, &["promote", HEALTH, "--version", "6", "--dry-run"]);
    check(
        dry.code == 0 && dry.stdout.contains("Dry run: nothing was written."),
        || dry.stdout.clone(),
    )?;
    // A failing version: no move, exit 1.
    let failing = podium(url, &["promote", HEALTH, "--version", "2", "--yes"]);
    check(
        failing.code == 1 && failing.stdout.contains("No move:"),
        || failing.stdout.clone(),
    )?;
    check(aliases(url) == before, || "something moved".into())?;

    let applied = podium(url, &["promote", HEALTH, "--version", "6", "--yes"]);
    check(applied.code == 0, || {
        format!(
            "exit {}: {} {}",
            applied.code, applied.stdout, applied.stderr
        )
    })?;
    check(
        applied
            .stdout
            .contains("Applied: production: v4 → v6 (recorded as podium.audit."),
        || applied.stdout.clone(),
    )?;
    check(aliases(url)["production"] == "6", || {
        format!("{:?}", aliases(url))
    })?;
    let records = audit_records(url, "6");
    check(
        records.len() == 1 && records[0]["kind"] == "pipeline",
        || format!("{records:?}"),
    )?;
    check(records[0]["policy"]["source"] == "saved", || {
        format!("{records:?}")
    })?;
    // The history lists it, newest first, as the dashboard's does, after the aliases no
    // record explains (the seed set them through MLflow directly).
    let history = podium(url, &["history", HEALTH]);
    let lines: Vec<&str> = history.stdout.lines().collect();
    check(
        lines.len() == 3
            && lines[0]
                == "Set outside Podium (no trustworthy record here explains it): champion → v3, \
                    staging → v6"
            && lines[2].contains("production: v4 → v6  pipeline"),
        || history.stdout.clone(),
    )?;
    // Promoting again: nothing to move.
    let again = podium(url, &["promote", HEALTH, "--version", "6", "--yes"]);
    check(
        again.code == 1 && again.stdout.contains("Nothing to move"),
        || again.stdout.clone(),
    )
}

fn an_unreadable_saved_policy_stops_check_and_promote() -> Result<(), Failed> {
    let server = own("cli-unreadable");
    let url = &server.url;
    save_policy_tag(url, "{not json");
    let before = aliases(url);
    for args in [
        vec!["check", HEALTH],
        vec!["promote", HEALTH, "--version", "6", "--yes"],
    ] {
        let run = podium(url, &args);
        check(run.code == 2, || format!("{args:?}: exit {}", run.code))?;
        check(
            run.stderr
                .contains("the policy saved on health_monitor_agent is invalid"),
            || run.stderr.clone(),
        )?;
    }
    check(aliases(url) == before, || "something moved".into())
}

fn a_colleagues_move_between_decision_and_write_writes_nothing() -> Result<(), Failed> {
    let server = own("cli-conflict");
    save_policy_tag(&server.url, SEED);
    // The command's second read of the model is its guard's, right before the first write: a
    // colleague crowns v5 just before it.
    let proxy = Proxy::start(&server.url, &["--colleague-on-read", "2:champion=5"]);
    let run = podium(&proxy.url, &["promote", HEALTH, "--version", "6", "--yes"]);
    check(run.code == 2, || {
        format!("exit {}: {}", run.code, run.stderr)
    })?;
    check(
        run.stderr.contains("Nothing was written")
            && run
                .stderr
                .contains("champion was v3 when the decision was made and is now v5"),
        || run.stderr.clone(),
    )?;
    let now = aliases(&server.url);
    check(now["production"] == "4" && now["champion"] == "5", || {
        format!("{now:?}")
    })?;
    check(audit_records(&server.url, "6").is_empty(), || {
        "a record was written".into()
    })
}

fn records_name_the_user_the_credentials_sign_in_as() -> Result<(), Failed> {
    let server = keep(Mlflow::start_seeded_auth("cli-auth"));
    save_policy_tag(&server.url, SEED);
    let editor = [
        ("MLFLOW_TRACKING_USERNAME", "editor"),
        ("MLFLOW_TRACKING_PASSWORD", "editor-password-1"),
    ];
    let anonymous = podium(&server.url, &["check", HEALTH]);
    check(
        anonymous.code == 2 && anonymous.stderr.contains("MLFLOW_TRACKING_USERNAME"),
        || anonymous.stderr.clone(),
    )?;
    let run = podium_with(
        &server.url,
        &["promote", HEALTH, "--version", "6", "--yes"],
        &editor,
    );
    check(run.code == 0, || {
        format!("exit {}: {} {}", run.code, run.stdout, run.stderr)
    })?;
    check(
        !run.stdout.contains("editor-password-1") && !run.stderr.contains("editor-password-1"),
        || "the password was printed".into(),
    )?;
    let records = audit_records(&server.url, "6");
    check(records.len() == 1 && records[0]["user"] == "editor", || {
        format!("{records:?}")
    })
}

// Four eyes (issue 29), on the basic-auth server: `editor` may move health_monitor_agent's
// aliases; `reviewer` may tag its versions (sign) but not move an alias.

const EDITOR: [(&str, &str); 2] = [
    ("MLFLOW_TRACKING_USERNAME", "editor"),
    ("MLFLOW_TRACKING_PASSWORD", "editor-password-1"),
];
const REVIEWER: [(&str, &str); 2] = [
    ("MLFLOW_TRACKING_USERNAME", "reviewer"),
    ("MLFLOW_TRACKING_PASSWORD", "reviewer-password-1"),
];
const FOUR_EYES: &str = r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7},
    {"metric": "safety/mean", "threshold": 0.9}], "approvals": {"production": 1}}"#;

fn sign_offs(base: &str, version: &str) -> Vec<Value> {
    tag_values(base, HEALTH, version, "podium.signoff.", Some(ADMIN))
}

fn promote_waits_for_a_sign_off_from_someone_other_than_the_one_who_applies() -> Result<(), Failed>
{
    let server = keep(Mlflow::start_seeded_auth("cli-four-eyes"));
    let url = &server.url;
    save_policy_tag(url, FOUR_EYES);
    let promote = || {
        podium_with(
            url,
            &["promote", HEALTH, "--version", "6", "--yes"],
            &EDITOR,
        )
    };
    // Nobody has signed: nothing is written, exit 1, and it says what is missing.
    let alone = promote();
    check(
        alone.code == 1
            && alone.stdout.contains(
                "No move: Waiting for sign-offs: production: v4 → v6 needs 1 sign-off(s) from \
                 someone other than the one who applies it; 0 of 1 so far (nobody else has signed)",
            ),
        || format!("exit {}: {}{}", alone.code, alone.stdout, alone.stderr),
    )?;
    // The editor signs their own promotion: it still does not count for them.
    let own = podium_with(url, &["approve", HEALTH, "--version", "6"], &EDITOR);
    check(
        own.code == 0
            && own
                .stdout
                .contains("Signed off as editor: production: v4 → v6"),
        || format!("exit {}: {}{}", own.code, own.stdout, own.stderr),
    )?;
    let still = promote();
    check(
        still.code == 1 && still.stdout.contains("your own sign-off does not count"),
        || format!("exit {}: {}{}", still.code, still.stdout, still.stderr),
    )?;
    check(aliases(url)["production"] == "4", || {
        "production moved".into()
    })?;
    // The reviewer signs: now the editor applies, and the record names the reviewer.
    let review = podium_with(url, &["approve", HEALTH, "--version", "6"], &REVIEWER);
    check(review.code == 0, || {
        format!("exit {}: {}{}", review.code, review.stdout, review.stderr)
    })?;
    let signed = sign_offs(url, "6");
    check(
        signed.len() == 2 && signed.iter().any(|s| s["user"] == "reviewer"),
        || format!("{signed:#?}"),
    )?;
    let applied = promote();
    check(
        applied.code == 0 && applied.stdout.contains("Signed off by reviewer."),
        || {
            format!(
                "exit {}: {}{}",
                applied.code, applied.stdout, applied.stderr
            )
        },
    )?;
    check(aliases(url)["production"] == "6", || "not applied".into())?;
    let records = audit_records(url, "6");
    check(
        records.len() == 1 && records[0]["approvers"] == serde_json::json!(["reviewer"]),
        || format!("{records:#?}"),
    )?;
    let history = podium_with(url, &["history", HEALTH], &REVIEWER);
    check(history.stdout.contains("signed off by reviewer"), || {
        format!("{}{}", history.stdout, history.stderr)
    })
}

fn a_sign_off_is_void_once_the_policy_changes_and_can_be_withdrawn() -> Result<(), Failed> {
    let server = keep(Mlflow::start_seeded_auth("cli-four-eyes-void"));
    let url = &server.url;
    save_policy_tag(url, FOUR_EYES);
    let signed = podium_with(url, &["approve", HEALTH, "--version", "6"], &REVIEWER);
    check(signed.code == 0, || {
        format!("{}{}", signed.stdout, signed.stderr)
    })?;
    // The team tightens a threshold: the reviewer approved another decision.
    save_policy_tag(url, &FOUR_EYES.replace("0.9}", "0.91}"));
    let run = podium_with(
        url,
        &["promote", HEALTH, "--version", "6", "--yes"],
        &EDITOR,
    );
    check(
        run.code == 1
            && run.stdout.contains("sign-off by reviewer (podium.signoff.")
            && run.stdout.contains("void: the policy changed (fingerprint"),
        || format!("exit {}: {}{}", run.code, run.stdout, run.stderr),
    )?;
    // Withdrawn by its signer (the tag is rewritten, the trail stays); another user cannot.
    let theirs = podium_with(
        url,
        &["approve", HEALTH, "--version", "6", "--withdraw"],
        &EDITOR,
    );
    check(
        theirs.code == 1 && theirs.stdout.contains("You have no sign-off"),
        || format!("exit {}: {}{}", theirs.code, theirs.stdout, theirs.stderr),
    )?;
    let withdrawn = podium_with(
        url,
        &["approve", HEALTH, "--version", "6", "--withdraw"],
        &REVIEWER,
    );
    check(
        withdrawn.code == 0 && withdrawn.stdout.contains("Withdrawn: podium.signoff."),
        || {
            format!(
                "exit {}: {}{}",
                withdrawn.code, withdrawn.stdout, withdrawn.stderr
            )
        },
    )?;
    let tags = sign_offs(url, "6");
    check(tags.len() == 1 && tags[0]["withdrawn"].is_i64(), || {
        format!("{tags:#?}")
    })?;
    check(aliases(url)["production"] == "4", || {
        "production moved".into()
    })
}

fn sign_offs_need_a_user_mlflow_names_and_mlflow_keeps_reviewers_off_aliases() -> Result<(), Failed>
{
    // No basic auth: MLflow names nobody, so nobody can sign and nothing guarded is applied.
    let plain = own("cli-four-eyes-anonymous");
    save_policy_tag(&plain.url, FOUR_EYES);
    let sign = podium(&plain.url, &["approve", HEALTH, "--version", "6"]);
    check(
        sign.code == 2
            && sign
                .stderr
                .contains("this server names nobody: nothing was written"),
        || format!("exit {}: {}{}", sign.code, sign.stdout, sign.stderr),
    )?;
    let apply = podium(&plain.url, &["promote", HEALTH, "--version", "6", "--yes"]);
    check(
        apply.code == 1 && apply.stdout.contains("MLflow names no signed-in user here"),
        || format!("exit {}: {}{}", apply.code, apply.stdout, apply.stderr),
    )?;
    check(sign_offs(&plain.url, "6").is_empty(), || {
        "a sign-off was written".into()
    })?;
    // With the binding set-up (docs/DEPLOY.md), MLflow itself refuses the reviewer's alias
    // move, even with a colleague's sign-off counted by Podium.
    let server = keep(Mlflow::start_seeded_auth("cli-four-eyes-binding"));
    let url = &server.url;
    save_policy_tag(url, FOUR_EYES);
    let editor_signs = podium_with(url, &["approve", HEALTH, "--version", "6"], &EDITOR);
    check(editor_signs.code == 0, || editor_signs.stderr.clone())?;
    let reviewer_applies = podium_with(
        url,
        &["promote", HEALTH, "--version", "6", "--yes"],
        &REVIEWER,
    );
    check(
        reviewer_applies.code == 2
            && reviewer_applies
                .stderr
                .contains("your MLflow user cannot move alias production"),
        || {
            format!(
                "exit {}: {}{}",
                reviewer_applies.code, reviewer_applies.stdout, reviewer_applies.stderr
            )
        },
    )?;
    check(aliases(url)["production"] == "4", || {
        "production moved".into()
    })
}

fn main() {
    let mut args = Arguments::from_args();
    args.test_threads.get_or_insert(1);
    let trials = vec![
        Trial::test(
            "on_mlflow_2_the_command_works_and_names_what_the_server_cannot_serve",
            on_mlflow_2_the_command_works_and_names_what_the_server_cannot_serve,
        ),
        Trial::test(
            "check_decides_under_mlflows_quality_criteria_when_asked",
            check_decides_under_mlflows_quality_criteria_when_asked,
        ),
        Trial::test(
            "promote_waits_for_a_sign_off_from_someone_other_than_the_one_who_applies",
            promote_waits_for_a_sign_off_from_someone_other_than_the_one_who_applies,
        ),
        Trial::test(
            "a_sign_off_is_void_once_the_policy_changes_and_can_be_withdrawn",
            a_sign_off_is_void_once_the_policy_changes_and_can_be_withdrawn,
        ),
        Trial::test(
            "sign_offs_need_a_user_mlflow_names_and_mlflow_keeps_reviewers_off_aliases",
            sign_offs_need_a_user_mlflow_names_and_mlflow_keeps_reviewers_off_aliases,
        ),
        Trial::test(
            "check_decides_the_newest_version_in_the_dashboards_sentences",
            check_decides_the_newest_version_in_the_dashboards_sentences,
        ),
        Trial::test(
            "check_says_no_with_exit_1_and_picks_by_version_or_alias",
            check_says_no_with_exit_1_and_picks_by_version_or_alias,
        ),
        Trial::test(
            "check_json_is_one_object_with_the_decision_the_moves_and_the_policy",
            check_json_is_one_object_with_the_decision_the_moves_and_the_policy,
        ),
        Trial::test(
            "bad_input_is_exit_2_with_one_sentence_on_stderr",
            bad_input_is_exit_2_with_one_sentence_on_stderr,
        ),
        Trial::test(
            "the_noise_aware_rule_reads_the_evaluations_rows",
            the_noise_aware_rule_reads_the_evaluations_rows,
        ),
        Trial::test(
            "history_and_policy_show_on_a_model_without_either",
            history_and_policy_show_on_a_model_without_either,
        ),
        Trial::test(
            "save_then_promote_with_the_dashboards_refusals_guard_and_records",
            save_then_promote_with_the_dashboards_refusals_guard_and_records,
        ),
        Trial::test(
            "an_unreadable_saved_policy_stops_check_and_promote",
            an_unreadable_saved_policy_stops_check_and_promote,
        ),
        Trial::test(
            "a_colleagues_move_between_decision_and_write_writes_nothing",
            a_colleagues_move_between_decision_and_write_writes_nothing,
        ),
        Trial::test(
            "records_name_the_user_the_credentials_sign_in_as",
            records_name_the_user_the_credentials_sign_in_as,
        ),
    ];
    let conclusion = libtest_mimic::run(&args, trials);
    for server in SERVERS.lock().unwrap().iter() {
        server.stop();
    }
    conclusion.exit();
}
