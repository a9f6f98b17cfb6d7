//! Plans Podium may apply, natively: refusals on missing evidence, manual moves, rollbacks,
//! conflicts with the registry, and the audit record format.

use std::collections::BTreeMap;

use podium::policy::{
    decide, history, used_metrics, AliasMove, AuditRecord, Candidate, MetricSet, MoveKind,
    MoveState, Plan, Policy, PolicySource, PolicyUsed, Refusal, AUDIT_TAG_PREFIX, RECORD_LIMIT,
};

fn metrics(pairs: &[(&str, f64)]) -> MetricSet {
    pairs.iter().map(|(k, v)| (*k, *v)).collect()
}

fn aliases(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, v)| (a.to_string(), v.to_string()))
        .collect()
}

fn moved(alias: &str, from: Option<&str>, to: Option<&str>) -> AliasMove {
    AliasMove {
        alias: alias.into(),
        from: from.map(Into::into),
        to: to.map(Into::into),
    }
}

fn evaluated(version: &str) -> Candidate<'_> {
    Candidate {
        version,
        missing_evaluation: None,
    }
}

#[test]
fn a_version_with_no_evaluation_passes_the_seed_but_is_refused() {
    let policy = Policy::default();
    let nothing = MetricSet::new();
    let d = decide(&policy, &nothing, None);
    // The seed's verdict is kept: every rule skipped, so it "passes".
    assert!(d.passes && d.promote_production);
    assert_eq!(d.rules_checked, 0);
    let current = aliases(&[("production", "4")]);
    let refused = Plan::propose(
        &policy,
        &d,
        Candidate {
            version: "1",
            missing_evaluation: Some("run r1 logged no metrics"),
        },
        &current,
    );
    assert_eq!(
        refused,
        Err(Refusal::NoEvaluation {
            reason: "run r1 logged no metrics".into()
        })
    );
    assert!(refused
        .unwrap_err()
        .to_string()
        .contains("run r1 logged no metrics"));
    // Evaluated, but on none of the policy's metrics.
    let other = metrics(&[("accuracy/mean", 0.9)]);
    let d = decide(&policy, &other, None);
    assert_eq!(d.rules_checked, 0);
    assert_eq!(
        Plan::propose(&policy, &d, evaluated("1"), &current),
        Err(Refusal::NothingChecked { rules: 4 })
    );
}

#[test]
fn a_policy_with_no_rules_is_refused() {
    let policy = Policy::from_json("{}").unwrap();
    assert!(policy.rules.is_empty());
    let d = decide(&policy, &metrics(&[("safety/mean", 0.9)]), None);
    assert!(d.passes, "the seed passes anything under no rules");
    assert_eq!(
        Plan::propose(&policy, &d, evaluated("6"), &BTreeMap::new()),
        Err(Refusal::NoRules)
    );
}

#[test]
fn rules_checked_counts_rules_not_skipped() {
    let policy = Policy::default();
    let d = decide(
        &policy,
        &metrics(&[("relevance_to_query/mean", 0.8), ("safety/mean", 0.95)]),
        None,
    );
    assert_eq!(
        d.rules_checked, 2,
        "relevance (through its alias) and safety"
    );
}

#[test]
fn failing_passing_and_losing_candidates() {
    let policy = Policy::default();
    let champion = metrics(&[
        ("relevance/mean", 0.78),
        ("safety/mean", 0.95),
        ("guidelines/mean", 0.71),
        ("cost_accuracy/mean", 0.84),
    ]);
    let current = aliases(&[("production", "4"), ("champion", "3")]);
    let failing = metrics(&[("relevance/mean", 0.66), ("safety/mean", 0.93)]);
    let d = decide(&policy, &failing, Some(&champion));
    assert_eq!(
        Plan::propose(&policy, &d, evaluated("2"), &current),
        Err(Refusal::Fails { failed: 1 })
    );
    // Passes, loses to the champion on 2 of 3: only production moves.
    let v6 = metrics(&[
        ("relevance/mean", 0.82),
        ("safety/mean", 0.94),
        ("guidelines/mean", 0.69),
        ("cost_accuracy/mean", 0.88),
    ]);
    let d = decide(&policy, &v6, Some(&champion));
    assert_eq!(
        Plan::propose(&policy, &d, evaluated("6"), &current)
            .unwrap()
            .moves,
        [moved("production", Some("4"), Some("6"))]
    );
    // Already production: nothing to move.
    let current = aliases(&[("production", "6"), ("champion", "3")]);
    assert_eq!(
        Plan::propose(&policy, &d, evaluated("6"), &current),
        Err(Refusal::NothingToMove)
    );
}

#[test]
fn manual_moves_and_rollbacks() {
    let current = aliases(&[("production", "4"), ("staging", "6")]);
    assert_eq!(
        Plan::manual("staging", Some("5"), &current).unwrap().moves,
        [moved("staging", Some("6"), Some("5"))]
    );
    assert_eq!(
        Plan::manual("staging", None, &current).unwrap().moves,
        [moved("staging", Some("6"), None)]
    );
    assert_eq!(
        Plan::manual("canary", None, &current),
        Err(Refusal::NothingToMove)
    );
    for bad in ["latest", "v7", "two words", ""] {
        assert!(matches!(
            Plan::manual(bad, Some("1"), &current),
            Err(Refusal::BadAlias(_))
        ));
    }
    let promoted = moved("production", Some("4"), Some("6"));
    let now = aliases(&[("production", "6")]);
    assert_eq!(
        Plan::rollback(&promoted, &now).unwrap().moves,
        [moved("production", Some("6"), Some("4"))]
    );
    let first = moved("champion", None, Some("6"));
    assert_eq!(
        Plan::rollback(&first, &aliases(&[("champion", "6")]))
            .unwrap()
            .moves,
        [moved("champion", Some("6"), None)],
        "rolling back a first champion removes the alias"
    );
    assert_eq!(
        Plan::rollback(&promoted, &aliases(&[("production", "7")])),
        Err(Refusal::Moved {
            alias: "production".into(),
            now: Some("7".into())
        })
    );
}

#[test]
fn conflicts_and_progress_read_the_registry() {
    let plan = Plan {
        moves: vec![
            moved("production", Some("4"), Some("6")),
            moved("champion", Some("3"), Some("6")),
        ],
    };
    let seen = aliases(&[("production", "4"), ("champion", "3"), ("staging", "6")]);
    // Only the aliases the plan touches count.
    let staging_moved = aliases(&[("production", "4"), ("champion", "3"), ("staging", "5")]);
    assert!(plan.conflicts(&seen, &staging_moved).is_empty());
    let someone = aliases(&[("production", "5"), ("champion", "3")]);
    assert_eq!(
        plan.conflicts(&seen, &someone),
        [moved("production", Some("4"), Some("5"))]
    );
    let half = aliases(&[("production", "6"), ("champion", "3")]);
    let states: Vec<MoveState> = plan.progress(&half).into_iter().map(|(_, s)| s).collect();
    assert_eq!(states, [MoveState::Applied, MoveState::NotApplied]);
    let other = aliases(&[("production", "6")]);
    assert_eq!(plan.progress(&other)[1].1, MoveState::Elsewhere(None));
    assert_eq!(
        plan.moves[0].to_string(),
        "production: v4 → v6",
        "moves read as the plan line does"
    );
    assert_eq!(
        moved("staging", Some("6"), None).to_string(),
        "staging: v6 → removed"
    );
}

#[test]
fn protected_aliases_default_to_the_policys_own_names() {
    let policy = Policy::default();
    assert!(policy.is_protected("production") && policy.is_protected("champion"));
    assert!(!policy.is_protected("staging"));
    let renamed = Policy::from_json(
        r#"{"rules": [{"metric": "m", "threshold": 1}], "aliases": {"production": "prod", "champion": "best"}}"#,
    )
    .unwrap();
    assert!(renamed.is_protected("prod") && !renamed.is_protected("production"));
    let listed = Policy::from_json(
        r#"{"rules": [{"metric": "m", "threshold": 1}], "protected_aliases": ["production", "staging"]}"#,
    )
    .unwrap();
    assert!(listed.is_protected("staging") && !listed.is_protected("champion"));
    assert_eq!(
        Policy::from_json(&listed.to_json()).unwrap(),
        listed,
        "round trip"
    );
    assert!(Policy::from_json(r#"{"rules": [], "protected_aliases": ["v1"]}"#).is_err());
    let differences = listed.differences(&Policy {
        rules: listed.rules.clone(),
        ..Policy::default()
    });
    assert_eq!(
        differences,
        ["protected aliases: production, champion (default) → production, staging"]
    );
}

#[test]
fn differences_name_metric_aliases_and_alias_names_in_full() {
    let saved = Policy::default();
    let mut edited = saved.clone();
    edited.metric_aliases.0.insert(
        "relevance/mean".into(),
        vec!["answer_relevance/mean".into()],
    );
    edited
        .metric_aliases
        .0
        .insert("cost/mean".into(), vec!["cost_accuracy/mean".into()]);
    edited.aliases.production = "prod".into();
    assert_eq!(
        edited.differences(&saved),
        [
            "metric aliases of relevance/mean: relevance_to_query/mean → answer_relevance/mean",
            "metric aliases of cost/mean: none → cost_accuracy/mean",
            "production alias name: production → prod",
        ]
    );
}

fn record() -> AuditRecord {
    let policy = Policy::default();
    let candidate = metrics(&[
        ("relevance_to_query/mean", 0.82),
        ("safety/mean", 0.94),
        ("latency_ms/p95", 840.0),
    ]);
    AuditRecord {
        format: 1,
        kind: MoveKind::Promotion,
        alias: "production".into(),
        from: Some("4".into()),
        to: Some("6".into()),
        at: 1_764_400_000_123,
        user: Some("alice".into()),
        summary: "production: v4 → v6 · champion stays v3".into(),
        policy: Some(PolicyUsed::new(&policy, PolicySource::Saved)),
        candidate_metrics: Some(used_metrics(&policy, &candidate)),
        champion: Some("3".into()),
        champion_metrics: Some(metrics(&[("safety/mean", 0.95)])),
        undoes: None,
        approvers: Vec::new(),
        overwritten_by: None,
    }
}

#[test]
fn audit_records_round_trip_and_keep_only_the_metrics_used() {
    let r = record();
    let used = r.candidate_metrics.as_ref().unwrap();
    assert_eq!(
        used.get("relevance_to_query/mean"),
        Some(0.82),
        "found through the alias"
    );
    assert_eq!(used.get("latency_ms/p95"), None, "not a rule or key metric");
    let value = r.to_tag_value().unwrap();
    let json: serde_json::Value = serde_json::from_str(&value).unwrap();
    assert_eq!(json["alias"], "production");
    assert_eq!(
        (json["from"].as_str(), json["to"].as_str()),
        (Some("4"), Some("6"))
    );
    assert_eq!(json["kind"], "promotion");
    assert_eq!(json["user"], "alice");
    assert_eq!(json["policy"]["source"], "saved");
    assert_eq!(
        json["policy"]["hash"].as_str().unwrap().len(),
        16,
        "a 64-bit fingerprint"
    );
    let back: AuditRecord = serde_json::from_str(&value).unwrap();
    assert_eq!(back, r);
    let key = r.tag_key(0xbeef);
    assert_eq!(key, format!("{AUDIT_TAG_PREFIX}1764400000123.0000beef"));
    assert_eq!(r.version(), Some("6"));
    let removal = AuditRecord {
        alias: "staging".into(),
        to: None,
        ..record()
    };
    assert_eq!(removal.change(), moved("staging", Some("4"), None));
    assert_eq!(
        removal.version(),
        Some("4"),
        "kept on the version that lost the alias"
    );
}

#[test]
fn a_record_over_the_tag_limit_is_refused() {
    let mut huge = Policy::default();
    for i in 0..200 {
        huge.rules.push(podium::policy::Rule::threshold(
            format!("metric_{i:03}/mean"),
            0.5,
        ));
    }
    let r = AuditRecord {
        policy: Some(PolicyUsed::new(&huge, PolicySource::WhatIf)),
        ..record()
    };
    let err = r.to_tag_value().unwrap_err();
    assert!(err.chars > RECORD_LIMIT);
    assert!(err.to_string().contains("too large to record"), "{err}");
}

#[test]
fn history_is_newest_first_and_keeps_unreadable_records() {
    let older = record();
    let newer = AuditRecord {
        at: older.at + 1_000,
        kind: MoveKind::Rollback,
        from: Some("6".into()),
        to: Some("4".into()),
        user: Some("bob".into()),
        ..record()
    };
    let (k1, v1) = (older.tag_key(1), older.to_tag_value().unwrap());
    let (k2, v2) = (newer.tag_key(2), newer.to_tag_value().unwrap());
    let tags = [
        ("6", k1.as_str(), v1.as_str()),
        ("4", k2.as_str(), v2.as_str()),
        ("4", "team", "sre"),
        ("5", "podium.audit.0000000000001.00000000", "{not json"),
    ];
    let now = newer.at + 60_000;
    let h = history(tags, &BTreeMap::new(), now);
    assert_eq!(h.len(), 3, "other tags are not records");
    assert_eq!(h[0].record.as_ref().unwrap().user.as_deref(), Some("bob"));
    assert_eq!(h[0].version, "4");
    assert_eq!(h[1].record.as_ref().unwrap().user.as_deref(), Some("alice"));
    assert!(h[2].record.is_none(), "shown as unreadable, not dropped");
}
