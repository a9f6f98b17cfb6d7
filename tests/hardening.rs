//! Regressions found by the security read of issue 30, each pinned where it broke.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use podium::mlflow::{exposed_over_http, url_problem, ApiError};
use podium::policy::{AliasMove, Plan, Policy, Refusal};

/// Regression: `/\evil.example` passed as "a path on this origin", but browsers read the
/// backslash as a slash and send the request (with the credentials) to evil.example.
#[test]
fn a_path_that_a_browser_reads_as_another_host_is_refused() {
    for address in [
        "/\\evil.example",
        "/\\/evil.example",
        "/\t/evil.example",
        "/ml\nflow",
    ] {
        assert!(url_problem(address).is_some(), "{address:?} was accepted");
    }
    assert_eq!(url_problem("/mlflow"), None);
    assert_eq!(url_problem(""), None);
}

/// Regression: a path-style address (`/mlflow`) on a page served over plain http got no
/// warning, though the credentials travel over the page's own plain http.
#[test]
fn a_path_on_a_plain_http_page_is_warned_about() {
    assert_eq!(
        exposed_over_http("/mlflow", "http://podium.example:8080").as_deref(),
        Some("podium.example")
    );
    assert_eq!(exposed_over_http("/mlflow", "https://podium.example"), None);
    assert_eq!(exposed_over_http("/mlflow", "http://127.0.0.1:8080"), None);
}

/// Regression: MLflow's JSON error message was kept whole (a plain-text body was cut at 500
/// characters, a JSON one not): a server could fill the screen.
#[test]
fn a_servers_error_message_is_cut() {
    let long = "x".repeat(10_000);
    let body = format!(r#"{{"error_code": "INTERNAL_ERROR", "message": "{long}"}}"#);
    let ApiError::Http { message, .. } = ApiError::from_response(500, &body) else {
        panic!("an HTTP error");
    };
    assert!(
        message.chars().count() <= 501,
        "{} characters",
        message.len()
    );
    assert!(message.ends_with('…'));
}

/// Regression: the Python export rewrote `true`/`false`/`null` everywhere in the text, so a
/// metric named `nullable_rate` became `Noneable_rate`; and a right-to-left override in a
/// name went into the pasted code as is.
#[test]
fn the_python_export_is_a_faithful_literal() {
    let policy = Policy::from_json(
        r#"{"rules": [{"metric": "nullable_rate", "threshold": 0.5},
                      {"metric": "true_positive/mean", "threshold": 0.8},
                      {"metric": "evil\u202e/mean", "threshold": 0.1}],
            "missing_metric": "fail"}"#,
    )
    .unwrap();
    let python = policy.to_python();
    assert!(python.contains("\"nullable_rate\""), "{python}");
    assert!(python.contains("\"true_positive/mean\""), "{python}");
    assert!(
        !python.contains('\u{202e}'),
        "the override is escaped: {python}"
    );
    assert!(python.contains("evil\\u202e/mean"), "{python}");
}

/// Regression: `Plan::rollback` checked neither the alias name nor `from ≠ to`, so a forged
/// record offered "Roll back prоduction to v3" (a Cyrillic о) or a move to nowhere.
#[test]
fn a_rollback_of_a_look_alike_alias_or_of_no_move_is_refused() {
    let current: BTreeMap<String, String> = [("pr\u{043e}duction".to_owned(), "4".to_owned())]
        .into_iter()
        .collect();
    let forged = AliasMove {
        alias: "pr\u{043e}duction".into(),
        from: Some("3".into()),
        to: Some("4".into()),
    };
    assert!(matches!(
        Plan::rollback(&forged, &current),
        Err(Refusal::BadAlias(_))
    ));
    let current: BTreeMap<String, String> = [("production".to_owned(), "4".to_owned())]
        .into_iter()
        .collect();
    let nowhere = AliasMove {
        alias: "production".into(),
        from: Some("4".into()),
        to: Some("4".into()),
    };
    assert!(Plan::rollback(&nowhere, &current).is_err());
}
