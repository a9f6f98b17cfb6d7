//! The MLflow layer's sequences, natively, against a scripted server: how requests are built,
//! retries and their back-off, the time limit, errors, paging bounds, the apply sequence with
//! its stale guard and the settling of a lost answer, and the policy save guard.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/scripted.rs"]
mod scripted;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use futures::executor::block_on;
use podium::mlflow::{
    ApiError, Capability, Client, Credentials, Method, SaveOutcome, Scope, FIRST_BACKOFF_MS,
    MAX_PAGES, READ_ATTEMPTS, TIMEOUT_MS,
};
use podium::policy::{AliasMove, AuditRecord, MoveKind, Proposal, Protection, Seen, RECORD_FORMAT};
use scripted::{ok, query_value, Answer, Scripted};

const BASE: &str = "http://mlflow.test:5000";

fn client(server: &Scripted) -> Client {
    Client::new(BASE, &Credentials::None, server.clone())
}

fn model_json(aliases: &[(&str, &str)], policy_tag: Option<&str>) -> String {
    let aliases: Vec<_> = aliases
        .iter()
        .map(|(a, v)| serde_json::json!({"alias": a, "version": v}))
        .collect();
    let mut tags = Vec::new();
    if let Some(tag) = policy_tag {
        tags.push(serde_json::json!({"key": "podium.policy", "value": tag}));
    }
    serde_json::json!({"registered_model": {"name": "m", "aliases": aliases, "tags": tags}})
        .to_string()
}

// How requests are built.

#[test]
fn each_request_carries_its_method_path_query_and_json_body() {
    let server = Scripted::new();
    server.always(
        Method::Get,
        "registered-models/get",
        ok(&model_json(&[], None)),
    );
    server.always(Method::Post, "registered-models/alias", ok("{}"));
    server.always(Method::Delete, "registered-models/alias", ok("{}"));
    let client = client(&server);
    let name = "it's a \"model\" & more/ü";
    block_on(client.get_registered_model(name)).unwrap();
    block_on(client.set_registered_model_alias(name, "production", "4")).unwrap();
    block_on(client.delete_registered_model_alias(name, "champion")).unwrap();

    let sent = server.sent();
    assert_eq!(sent[0].method, Method::Get);
    assert!(sent[0]
        .url
        .starts_with("http://mlflow.test:5000/api/2.0/mlflow/registered-models/get?name="));
    assert_eq!(query_value(&sent[0].url, "name").as_deref(), Some(name));
    assert!(
        !sent[0].url.contains(' ') && !sent[0].url.contains('"'),
        "{}",
        sent[0].url
    );
    assert_eq!(sent[0].body, None);
    assert_eq!(sent[0].header("Content-Type"), None);

    assert_eq!(sent[1].method, Method::Post);
    assert_eq!(sent[1].header("Content-Type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(sent[1].body.as_ref().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"name": name, "alias": "production", "version": "4"}),
        "the version is a string, as MLflow wants"
    );
    assert_eq!(sent[2].method, Method::Delete);
    let body: serde_json::Value = serde_json::from_str(sent[2].body.as_ref().unwrap()).unwrap();
    assert_eq!(body, serde_json::json!({"name": name, "alias": "champion"}));
}

#[test]
fn credentials_become_one_authorization_header_made_once() {
    let server = Scripted::new();
    server.always(
        Method::Get,
        "registered-models/get",
        ok(&model_json(&[], None)),
    );
    let basic = Credentials::Basic {
        username: "jürgen".to_owned(),
        password: "pa:ss wörd".to_owned(),
    };
    let client = Client::new(BASE, &basic, server.clone());
    block_on(client.get_registered_model("m")).unwrap();
    block_on(client.get_registered_model("m")).unwrap();
    // base64 of the UTF-8 bytes of "jürgen:pa:ss wörd", as MLflow's basic-auth app decodes it.
    let expected = "Basic asO8cmdlbjpwYTpzcyB3w7ZyZA==";
    for request in server.sent() {
        assert_eq!(request.header("Authorization"), Some(expected));
    }
    let debug = format!("{:?} {:?}", server.sent()[0], client);
    assert!(
        !debug.contains(&expected[6..]),
        "credentials never printed: {debug}"
    );

    let bearer = Client::new(BASE, &Credentials::Bearer("t0k3n".into()), server.clone());
    block_on(bearer.get_registered_model("m")).unwrap();
    let last = server.sent().pop().unwrap();
    assert_eq!(last.header("Authorization"), Some("Bearer t0k3n"));

    let anonymous = Client::new(BASE, &Credentials::None, server.clone());
    block_on(anonymous.get_registered_model("m")).unwrap();
    assert_eq!(server.sent().pop().unwrap().header("Authorization"), None);
}

// Retries, back-off and the time limit.

#[test]
fn a_read_is_retried_with_back_off_and_the_observer_is_told() {
    let server = Scripted::new();
    server
        .once(
            Method::Get,
            "registered-models/get",
            Answer::Status(503, "busy".into()),
        )
        .once(
            Method::Get,
            "registered-models/get",
            Answer::Network("connection reset"),
        )
        .always(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[], None)),
        );
    let told = Arc::new(Mutex::new(Vec::new()));
    let client = {
        let told = told.clone();
        client(&server).on_retry(move |r| told.lock().unwrap().push((r.attempt, r.attempts)))
    };
    let model = block_on(client.get_registered_model("m")).unwrap();
    assert_eq!(model.name, "m");
    assert_eq!(client.request_count(), 3);
    assert_eq!(
        *told.lock().unwrap(),
        [(2, READ_ATTEMPTS), (3, READ_ATTEMPTS)]
    );
    let backoff: Vec<u32> = server
        .slept()
        .into_iter()
        .filter(|ms| *ms != TIMEOUT_MS)
        .collect();
    assert_eq!(backoff, [FIRST_BACKOFF_MS, 2 * FIRST_BACKOFF_MS]);
    let limits = server
        .slept()
        .iter()
        .filter(|ms| **ms == TIMEOUT_MS)
        .count();
    assert_eq!(limits, 3, "every attempt runs under the time limit");
}

#[test]
fn a_read_that_never_answers_fails_after_its_attempts_with_the_time_limit_named() {
    let server = Scripted::new();
    server.always(Method::Get, "registered-models/get", Answer::Never);
    let client = client(&server);
    let err = block_on(client.get_registered_model("m")).unwrap_err();
    assert!(
        matches!(&err, ApiError::Timeout { seconds: 15, url } if url.contains("registered-models/get")),
        "{err:?}"
    );
    assert_eq!(client.request_count(), READ_ATTEMPTS);
    assert!(err.to_string().contains("within 15 s"), "{err}");
}

#[test]
fn errors_that_a_retry_cannot_mend_are_not_retried() {
    for (answer, check) in [
        (
            Answer::Status(
                404,
                r#"{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no model m"}"#.into(),
            ),
            "RESOURCE_DOES_NOT_EXIST",
        ),
        (Answer::Status(500, "<html>oops</html>".into()), "HTTP 500"),
        (
            Answer::Status(401, "You are not authenticated.".into()),
            "sign in (401)",
        ),
        (
            Answer::Status(200, "<html>a login page</html>".into()),
            "Unexpected answer",
        ),
    ] {
        let server = Scripted::new();
        server.always(Method::Get, "registered-models/get", answer.clone());
        let client = client(&server);
        let err = block_on(client.get_registered_model("m")).unwrap_err();
        assert!(err.to_string().contains(check), "{answer:?}: {err}");
        assert_eq!(client.request_count(), 1, "{answer:?} is not retried");
    }
    // A gateway error is: the next attempt may reach MLflow.
    let server = Scripted::new();
    server.always(
        Method::Get,
        "registered-models/get",
        Answer::Status(502, "bad gateway".into()),
    );
    let client = client(&server);
    let err = block_on(client.get_registered_model("m")).unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.to_string(), "MLflow answered HTTP 502: bad gateway");
    assert_eq!(client.request_count(), READ_ATTEMPTS);
}

/// Regression for MLflow 2.x: its router answers `traces/search` (REST API 3.0) and
/// `logged-models/search` with Flask's HTML 404 (captured from a 2.22.4 server). That is a
/// server without the feature, named as such, not a missing resource or "no rows".
#[test]
fn an_endpoint_the_server_does_not_have_is_named_with_the_mlflow_that_added_it() {
    let page = include_str!("fixtures/error_404_mlflow_2_22_traces_search.html");
    let server = Scripted::new();
    server.always(
        Method::Post,
        "traces/search",
        Answer::Status(404, page.into()),
    );
    let traces = client(&server);
    let err = block_on(traces.evaluation_rows("1", "abc123")).unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::Unsupported {
                capability: Capability::Traces
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "This MLflow server has no traces/search endpoint (MLflow 3.0 added it), so it cannot \
         give an evaluation's per-row scores (the per-row, noise-aware comparison): that needs \
         MLflow 3.0 or later."
    );
    assert_eq!(traces.request_count(), 1, "not retried");

    let server = Scripted::new();
    server.always(
        Method::Post,
        "logged-models/search",
        Answer::Status(404, page.into()),
    );
    let err = block_on(client(&server).logged_models(&["m-1".into()], &["1".into()])).unwrap_err();
    assert!(
        err.to_string().contains("no logged-models/search endpoint"),
        "{err}"
    );

    // MLflow's own 404 (JSON, with its error code) is about the thing asked for: unchanged.
    let server = Scripted::new();
    server.always(
        Method::Post,
        "traces/search",
        Answer::Status(
            404,
            r#"{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no experiment 1"}"#.into(),
        ),
    );
    let err = block_on(client(&server).evaluation_rows("1", "abc123")).unwrap_err();
    assert_eq!(err.error_code(), Some("RESOURCE_DOES_NOT_EXIST"));
}

#[test]
fn a_write_is_sent_once_and_a_refusal_names_the_permission() {
    let server = Scripted::new();
    server.always(
        Method::Post,
        "registered-models/alias",
        Answer::Status(503, "busy".into()),
    );
    let writer = client(&server);
    let err = block_on(writer.set_registered_model_alias("m", "production", "4")).unwrap_err();
    assert_eq!(writer.request_count(), 1, "never retried blindly: {err}");

    let server = Scripted::new();
    server.always(
        Method::Post,
        "registered-models/alias",
        Answer::Status(403, "Permission denied".into()),
    );
    let err =
        block_on(client(&server).set_registered_model_alias("m", "champion", "6")).unwrap_err();
    assert!(
        matches!(&err, ApiError::PermissionDenied { action, .. }
            if action == "move alias champion of model m (needs EDIT)"),
        "{err:?}"
    );
}

// Paging.

fn versions_page(numbers: std::ops::Range<u32>, next: Option<&str>) -> String {
    let versions: Vec<_> = numbers
        .map(|n| serde_json::json!({"name": "m", "version": n.to_string()}))
        .collect();
    let mut page = serde_json::json!({"model_versions": versions});
    if let Some(next) = next {
        page["next_page_token"] = next.into();
    }
    page.to_string()
}

#[test]
fn pages_are_followed_to_the_end_with_their_tokens() {
    let server = Scripted::new();
    server.each(
        Method::Get,
        "model-versions/search",
        |request| match query_value(&request.url, "page_token").as_deref() {
            None => ok(&versions_page(1..3, Some("p2"))),
            Some("p2") => ok(&versions_page(3..5, Some(""))),
            other => panic!("unexpected token {other:?}"),
        },
    );
    let versions = block_on(client(&server).all_model_versions("m")).unwrap();
    let numbers: Vec<&str> = versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(
        numbers,
        ["1", "2", "3", "4"],
        "an empty token ends the listing"
    );
}

#[test]
fn a_repeated_page_token_fails_the_read_instead_of_paging_forever() {
    let server = Scripted::new();
    server.always(
        Method::Get,
        "model-versions/search",
        ok(&versions_page(1..3, Some("again"))),
    );
    let client = client(&server);
    let err = block_on(client.all_model_versions("m")).unwrap_err();
    assert!(
        matches!(&err, ApiError::Inconsistent { detail } if detail.contains("same page token twice")),
        "{err:?}"
    );
    assert_eq!(client.request_count(), 2);
}

#[test]
fn paging_stops_after_its_bound() {
    let server = Scripted::new();
    let page = Arc::new(Mutex::new(0u32));
    server.each(Method::Get, "model-versions/search", move |_| {
        let mut n = page.lock().unwrap();
        *n += 1;
        ok(&versions_page(*n..*n + 1, Some(&format!("after-{n}"))))
    });
    let client = client(&server);
    let err = block_on(client.all_model_versions("m")).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("still paging after {MAX_PAGES} pages")),
        "{err}"
    );
    assert_eq!(client.request_count() as usize, MAX_PAGES);
}

// The review's load.

#[test]
fn a_load_whose_aliases_name_versions_it_did_not_list_decides_nothing() {
    let server = Scripted::new();
    server
        .always(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "7")], None)),
        )
        .always(
            Method::Get,
            "model-versions/search",
            ok(&versions_page(1..3, None)),
        )
        .always(
            Method::Get,
            "experiments/search",
            ok(r#"{"experiments": [{"experiment_id": "0", "name": "Default"}]}"#),
        )
        .always(Method::Post, "runs/search", ok("{}"));
    let err = block_on(client(&server).load_review("m", Scope::All)).unwrap_err();
    assert!(
        matches!(&err, ApiError::Inconsistent { detail } if detail.contains("production → v7")),
        "{err:?}"
    );
    assert!(
        server.sent_to(Method::Post, "runs/search").is_empty(),
        "no evidence read for it"
    );
}

// Applying alias moves.

fn promotion(moves: &[(&str, Option<&str>, Option<&str>)], seen: &[(&str, &str)]) -> Proposal {
    let seen = Seen {
        aliases: seen
            .iter()
            .map(|(a, v)| (a.to_string(), v.to_string()))
            .collect(),
        ..Seen::default()
    };
    let policy = podium::policy::Policy::default();
    let protection = Protection {
        saved: &policy,
        in_effect: &policy,
        deployment: &[],
    };
    let mut proposal = Proposal::manual("staging", Some("1"), &seen, protection).unwrap();
    proposal.kind = MoveKind::Promotion;
    proposal.plan.moves = moves
        .iter()
        .map(|(alias, from, to)| AliasMove {
            alias: alias.to_string(),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
        })
        .collect();
    proposal
}

fn apply(client: &Client, proposal: &Proposal) -> podium::mlflow::ApplyReport {
    let writes = proposal.writes(Some("ana"), 1_800_000_000_000);
    block_on(client.apply_alias_writes("m", &writes, &proposal.seen, || 0xabc))
}

fn aliases_now(report: &podium::mlflow::ApplyReport) -> BTreeMap<String, String> {
    report.now.clone().unwrap().unwrap()
}

#[test]
fn moves_are_written_in_order_each_read_back_and_recorded() {
    let server = Scripted::new();
    server
        .once(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "4")], None)),
        )
        .once(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "6")], None)),
        )
        .always(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "6"), ("champion", "6")], None)),
        )
        .always(Method::Post, "registered-models/alias", ok("{}"))
        .always(Method::Post, "model-versions/set-tag", ok("{}"));
    let proposal = promotion(
        &[
            ("production", Some("4"), Some("6")),
            ("champion", None, Some("6")),
        ],
        &[("production", "4")],
    );
    let report = apply(&client(&server), &proposal);
    assert!(report.is_complete(2) && !report.is_conflict(), "{report:?}");
    let order: Vec<String> = server
        .sent()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r.method.as_str(),
                r.url.split("/mlflow/").nth(1).unwrap()
            )
        })
        .map(|line| line.split('?').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        order,
        [
            "GET registered-models/get",
            "POST registered-models/alias",
            "GET registered-models/get",
            "POST model-versions/set-tag",
            "POST registered-models/alias",
            "GET registered-models/get",
            "POST model-versions/set-tag",
        ],
        "re-read; write, read back, record; write, read back, record"
    );
    let tag = &server.sent_to(Method::Post, "model-versions/set-tag")[0];
    let body: serde_json::Value = serde_json::from_str(tag.body.as_ref().unwrap()).unwrap();
    assert_eq!(
        body["version"], "6",
        "the record sits on the version that received the alias"
    );
    assert_eq!(body["key"], "podium.audit.1800000000000.00000abc");
    let record: AuditRecord = serde_json::from_str(body["value"].as_str().unwrap()).unwrap();
    assert_eq!(
        (
            record.format,
            record.kind,
            record.alias.as_str(),
            record.user.as_deref()
        ),
        (
            RECORD_FORMAT,
            MoveKind::Promotion,
            "production",
            Some("ana")
        )
    );
    assert_eq!(aliases_now(&report)["champion"], "6");
}

#[test]
fn an_alias_moved_since_the_decision_stops_everything_before_any_write() {
    let server = Scripted::new();
    server
        .always(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "5")], None)),
        )
        .always(Method::Post, "registered-models/alias", ok("{}"));
    let proposal = promotion(
        &[("production", Some("4"), Some("6"))],
        &[("production", "4")],
    );
    let report = apply(&client(&server), &proposal);
    assert!(report.is_conflict(), "{report:?}");
    assert_eq!(
        report.conflicts,
        [AliasMove {
            alias: "production".into(),
            from: Some("4".into()),
            to: Some("5".into())
        }]
    );
    assert!(server
        .sent_to(Method::Post, "registered-models/alias")
        .is_empty());
    assert!(server
        .sent_to(Method::Post, "model-versions/set-tag")
        .is_empty());
    assert!(
        report
            .conflict_text()
            .contains("production was v4 when the decision was made and is now v5"),
        "{}",
        report.conflict_text()
    );
}

#[test]
fn a_policy_saved_since_the_decision_stops_everything_before_any_write() {
    let server = Scripted::new();
    server.always(
        Method::Get,
        "registered-models/get",
        ok(&model_json(&[("production", "4")], Some(r#"{"rules":[]}"#))),
    );
    let proposal = promotion(
        &[("production", Some("4"), Some("6"))],
        &[("production", "4")],
    );
    let report = apply(&client(&server), &proposal);
    assert!(report.policy_changed.is_some(), "{report:?}");
    assert!(server
        .sent_to(Method::Post, "registered-models/alias")
        .is_empty());
    assert!(report.conflict_text().contains("saved policy was changed"));
}

#[test]
fn a_write_whose_answer_is_lost_is_settled_by_reading_mlflow_again() {
    // Applied: the re-read shows the alias moved.
    let server = Scripted::new();
    server
        .once(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "4")], None)),
        )
        .always(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "6")], None)),
        )
        .once(
            Method::Post,
            "registered-models/alias",
            Answer::Network("connection reset"),
        )
        .always(Method::Post, "model-versions/set-tag", ok("{}"));
    let proposal = promotion(
        &[("production", Some("4"), Some("6"))],
        &[("production", "4")],
    );
    let report = apply(&client(&server), &proposal);
    assert!(report.is_complete(1), "{report:?}");
    assert!(report.applied[0].answer_lost);
    assert_eq!(
        server
            .sent_to(Method::Post, "registered-models/alias")
            .len(),
        1,
        "not resent"
    );
    assert_eq!(
        server.sent_to(Method::Post, "model-versions/set-tag").len(),
        1,
        "recorded"
    );

    // Not applied: the re-read shows it where it was; nothing recorded.
    let server = Scripted::new();
    server
        .always(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "4")], None)),
        )
        .once(Method::Post, "registered-models/alias", Answer::Never);
    let report = apply(&client(&server), &proposal);
    let stop = report.stopped.as_ref().expect("stopped");
    assert_eq!(stop.what, "production: v4 → v6 was not applied");
    assert!(matches!(stop.error, Some(ApiError::Timeout { .. })));
    assert!(report.applied.is_empty());
    assert!(server
        .sent_to(Method::Post, "model-versions/set-tag")
        .is_empty());

    // Unknown: MLflow cannot be re-read either; the report says so.
    let server = Scripted::new();
    server
        .once(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "4")], None)),
        )
        .always(
            Method::Get,
            "registered-models/get",
            Answer::Network("down"),
        )
        .once(
            Method::Post,
            "registered-models/alias",
            Answer::Network("connection reset"),
        );
    let report = apply(&client(&server), &proposal);
    let stop = report.stopped.as_ref().expect("stopped");
    assert!(
        stop.what.contains("whether it was applied is unknown"),
        "{}",
        stop.what
    );
    assert!(matches!(report.now, Some(Err(_))), "{:?}", report.now);
}

#[test]
fn a_refused_second_move_leaves_a_partial_apply_reported_with_its_ways_on() {
    let server = Scripted::new();
    server
        .once(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "4")], None)),
        )
        .always(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "6")], None)),
        )
        .once(Method::Post, "registered-models/alias", ok("{}"))
        .once(
            Method::Post,
            "registered-models/alias",
            Answer::Status(403, "Permission denied".into()),
        )
        .always(Method::Post, "model-versions/set-tag", ok("{}"));
    let proposal = promotion(
        &[
            ("production", Some("4"), Some("6")),
            ("champion", None, Some("6")),
        ],
        &[("production", "4")],
    );
    let report = apply(&client(&server), &proposal);
    assert_eq!(report.applied.len(), 1);
    assert!(!report.is_complete(2));
    let stop = report.stopped.as_ref().unwrap();
    assert_eq!(stop.what, "champion: none → v6 was refused");
    assert!(matches!(
        stop.error,
        Some(ApiError::PermissionDenied { .. })
    ));
    let now = Seen {
        aliases: aliases_now(&report),
        ..Seen::default()
    };
    let policy = podium::policy::Policy::default();
    let protection = Protection {
        saved: &policy,
        in_effect: &policy,
        deployment: &[],
    };
    let applied: Vec<AliasMove> = report.applied.iter().map(|s| s.change.clone()).collect();
    let rest = proposal.retry_rest(&applied, &now, protection).unwrap();
    assert_eq!(rest.plan.moves[0].to_string(), "champion: none → v6");
    let back = proposal
        .restore(&report.applied_moves(), &now, protection)
        .unwrap();
    assert_eq!(back.plan.moves[0].to_string(), "production: v6 → v4");
    assert_eq!(
        back.undoes,
        [Some("podium.audit.1800000000000.00000abc".to_owned())]
    );
}

#[test]
fn a_record_too_large_for_a_tag_writes_nothing() {
    let server = Scripted::new();
    let mut proposal = promotion(
        &[("production", Some("4"), Some("6"))],
        &[("production", "4")],
    );
    proposal.summary = "x".repeat(6_000);
    let report = apply(&client(&server), &proposal);
    assert!(report
        .refused
        .as_deref()
        .unwrap()
        .contains("over MLflow's safe tag limit"));
    assert!(server.sent().is_empty(), "not even a read");
}

// Saving the policy.

#[test]
fn a_policy_is_saved_only_if_nobody_saved_since_it_was_read() {
    let json = r#"{"rules":[{"metric":"a","threshold":1}]}"#;
    let server = Scripted::new();
    server
        .always(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[], None)),
        )
        .always(Method::Post, "registered-models/set-tag", ok("{}"));
    assert_eq!(
        block_on(client(&server).save_policy("m", None, json)),
        SaveOutcome::Saved
    );
    let tag = &server.sent_to(Method::Post, "registered-models/set-tag")[0];
    let body: serde_json::Value = serde_json::from_str(tag.body.as_ref().unwrap()).unwrap();
    assert_eq!(
        (body["key"].as_str(), body["value"].as_str()),
        (Some("podium.policy"), Some(json))
    );

    let server = Scripted::new();
    server.always(
        Method::Get,
        "registered-models/get",
        ok(&model_json(&[], Some(r#"{"rules":[]}"#))),
    );
    assert_eq!(
        block_on(client(&server).save_policy("m", None, json)),
        SaveOutcome::SomeoneElseSaved
    );
    assert!(server
        .sent_to(Method::Post, "registered-models/set-tag")
        .is_empty());

    // A lost answer, settled by reading the tag again.
    let server = Scripted::new();
    server
        .once(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[], None)),
        )
        .always(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[], Some(json))),
        )
        .once(
            Method::Post,
            "registered-models/set-tag",
            Answer::Status(504, "".into()),
        );
    assert_eq!(
        block_on(client(&server).save_policy("m", None, json)),
        SaveOutcome::Saved
    );
}

// The guard covers everything the decision read; every write is read back (issue 30).

/// Regression: with a min-change rule the production decision depends on the champion, yet
/// the guard compared only the aliases being moved: champion moved during the confirmation and
/// production still moved on the old comparison.
#[test]
fn an_alias_the_plan_does_not_move_but_the_decision_read_stops_everything() {
    let server = Scripted::new();
    server
        .always(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "4"), ("champion", "5")], None)),
        )
        .always(Method::Post, "registered-models/alias", ok("{}"));
    let proposal = promotion(
        &[("production", Some("4"), Some("6"))],
        &[("production", "4"), ("champion", "3")],
    );
    let report = apply(&client(&server), &proposal);
    assert!(report.is_conflict(), "{report:?}");
    assert!(
        report
            .conflict_text()
            .contains("champion was v3 when the decision was made and is now v5"),
        "{}",
        report.conflict_text()
    );
    assert!(server
        .sent_to(Method::Post, "registered-models/alias")
        .is_empty());
}

fn versions_json(numbers: &[(&str, &str)]) -> String {
    let versions: Vec<_> = numbers
        .iter()
        .map(|(n, run)| serde_json::json!({"name": "m", "version": n, "run_id": run}))
        .collect();
    serde_json::json!({"model_versions": versions}).to_string()
}

fn runs_json(runs: &[(&str, f64)]) -> String {
    let runs: Vec<_> = runs
        .iter()
        .map(|(id, safety)| {
            serde_json::json!({
                "info": {"run_id": id, "experiment_id": "0"},
                "data": {"metrics": [{"key": "safety/mean", "value": safety}]},
            })
        })
        .collect();
    serde_json::json!({"runs": runs}).to_string()
}

#[test]
fn evidence_that_changed_since_the_decision_stops_everything() {
    let server = Scripted::new();
    server
        .always(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "4")], None)),
        )
        .each(Method::Get, "model-versions/search", |request| {
            // One search per version the decision compared.
            let filter = query_value(&request.url, "filter").unwrap();
            if filter.ends_with("version_number = 6") {
                ok(&versions_json(&[("6", "aaaa")]))
            } else {
                ok(&versions_json(&[("4", "bbbb")]))
            }
        })
        .always(
            Method::Get,
            "experiments/search",
            ok(r#"{"experiments": [{"experiment_id": "0", "name": "Default"}]}"#),
        )
        // v6's safety was re-evaluated since: 0.91 then, 0.88 now.
        .always(
            Method::Post,
            "runs/search",
            ok(&runs_json(&[("aaaa", 0.88), ("bbbb", 0.95)])),
        )
        .always(Method::Post, "registered-models/alias", ok("{}"));
    let mut proposal = promotion(
        &[("production", Some("4"), Some("6"))],
        &[("production", "4")],
    );
    let metrics =
        |v: f64| -> podium::policy::MetricSet { [("safety/mean", v)].into_iter().collect() };
    proposal.seen.evidence = vec![("6".into(), metrics(0.91)), ("4".into(), metrics(0.95))];
    let report = apply(&client(&server), &proposal);
    assert_eq!(report.evidence_changed, ["v6: safety/mean 0.91 → 0.88"]);
    assert!(report.is_conflict());
    assert!(report
        .conflict_text()
        .contains("the evidence changed: v6: safety/mean 0.91 → 0.88"));
    assert!(server
        .sent_to(Method::Post, "registered-models/alias")
        .is_empty());

    // Unchanged evidence: the writes go ahead.
    proposal.seen.evidence = vec![("6".into(), metrics(0.88)), ("4".into(), metrics(0.95))];
    server.always(Method::Post, "model-versions/set-tag", ok("{}"));
    let report = apply(&client(&server), &proposal);
    assert!(!report.is_conflict(), "{report:?}");
    assert_eq!(
        server
            .sent_to(Method::Post, "registered-models/alias")
            .len(),
        1
    );
}

/// Regression: MLflow has no compare-and-set, so a write that landed between the guard's read
/// and this one's left both users with "Applied".
#[test]
fn a_move_overwritten_right_after_it_was_written_is_reported_and_recorded_as_such() {
    let server = Scripted::new();
    server
        .once(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "4")], None)),
        )
        // Read back: another client's write has landed.
        .always(
            Method::Get,
            "registered-models/get",
            ok(&model_json(&[("production", "7")], None)),
        )
        .always(Method::Post, "registered-models/alias", ok("{}"))
        .always(Method::Post, "model-versions/set-tag", ok("{}"));
    let proposal = promotion(
        &[("production", Some("4"), Some("6"))],
        &[("production", "4")],
    );
    let report = apply(&client(&server), &proposal);
    assert!(report.is_complete(1));
    assert!(!report.is_clean(1), "never a clean 'Applied'");
    assert_eq!(report.applied[0].overwritten_by.as_deref(), Some("v7"));
    let tag = &server.sent_to(Method::Post, "model-versions/set-tag")[0];
    let body: serde_json::Value = serde_json::from_str(tag.body.as_ref().unwrap()).unwrap();
    let record: AuditRecord = serde_json::from_str(body["value"].as_str().unwrap()).unwrap();
    assert_eq!(record.overwritten_by.as_deref(), Some("v7"));
}

#[test]
fn an_invalid_move_is_refused_before_anything_is_read_or_written() {
    let server = Scripted::new();
    for (alias, from, to) in [
        ("pr\u{043e}duction", Some("4"), Some("6")),
        ("production", Some("6"), Some("6")),
        ("latest", None, Some("6")),
    ] {
        let proposal = promotion(&[(alias, from, to)], &[("production", "4")]);
        let report = apply(&client(&server), &proposal);
        assert!(report.refused.is_some(), "{alias}: {report:?}");
    }
    assert!(server.sent().is_empty());
}

// What needs attention on the models list (issue 27).

/// What the models list says of each model, in its order (every model checked).
fn sentences(rows: Vec<podium::mlflow::AttentionRow>) -> Vec<(String, String)> {
    rows.into_iter()
        .map(|(name, r)| (name, r.unwrap().sentence()))
        .collect()
}

/// Models named `names`, each with production at v1 and the team's saved policy (safety/mean
/// at least 0.9).
fn team_models(names: &[&str]) -> Vec<podium::mlflow::RegisteredModel> {
    let team = r#"{"rules": [{"metric": "safety/mean", "threshold": 0.9}]}"#;
    names
        .iter()
        .map(|name| {
            serde_json::from_value(serde_json::json!({
                "name": name,
                "aliases": [{"alias": "production", "version": "1"}],
                "tags": [{"key": "podium.policy", "value": team}],
            }))
            .unwrap()
        })
        .collect()
}

#[test]
fn a_page_of_models_is_checked_in_a_few_requests_never_one_per_model() {
    let models = team_models(&["a", "b", "c", "it's"]);
    let server = Scripted::new();
    server
        .each(Method::Get, "model-versions/search", |request| {
            let filter = query_value(&request.url, "filter").unwrap();
            let names: &[&str] = if filter == "name IN ('a', 'b', 'c')" {
                &["a", "b", "c"]
            } else {
                assert_eq!(filter, "name=\"it's\"", "a quoted name is searched on its own");
                &["it's"]
            };
            let versions: Vec<_> = names
                .iter()
                .flat_map(|n| {
                    (1..=2).map(move |v| {
                        serde_json::json!({"name": n, "version": v.to_string(),
                                           "run_id": format!("{}{v}", n.len())})
                    })
                })
                .collect();
            ok(&serde_json::json!({"model_versions": versions}).to_string())
        })
        .always(
            Method::Get,
            "experiments/search",
            ok(r#"{"experiments": [{"experiment_id": "0", "name": "Default"}]}"#),
        )
        .each(Method::Post, "runs/search", |request| {
            let body: serde_json::Value =
                serde_json::from_str(request.body.as_ref().unwrap()).unwrap();
            assert!(body["filter"].as_str().unwrap().starts_with("attributes.run_id IN ("));
            let runs: Vec<_> = ["11", "12", "41", "42"]
                .iter()
                .map(|id| {
                    let safety = if id.ends_with('2') { 0.95 } else { 0.85 };
                    serde_json::json!({"info": {"run_id": id, "experiment_id": "0"},
                                       "data": {"metrics": [{"key": "safety/mean", "value": safety}]}})
                })
                .collect();
            ok(&serde_json::json!({"runs": runs}).to_string())
        });
    let said = sentences(block_on(client(&server).attention(&models, None)).unwrap());
    assert_eq!(
        said,
        [
            (
                "a".into(),
                "production v1 fails the saved policy (safety/mean 0.85 < 0.9)".into()
            ),
            (
                "b".into(),
                "production v1 fails the saved policy (safety/mean 0.85 < 0.9)".into()
            ),
            (
                "c".into(),
                "production v1 fails the saved policy (safety/mean 0.85 < 0.9)".into()
            ),
            (
                "it's".into(),
                "production v1 fails the saved policy (safety/mean 0.85 < 0.9)".into()
            ),
        ]
    );
    let searches = server.sent_to(Method::Get, "model-versions/search").len();
    assert_eq!(
        searches, 2,
        "one for the page, one for the name MLflow cannot list"
    );
    assert_eq!(server.sent_to(Method::Post, "runs/search").len(), 1);
    assert_eq!(server.sent().len(), 4, "{:#?}", server.sent());
}

/// Regression for MLflow 2.x (found running the end-to-end core on 2.22.4): it filters model
/// versions by one name only and refuses `name IN (…)` (its answer, captured from 2.22.4, in
/// tests/fixtures). The page is then checked from one search of the registry's versions, never
/// one search per model.
#[test]
fn on_mlflow_2_a_page_of_models_is_checked_from_one_search_of_every_version() {
    let models = team_models(&["a", "b", "it's"]);
    let refusal = include_str!("fixtures/error_mlflow_2_22_versions_name_in.json");
    let server = Scripted::new();
    server
        .each(Method::Get, "model-versions/search", move |request| {
            match query_value(&request.url, "filter") {
                Some(_) => Answer::Status(400, refusal.into()),
                // Every version of the registry, another model's among them.
                None => ok(r#"{"model_versions": [
                    {"name": "a", "version": "1", "run_id": "11"},
                    {"name": "b", "version": "1", "run_id": "21"},
                    {"name": "it's", "version": "1", "run_id": "31"},
                    {"name": "elsewhere", "version": "1", "run_id": "41"}]}"#),
            }
        })
        .always(
            Method::Get,
            "experiments/search",
            ok(r#"{"experiments": [{"experiment_id": "0", "name": "Default"}]}"#),
        )
        .each(Method::Post, "runs/search", |request| {
            let body: serde_json::Value =
                serde_json::from_str(request.body.as_ref().unwrap()).unwrap();
            let filter = body["filter"].as_str().unwrap().to_owned();
            assert!(!filter.contains("'41'"), "another model's run is not read: {filter}");
            let runs: Vec<_> = ["11", "21", "31"]
                .iter()
                .map(|id| {
                    serde_json::json!({"info": {"run_id": id, "experiment_id": "0"},
                                       "data": {"metrics": [{"key": "safety/mean", "value": 0.95}]}})
                })
                .collect();
            ok(&serde_json::json!({"runs": runs}).to_string())
        });
    let said = sentences(block_on(client(&server).attention(&models, None)).unwrap());
    assert_eq!(
        said,
        [
            ("a".to_owned(), "up to date".to_owned()),
            ("b".to_owned(), "up to date".to_owned()),
            ("it's".to_owned(), "up to date".to_owned()),
        ]
    );
    let searches = server.sent_to(Method::Get, "model-versions/search");
    assert_eq!(
        searches.len(),
        2,
        "the refused IN, then one search: {searches:#?}"
    );
    assert_eq!(server.sent_to(Method::Post, "runs/search").len(), 1);
}
