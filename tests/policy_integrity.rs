//! Every write earns its trust (issue 30), in the pure core: what a policy save lowers, what a
//! what-if may not apply unsaved, what "retry the rest" may retry, how audit records are
//! doubted, and names shown with their hidden characters.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use podium::policy::{
    history, python_literal, visible, AliasMove, AuditRecord, Candidate, Doubt, MetricSet,
    MoveKind, Policy, Promotion, Proposal, Protection, Refusal, SaveReview, Seen, RECORD_FORMAT,
};

fn aliases(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, v)| (a.to_string(), v.to_string()))
        .collect()
}

fn policy(json: &str) -> Policy {
    Policy::from_json(json).unwrap()
}

// Saving a policy.

#[test]
fn a_save_that_lowers_the_bar_or_moves_protection_needs_the_name() {
    let saved = policy(
        r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7},
                      {"metric": "latency_ms/p95", "greater_is_better": false, "threshold": 800,
                       "min_absolute_change": 10},
                      {"metric": "safety/mean", "threshold": 0.9}],
            "missing_metric": "fail"}"#,
    );
    // Tightening and adding need no name.
    let tighter = policy(
        r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.75},
                      {"metric": "latency_ms/p95", "greater_is_better": false, "threshold": 700,
                       "min_absolute_change": 20},
                      {"metric": "safety/mean", "threshold": 0.9},
                      {"metric": "guidelines/mean", "threshold": 0.5}],
            "missing_metric": "fail"}"#,
    );
    let review = SaveReview::new(&tighter, &saved);
    assert!(!review.needs_name(), "{:?}", review.lowers);
    assert_eq!(review.differences.len(), 4, "{:?}", review.differences);

    // Lowering a threshold (each direction), dropping a criterion, removing a rule, letting
    // missing metrics pass.
    let looser = policy(
        r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.6},
                      {"metric": "latency_ms/p95", "greater_is_better": false, "threshold": 900}],
            "missing_metric": "skip"}"#,
    );
    let review = SaveReview::new(&looser, &saved);
    assert!(review.needs_name());
    assert_eq!(
        review.lowers,
        [
            "relevance/mean: threshold loosened 0.7 → 0.6",
            "latency_ms/p95: threshold loosened 800 → 900",
            "latency_ms/p95: min_absolute_change 10 removed",
            "safety/mean: rule removed",
            "missing metrics: fail → skip (a version lacking one no longer fails)",
        ]
    );

    // The issue's link: no protected aliases and no real threshold.
    let link = policy(
        r#"{"protected_aliases": [], "rules": [{"metric": "relevance/mean", "threshold": 0}]}"#,
    );
    let review = SaveReview::new(&link, &Policy::default());
    assert!(review.needs_name());
    assert!(review
        .lowers
        .contains(&"protected aliases changed".to_owned()));
    assert!(review
        .lowers
        .contains(&"relevance/mean: threshold loosened 0.7 → 0".to_owned()));

    // Moving a role to another alias.
    let roles = policy(
        r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7}],
            "aliases": {"production": "prod-eu", "champion": "champion"}}"#,
    );
    let review = SaveReview::new(
        &roles,
        &policy(r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7}]}"#),
    );
    assert_eq!(
        review.lowers,
        ["roles moved: production production → prod-eu, champion champion → champion"]
    );
}

// Applying a what-if.

fn promotion_of(what_if: &Policy, saved: &Policy) -> Result<Proposal, Refusal> {
    let candidate: MetricSet = [("relevance/mean", 0.9)].into_iter().collect();
    let decision = podium::policy::decide(what_if, &candidate, None);
    let seen = Seen {
        aliases: aliases(&[("production", "4")]),
        ..Seen::default()
    };
    Proposal::promotion(Promotion {
        policy: what_if,
        decision: &decision,
        candidate: Candidate {
            version: "6",
            missing_evaluation: None,
        },
        candidate_metrics: &candidate,
        champion: None,
        seen: &seen,
        protection: Protection {
            saved,
            in_effect: what_if,
            deployment: &[],
        },
    })
}

/// Regression: `aliases: {production: "prod-eu"}` with `protected_aliases: []` in a link moved
/// `prod-eu` with no typed name.
#[test]
fn a_what_if_that_changes_roles_or_protection_is_not_applied_unsaved() {
    let saved = policy(r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7}]}"#);
    let prod_eu = policy(
        r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7}],
            "aliases": {"production": "prod-eu", "champion": "champion"},
            "protected_aliases": []}"#,
    );
    assert_eq!(promotion_of(&prod_eu, &saved), Err(Refusal::UnsavedRoles));
    let unprotected = policy(
        r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7}], "protected_aliases": []}"#,
    );
    assert_eq!(
        promotion_of(&unprotected, &saved),
        Err(Refusal::UnsavedRoles)
    );
    // Saved, the same policy applies — and its moves are as protected as the saved policy says.
    let applied = promotion_of(&prod_eu, &prod_eu).unwrap();
    assert_eq!(applied.plan.moves[0].alias, "prod-eu");
    // A threshold what-if still applies unsaved, protected by the saved policy.
    let stricter = policy(r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.8}]}"#);
    let proposal = promotion_of(&stricter, &saved).unwrap();
    assert_eq!(proposal.protected, ["production", "champion"]);
}

// Retrying the rest.

fn partial() -> Proposal {
    let seen = Seen {
        aliases: aliases(&[("production", "4"), ("champion", "4")]),
        ..Seen::default()
    };
    let saved = Policy::default();
    let protection = Protection {
        saved: &saved,
        in_effect: &saved,
        deployment: &[],
    };
    let mut proposal = Proposal::manual("staging", Some("6"), &seen, protection).unwrap();
    proposal.kind = MoveKind::Promotion;
    proposal.plan.moves = vec![
        AliasMove {
            alias: "production".into(),
            from: Some("4".into()),
            to: Some("6".into()),
        },
        AliasMove {
            alias: "champion".into(),
            from: Some("4".into()),
            to: Some("6".into()),
        },
    ];
    proposal.undoes = vec![None, Some("podium.audit.1.00000001".into())];
    proposal
}

/// Regression: after `production v4 → v6` was applied and `champion` stopped because a
/// colleague set v7, "Retry the rest" offered `champion: v7 → v6` on the decision made
/// against v4.
#[test]
fn retry_the_rest_never_overrides_a_colleague_or_reuses_a_stale_decision() {
    let proposal = partial();
    let saved = Policy::default();
    let protection = Protection {
        saved: &saved,
        in_effect: &saved,
        deployment: &[],
    };
    let production = proposal.plan.moves[0].clone();
    let now = |pairs: &[(&str, &str)]| Seen {
        aliases: aliases(pairs),
        ..Seen::default()
    };
    // A colleague moved champion: nothing to retry; a reload decides again.
    let colleague = now(&[("production", "6"), ("champion", "7")]);
    assert_eq!(
        proposal.retry_rest(std::slice::from_ref(&production), &colleague, protection),
        None
    );
    // A colleague moved an alias the plan does not touch: the decision may have read it.
    let staging = now(&[("production", "6"), ("champion", "4"), ("staging", "2")]);
    assert_eq!(
        proposal.retry_rest(std::slice::from_ref(&production), &staging, protection),
        None
    );
    // Nobody else wrote: only champion is retried, from where it is, with its own undo key.
    let untouched = now(&[("production", "6"), ("champion", "4")]);
    let rest = proposal
        .retry_rest(std::slice::from_ref(&production), &untouched, protection)
        .unwrap();
    let moves: Vec<String> = rest.plan.moves.iter().map(ToString::to_string).collect();
    assert_eq!(moves, ["champion: v4 → v6"]);
    assert_eq!(rest.undoes, [Some("podium.audit.1.00000001".to_owned())]);
    assert_eq!(rest.seen.aliases, untouched.aliases);
}

// The audit trail.

fn record(alias: &str, from: Option<&str>, to: Option<&str>, at: i64) -> String {
    let record = AuditRecord {
        format: RECORD_FORMAT,
        kind: MoveKind::Promotion,
        alias: alias.into(),
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
        at,
        user: Some("ana".into()),
        summary: "s".into(),
        policy: None,
        candidate_metrics: None,
        champion: None,
        champion_metrics: None,
        undoes: None,
        approvers: Vec::new(),
        overwritten_by: None,
    };
    record.to_tag_value().unwrap()
}

fn key(at: i64) -> String {
    record_key(at, 0xabc)
}

fn record_key(at: i64, nonce: u32) -> String {
    format!("podium.audit.{at:013}.{nonce:08x}")
}

const NOW: i64 = 1_800_000_000_000;
const MINUTE: i64 = 60_000;

/// Regression: a forged record dated in the future became production's latest move, with a
/// "Roll back" to a target the forger chose; and records sorted by their own `at`.
#[test]
fn history_sorts_by_the_tags_time_and_never_offers_a_doubtful_rollback() {
    let current = aliases(&[("production", "6")]);
    let honest = (
        key(NOW - 10 * MINUTE),
        record("production", Some("4"), Some("6"), NOW - 10 * MINUTE),
    );
    // Dated a day ahead, its key agreeing: claims production went 2 → 6.
    let future = NOW + 24 * 60 * MINUTE;
    let forged = (
        key(future),
        record("production", Some("2"), Some("6"), future),
    );
    // Its own `at` says later than its key.
    let backdated = (
        key(NOW - 60 * MINUTE),
        record("production", Some("5"), Some("6"), NOW - 5 * MINUTE),
    );
    let tags = [
        ("6", honest.0.as_str(), honest.1.as_str()),
        ("6", forged.0.as_str(), forged.1.as_str()),
        ("6", backdated.0.as_str(), backdated.1.as_str()),
    ];
    let entries = history(tags, &current, NOW);
    let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        [forged.0.as_str(), honest.0.as_str(), backdated.0.as_str()]
    );
    assert_eq!(entries[0].doubts, [Doubt::InTheFuture { at: future }]);
    assert!(!entries[0].can_roll_back);
    assert!(entries[1].doubts.is_empty());
    assert!(
        entries[1].can_roll_back,
        "the latest trustworthy record is the one rolled back"
    );
    assert_eq!(
        entries[2].doubts,
        [Doubt::TimeDisagrees {
            key_ms: Some(NOW - 60 * MINUTE),
            at: NOW - 5 * MINUTE
        }]
    );
}

#[test]
fn records_on_the_wrong_version_with_a_look_alike_alias_or_no_move_are_doubted() {
    let current = aliases(&[("production", "6")]);
    let at = NOW - MINUTE;
    let cases = [
        (
            "3",
            record("production", Some("4"), Some("6"), at),
            Doubt::OnAnotherVersion,
        ),
        (
            "6",
            record("pr\u{043e}duction", Some("4"), Some("6"), at),
            Doubt::BadAlias,
        ),
        (
            "6",
            record("production\u{200b}", Some("4"), Some("6"), at),
            Doubt::BadAlias,
        ),
        (
            "6",
            record("production", Some("6"), Some("6"), at),
            Doubt::NoMove,
        ),
    ];
    for (version, value, doubt) in cases {
        let k = key(at);
        let entries = history([(version, k.as_str(), value.as_str())], &current, NOW);
        assert!(
            entries[0].doubts.contains(&doubt),
            "{:?}",
            entries[0].doubts
        );
        assert!(!entries[0].can_roll_back);
    }
    // A key that is not Podium's is doubted, and an unreadable record kept, never dropped.
    let odd = history(
        [
            (
                "6",
                "podium.audit.soon",
                record("production", Some("4"), Some("6"), at).as_str(),
            ),
            ("6", record_key(at, 1).as_str(), "{not json"),
        ],
        &current,
        NOW,
    );
    assert_eq!(odd.len(), 2);
    assert!(odd
        .iter()
        .any(|e| e.doubts == [Doubt::TimeDisagrees { key_ms: None, at }]));
    assert!(odd
        .iter()
        .any(|e| e.record.is_none() && matches!(e.doubts[..], [Doubt::Unreadable(_)])));
}

// Names as they are.

#[test]
fn hidden_characters_are_shown() {
    assert_eq!(visible("production"), "production");
    assert_eq!(visible("prod\u{200b}uction"), "prod⟨U+200B⟩uction");
    assert_eq!(visible("abc\u{202e}fed"), "abc⟨U+202E⟩fed");
    assert_eq!(visible("a\tb"), "a⟨U+0009⟩b");
    assert_eq!(
        visible("naïve ünïcode"),
        "naïve ünïcode",
        "visible letters stay"
    );
}

/// The Python export reads back, in Python itself, as exactly the policy's values.
#[test]
fn the_python_export_reads_back_in_python() {
    let value = serde_json::json!({
        "rules": [{"metric": "a\"b\\c\n\u{202e}d", "threshold": 0.5, "greater_is_better": true,
                   "min_absolute_change": null}],
        "nullable": false,
        "big": 1e300,
        "small": 1e-7,
        "empty": {},
        "none": [],
    });
    let literal = python_literal(&value);
    let script =
        "import ast, json, sys\nvalue = ast.literal_eval(sys.stdin.read())\nprint(json.dumps(value))";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(literal.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{literal}");
    let back: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(back, value, "{literal}");
}
