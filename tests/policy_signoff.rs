//! Four-eyes promotion (issue 29), in the pure core: the policy's `approvals`, what a
//! sign-off's fingerprint covers (and what it does not), how sign-offs are counted, and
//! forged or malformed sign-off tags, which are shown as such and never counted.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use podium::policy::{
    approvers, history, sign_offs, unexplained, AliasMove, Approved, AuditRecord, Candidate,
    Malformed, MetricSet, MoveKind, Policy, Promotion, Proposal, Protection, Refusal, SaveReview,
    Seen, SignOff, SignOffEntry, Standing, RECORD_FORMAT,
};

const NOW: i64 = 1_780_000_000_000;

fn policy(json: &str) -> Policy {
    Policy::from_json(json).unwrap()
}

/// Two rules, production guarded by `production` sign-offs (0: none).
fn guarded(production: u32) -> Policy {
    policy(&format!(
        r#"{{"rules": [{{"metric": "relevance/mean", "threshold": 0.7}},
                      {{"metric": "safety/mean", "threshold": 0.9}}],
            "champion_metrics": ["relevance/mean", "safety/mean"],
            "approvals": {{"production": {production}}}}}"#
    ))
}

fn metrics(pairs: &[(&str, f64)]) -> MetricSet {
    pairs.iter().map(|(k, v)| (*k, *v)).collect()
}

fn aliases(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, v)| (a.to_string(), v.to_string()))
        .collect()
}

/// The promotion of v6 (`candidate`) over production v4 and champion v3 (`champion`), with the
/// registry's `held` aliases, under `policy` (saved).
fn promotion(
    policy: &Policy,
    candidate: &MetricSet,
    champion: &MetricSet,
    held: &[(&str, &str)],
) -> Proposal {
    let decision = podium::policy::decide(policy, candidate, Some(champion));
    let seen = Seen {
        aliases: aliases(held),
        ..Seen::default()
    };
    Proposal::promotion(Promotion {
        policy,
        decision: &decision,
        candidate: Candidate {
            version: "6",
            missing_evaluation: None,
        },
        candidate_metrics: candidate,
        champion: Some(("3", champion)),
        seen: &seen,
        protection: Protection {
            saved: policy,
            in_effect: policy,
            deployment: &[],
        },
    })
    .unwrap()
}

fn v6() -> MetricSet {
    metrics(&[
        ("relevance/mean", 0.82),
        ("safety/mean", 0.94),
        ("tokens/mean", 912.0),
    ])
}

fn v3() -> MetricSet {
    metrics(&[("relevance/mean", 0.78), ("safety/mean", 0.93)])
}

const HELD: [(&str, &str); 3] = [("production", "4"), ("champion", "3"), ("staging", "6")];

fn approved(policy: &Policy) -> Approved {
    Approved::of(&promotion(policy, &v6(), &v3(), &HELD), policy).unwrap()
}

/// `sign_off`'s tag: (key, value) as Podium writes it.
fn tag(sign_off: &SignOff, nonce: u32) -> (String, String) {
    (sign_off.tag_key(nonce), sign_off.to_tag_value())
}

fn judge(tags: &[(String, String)], now: Option<&Approved>) -> Vec<SignOffEntry> {
    sign_offs(
        "6",
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        now,
        NOW,
    )
}

// The policy field.

#[test]
fn approvals_round_trip_and_are_validated() {
    let p = guarded(2);
    assert_eq!(p.approvals_for("production"), 2);
    assert_eq!(p.approvals_for("champion"), 0);
    // JSON (the saved tag, a link, an export) and back.
    let json = p.to_json();
    assert!(json.contains(r#""approvals":{"production":2}"#), "{json}");
    assert_eq!(Policy::from_json(&json).unwrap(), p);
    // The seed's flat dict has none: a policy with sign-offs does not fit in it.
    assert_eq!(p.to_flat_thresholds(), None);
    // None is one form: `0` is dropped, an absent field is no field.
    let zero = guarded(0);
    assert!(zero.approvals.is_empty());
    assert!(!zero.to_json().contains("approvals"), "{}", zero.to_json());

    // Differences and what a save lowers.
    let none = guarded(0);
    assert_eq!(
        p.differences(&none),
        ["sign-offs to move production: 0 → 2"]
    );
    assert!(
        !SaveReview::new(&p, &none).needs_name(),
        "adding is tighter"
    );
    let lower = SaveReview::new(&guarded(1), &p);
    assert_eq!(lower.lowers, ["sign-offs to move production: 2 → 1"]);
    assert_eq!(
        SaveReview::new(&none, &p).lowers,
        ["sign-offs to move production: 2 → 0"]
    );

    // Bad input, each named where it is.
    for (json, says) in [
        (
            r#"{"rules": [{"metric": "a", "threshold": 1}], "approvals": {"staging": 1}}"#,
            "approvals[\"staging\"]: sign-offs can be required to move the policy's production \
             or champion alias",
        ),
        (
            r#"{"rules": [{"metric": "a", "threshold": 1}], "approvals": {"production": 11}}"#,
            "approvals[\"production\"]: expected 1 to 10 sign-offs, got 11",
        ),
        (
            r#"{"rules": [{"metric": "a", "threshold": 1}], "approvals": {"production": 1.5}}"#,
            "approvals[\"production\"]: expected a whole number of sign-offs, got 1.5",
        ),
        (
            r#"{"rules": [{"metric": "a", "threshold": 1}], "approvals": {"production": -1}}"#,
            "approvals[\"production\"]: expected a whole number of sign-offs, got -1",
        ),
        (
            r#"{"rules": [{"metric": "a", "threshold": 1}], "approvals": ["production"]}"#,
            "approvals: expected an object of alias → number of sign-offs, got a list",
        ),
    ] {
        let err = Policy::from_json(json).unwrap_err().to_string();
        assert!(err.contains(says), "{json}\n{err}");
    }
    // Renamed roles: the count follows the policy's own alias names.
    let eu = policy(
        r#"{"rules": [{"metric": "a", "threshold": 1}],
            "aliases": {"production": "prod-eu", "champion": "champion"},
            "approvals": {"prod-eu": 1}}"#,
    );
    assert_eq!(eu.approvals_for("prod-eu"), 1);
}

#[test]
fn a_what_if_that_changes_sign_offs_is_not_applied_unsaved_and_guarded_aliases_move_only_by_promotion(
) {
    let saved = guarded(1);
    let what_if = guarded(0);
    let decision = podium::policy::decide(&what_if, &v6(), Some(&v3()));
    let seen = Seen {
        aliases: aliases(&HELD),
        ..Seen::default()
    };
    let protection = Protection {
        saved: &saved,
        in_effect: &what_if,
        deployment: &[],
    };
    let lowered = Proposal::promotion(Promotion {
        policy: &what_if,
        decision: &decision,
        candidate: Candidate {
            version: "6",
            missing_evaluation: None,
        },
        candidate_metrics: &v6(),
        champion: Some(("3", &v3())),
        seen: &seen,
        protection,
    });
    assert_eq!(lowered.unwrap_err(), Refusal::UnsavedRoles);

    // By hand, or as a rollback: refused while the saved policy guards the alias.
    let by_hand = Proposal::manual("production", Some("6"), &seen, protection).unwrap_err();
    assert_eq!(
        by_hand,
        Refusal::Guarded {
            alias: "production".into(),
            needed: 1
        }
    );
    assert!(by_hand.to_string().contains("promote a version instead"));
    let undone = AliasMove {
        alias: "production".into(),
        from: Some("2".into()),
        to: Some("4".into()),
    };
    assert!(matches!(
        Proposal::rollback("podium.audit.x", &undone, &seen, protection),
        Err(Refusal::Guarded { .. })
    ));
    // Other aliases move as before.
    assert!(Proposal::manual("staging", Some("5"), &seen, protection).is_ok());
}

// The fingerprint.

#[test]
fn a_sign_off_binds_the_policy_the_evidence_the_aliases_and_the_moves() {
    let p = guarded(1);
    let base = approved(&p);
    assert_eq!(
        base.moves,
        [
            AliasMove {
                alias: "production".into(),
                from: Some("4".into()),
                to: Some("6".into())
            },
            AliasMove {
                alias: "champion".into(),
                from: Some("3".into()),
                to: Some("6".into())
            }
        ]
    );
    // Only the roles' aliases are bound: staging is not.
    assert_eq!(
        base.aliases,
        aliases(&[("production", "4"), ("champion", "3")])
    );
    // Only the metrics the policy reads: tokens/mean is not.
    assert_eq!(base.candidate_metrics.get("tokens/mean"), None);

    // Unchanged by what the decision does not read.
    let staging_moved = Approved::of(
        &promotion(
            &p,
            &v6(),
            &v3(),
            &[("production", "4"), ("champion", "3"), ("staging", "5")],
        ),
        &p,
    )
    .unwrap();
    let tokens = metrics(&[
        ("relevance/mean", 0.82),
        ("safety/mean", 0.94),
        ("tokens/mean", 1400.0),
    ]);
    let other_metric = Approved::of(&promotion(&p, &tokens, &v3(), &HELD), &p).unwrap();
    for same in [&staging_moved, &other_metric] {
        assert_eq!(same.fingerprint(), base.fingerprint());
        assert!(base.changes_to(same).is_empty());
    }

    // Changed, and named, by each part it binds.
    let tighter = policy(
        r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.75},
                      {"metric": "safety/mean", "threshold": 0.9}],
            "champion_metrics": ["relevance/mean", "safety/mean"],
            "approvals": {"production": 1}}"#,
    );
    let safety = metrics(&[("relevance/mean", 0.82), ("safety/mean", 0.93)]);
    let champion_moved = Approved::of(
        &promotion(&p, &v6(), &v3(), &[("production", "5"), ("champion", "3")]),
        &p,
    )
    .unwrap();
    let cases = [
        (approved(&tighter), "the policy changed (fingerprint "),
        (
            Approved::of(&promotion(&p, &safety, &v3(), &HELD), &p).unwrap(),
            "v6: safety/mean 0.94 → 0.93",
        ),
        (
            Approved::of(
                &promotion(
                    &p,
                    &v6(),
                    &metrics(&[("relevance/mean", 0.78), ("safety/mean", 0.92)]),
                    &HELD,
                ),
                &p,
            )
            .unwrap(),
            "v3: safety/mean 0.93 → 0.92",
        ),
        (champion_moved, "production is on v5 (was v4)"),
    ];
    for (changed, says) in cases {
        assert_ne!(changed.fingerprint(), base.fingerprint(), "{says}");
        let why = base.changes_to(&changed);
        assert!(why.iter().any(|w| w.starts_with(says)), "{says}: {why:?}");
    }
}

// Counting.

#[test]
fn sign_offs_count_once_per_user_never_the_appliers_and_only_for_what_they_approved() {
    let p = guarded(2);
    let now = approved(&p);
    let alice = SignOff::new("alice", NOW - 60_000, now.clone());
    let alice_again = SignOff::new("alice", NOW - 30_000, now.clone());
    let bob = SignOff::new("bob", NOW - 20_000, now.clone());
    let tags = vec![tag(&alice, 1), tag(&alice_again, 2), tag(&bob, 3)];
    let entries = judge(&tags, Some(&now));
    assert!(entries.iter().all(|e| e.standing == Standing::Counts));

    // Two distinct others: carol may apply; the audit record names them.
    let moves = &now.moves;
    assert_eq!(
        approvers(&p, moves, &entries, Some("carol")).unwrap(),
        ["alice", "bob"]
    );
    // Bob applies: his own does not count, alice's two count once.
    let Err(Refusal::SignOffs(missing)) = approvers(&p, moves, &entries, Some("bob")) else {
        panic!("bob applied alone");
    };
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].signed, ["alice"]);
    assert!(missing[0].applier_signed);
    let said = Refusal::SignOffs(missing).to_string();
    assert!(
        said.contains(
            "production: v4 → v6 needs 2 sign-off(s) from someone other than the one \
             who applies it; 1 of 2 so far (signed by alice); your own sign-off does not count"
        ),
        "{said}"
    );
    // Nobody named: nothing a sign-off guards is applied.
    assert_eq!(approvers(&p, moves, &entries, None), Err(Refusal::NoSigner));
    // A policy without approvals needs nobody, named or not.
    assert_eq!(approvers(&guarded(0), moves, &[], None), Ok(vec![]));

    // A sign-off of production only does not count for champion.
    let both = policy(
        r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7},
                      {"metric": "safety/mean", "threshold": 0.9}],
            "champion_metrics": ["relevance/mean", "safety/mean"],
            "approvals": {"production": 1, "champion": 1}}"#,
    );
    let full = approved(&both);
    let production_only = Approved {
        moves: full.moves[..1].to_vec(),
        ..full.clone()
    };
    let dave = SignOff::new("dave", NOW - 10_000, production_only);
    let entries = judge(&[tag(&dave, 4)], Some(&full));
    assert!(matches!(&entries[0].standing, Standing::Void(why) if why == &["the moves differ"]));
    assert!(matches!(
        approvers(&both, &full.moves, &entries, Some("carol")),
        Err(Refusal::SignOffs(m)) if m.len() == 2
    ));
}

#[test]
fn a_sign_off_of_another_decision_is_void_and_says_what_changed() {
    let p = guarded(1);
    let then = approved(&p);
    let alice = SignOff::new("alice", NOW - 60_000, then.clone());
    // v6's safety was re-evaluated since.
    let now = Approved::of(
        &promotion(
            &p,
            &metrics(&[("relevance/mean", 0.82), ("safety/mean", 0.91)]),
            &v3(),
            &HELD,
        ),
        &p,
    )
    .unwrap();
    let entries = judge(&[tag(&alice, 1)], Some(&now));
    assert_eq!(
        entries[0].standing,
        Standing::Void(vec!["v6: safety/mean 0.94 → 0.91".into()])
    );
    assert!(matches!(
        approvers(&p, &now.moves, &entries, Some("carol")),
        Err(Refusal::SignOffs(_))
    ));
    // Nothing proposed now (the version fails): every sign-off is void.
    let entries = judge(&[tag(&alice, 1)], None);
    assert_eq!(
        entries[0].standing,
        Standing::Void(vec!["no move is proposed now".into()])
    );
}

// Bad input.

#[test]
fn forged_or_malformed_sign_off_tags_are_shown_as_such_and_never_counted() {
    let p = guarded(1);
    let now = approved(&p);
    let good = SignOff::new("alice", NOW - 60_000, now.clone());
    let key = |s: &SignOff| s.tag_key(7);
    let value = |s: &SignOff| s.to_tag_value();
    // Its metrics edited after signing (the fingerprint no longer matches).
    let mut edited = good.clone();
    edited.user = "mallory".into();
    edited
        .approved
        .candidate_metrics
        .insert("safety/mean", 0.99);
    // Dated tomorrow; a key whose time is not its own; on another version; no user; a format
    // from the future; a move to another version.
    let future = SignOff::new("mallory", NOW + 86_400_000, now.clone());
    let other_version = SignOff::new(
        "mallory",
        NOW - 1,
        Approved {
            candidate: "5".into(),
            ..now.clone()
        },
    );
    let nobody = SignOff::new(" ", NOW - 1, now.clone());
    let mut format = SignOff::new("mallory", NOW - 1, now.clone());
    format.format = 9;
    let mut elsewhere = now.clone();
    elsewhere.moves[0].to = Some("5".into());
    let bad_move = SignOff::new("mallory", NOW - 1, elsewhere);
    let tags = vec![
        (key(&edited), value(&edited)),
        (key(&future), value(&future)),
        (
            "podium.signoff.0000000000001.00000000".to_owned(),
            value(&SignOff::new("mallory", NOW - 5, now.clone())),
        ),
        (key(&other_version), value(&other_version)),
        (key(&nobody), value(&nobody)),
        (key(&format), value(&format)),
        (key(&bad_move), value(&bad_move)),
        ("podium.signoff.junk".to_owned(), "{not json".to_owned()),
        (
            "podium.signoff.0000000000002.00000000".to_owned(),
            r#"{"user": "mallory"}"#.to_owned(),
        ),
        // Not a sign-off tag at all: not listed.
        ("mlflow.note".to_owned(), value(&good)),
    ];
    let entries = judge(&tags, Some(&now));
    assert_eq!(entries.len(), 9, "{entries:#?}");
    let ignored = |e: &SignOffEntry| match &e.standing {
        Standing::Ignored(why) => why.clone(),
        other => panic!("{} counted as {other:?}", e.key),
    };
    let reasons: Vec<Vec<Malformed>> = entries.iter().map(ignored).collect();
    for expected in [
        Malformed::FingerprintMismatch,
        Malformed::InTheFuture,
        Malformed::TimeDisagrees,
        Malformed::OnAnotherVersion,
        Malformed::NoUser,
        Malformed::UnknownFormat(9),
        Malformed::BadMove,
    ] {
        assert!(
            reasons.iter().any(|r| r.contains(&expected)),
            "{expected:?} not found in {reasons:#?}"
        );
    }
    assert_eq!(
        reasons
            .iter()
            .filter(|r| matches!(r.as_slice(), [Malformed::Unreadable(_)]))
            .count(),
        2
    );
    // None of them lets anyone apply.
    assert!(matches!(
        approvers(&p, &now.moves, &entries, Some("carol")),
        Err(Refusal::SignOffs(_))
    ));
}

// Moves made outside Podium.

#[test]
fn an_alias_no_record_explains_is_flagged() {
    let record = |alias: &str, from: Option<&str>, to: &str, at: i64| AuditRecord {
        format: RECORD_FORMAT,
        kind: MoveKind::Promotion,
        alias: alias.into(),
        from: from.map(Into::into),
        to: Some(to.into()),
        at,
        user: Some("carol".into()),
        summary: String::new(),
        policy: None,
        candidate_metrics: None,
        champion: None,
        champion_metrics: None,
        undoes: None,
        approvers: vec!["alice".into()],
        overwritten_by: None,
    };
    let moves = [
        record("production", Some("2"), "4", NOW - 3_000),
        record("champion", Some("1"), "3", NOW - 2_000),
    ];
    let tags: Vec<(String, String, String)> = moves
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                r.to.clone().unwrap(),
                r.tag_key(i as u32),
                r.to_tag_value().unwrap(),
            )
        })
        .collect();
    let read = |current: &BTreeMap<String, String>| {
        let entries = history(
            tags.iter()
                .map(|(v, k, t)| (v.as_str(), k.as_str(), t.as_str())),
            current,
            NOW,
        );
        unexplained(&entries, current)
    };
    // Where the records put them: nothing to flag; the record names its approver.
    let entries = history(
        tags.iter()
            .map(|(v, k, t)| (v.as_str(), k.as_str(), t.as_str())),
        &aliases(&[("production", "4")]),
        NOW,
    );
    assert_eq!(entries[1].record.as_ref().unwrap().approvers, ["alice"]);
    assert!(read(&aliases(&[("production", "4"), ("champion", "3")])).is_empty());
    // Someone called MLflow directly: production moved to v5; staging was never recorded.
    let flagged = read(&aliases(&[
        ("production", "5"),
        ("champion", "3"),
        ("staging", "6"),
    ]));
    let flagged: Vec<String> = flagged.iter().map(ToString::to_string).collect();
    assert_eq!(flagged, ["production: none → v5", "staging: none → v6"]);
}

#[test]
fn a_withdrawn_sign_off_is_listed_as_such_and_does_not_count() {
    let p = guarded(1);
    let now = approved(&p);
    let alice = SignOff::new("alice", NOW - 60_000, now.clone());
    let withdrawn = SignOff {
        withdrawn: Some(NOW - 1_000),
        ..alice.clone()
    };
    // The same key, rewritten: its fingerprint still holds, it no longer counts.
    let entries = judge(&[(alice.tag_key(1), withdrawn.to_tag_value())], Some(&now));
    assert_eq!(entries[0].standing, Standing::Withdrawn(NOW - 1_000));
    assert!(matches!(
        approvers(&p, &now.moves, &entries, Some("carol")),
        Err(Refusal::SignOffs(_))
    ));
    let entries = judge(&[tag(&alice, 1)], Some(&now));
    assert_eq!(
        approvers(&p, &now.moves, &entries, Some("carol")).unwrap(),
        ["alice"]
    );
}
