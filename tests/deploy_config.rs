//! `podium.json`: what a deployment may say, and the errors that name the field.

use podium::deploy::{ConfigError, Deployment};
use podium::mlflow::AuthMode;

fn field_of(text: &str) -> String {
    Deployment::from_json(text).unwrap_err().field
}

#[test]
fn every_field_is_read() {
    let d = Deployment::from_json(
        r#"{
            "tracking_uri": "https://mlflow.example.com/",
            "mlflow_ui_url": "https://ui.example.com/mlflow/",
            "auth": "bearer",
            "protected_aliases": ["production", "gold", "production"],
            "default_policy": {"rules": [{"metric": "relevance/mean", "threshold": 0.9}]}
        }"#,
    )
    .unwrap();
    assert_eq!(d.tracking_uri, "https://mlflow.example.com/");
    assert_eq!(d.ui_url(&d.tracking_uri), "https://ui.example.com/mlflow");
    assert_eq!(d.auth, AuthMode::Bearer);
    assert_eq!(d.protected_aliases, ["production", "gold"]);
    assert!(d.protects("gold") && !d.protects("champion"));
    let policy = d.default_policy.unwrap();
    assert_eq!(policy.rules.len(), 1);
    assert_eq!(policy.rules[0].metric, "relevance/mean");
    assert_eq!(policy.rules[0].threshold, Some(0.9));
}

#[test]
fn an_empty_object_is_the_defaults() {
    let d = Deployment::from_json("{}").unwrap();
    assert_eq!(d, Deployment::default());
    assert_eq!(
        d.ui_url(""),
        "",
        "evidence links go to this origin's MLflow UI"
    );
    assert_eq!(d.default_policy(), podium::policy::Policy::default());
}

#[test]
fn the_ui_url_defaults_to_the_tracking_server() {
    let d = Deployment::from_json(r#"{"tracking_uri": "/mlflow/"}"#).unwrap();
    assert_eq!(d.tracking_uri, "/mlflow/");
    assert_eq!(d.ui_url(&d.tracking_uri), "/mlflow");
    assert_eq!(
        d.ui_url("http://other:5000/"),
        "http://other:5000",
        "the server in use"
    );
}

#[test]
fn a_misspelt_field_is_named() {
    let e = Deployment::from_json(r#"{"tracking_url": "http://x"}"#).unwrap_err();
    assert_eq!(e.field, "tracking_url");
    assert!(e.message.contains("tracking_uri"), "{e}");
}

#[test]
fn bad_values_name_their_field() {
    assert_eq!(
        field_of(r#"{"tracking_uri": "mlflow.example.com"}"#),
        "tracking_uri"
    );
    assert_eq!(
        field_of(r#"{"tracking_uri": "//evil.example"}"#),
        "tracking_uri"
    );
    assert_eq!(
        field_of(r#"{"tracking_uri": "http://u:p@h"}"#),
        "tracking_uri"
    );
    assert_eq!(field_of(r#"{"tracking_uri": 5000}"#), "tracking_uri");
    assert_eq!(field_of(r#"{"mlflow_ui_url": "ftp://x"}"#), "mlflow_ui_url");
    assert_eq!(field_of(r#"{"auth": "oauth"}"#), "auth");
    assert_eq!(
        field_of(r#"{"protected_aliases": "production"}"#),
        "protected_aliases"
    );
    assert_eq!(
        field_of(r#"{"protected_aliases": ["latest"]}"#),
        "protected_aliases"
    );
    assert_eq!(
        field_of(r#"{"protected_aliases": ["prod uction"]}"#),
        "protected_aliases"
    );
}

#[test]
fn a_bad_default_policy_says_where_in_it() {
    let e = Deployment::from_json(
        r#"{"default_policy": {"rules": [{"metric": "a", "threshold": "high"}]}}"#,
    )
    .unwrap_err();
    assert_eq!(e.field, "default_policy");
    assert!(e.message.contains("rules[0]"), "{e}");
}

#[test]
fn not_an_object_or_not_json_is_about_the_file() {
    for text in [
        "[]",
        "\"x\"",
        "{",
        "{\"auth\": \"none\", \"auth\": \"basic\"}",
    ] {
        let e = Deployment::from_json(text).unwrap_err();
        assert_eq!(e.field, "podium.json", "{text}: {e}");
    }
}

#[test]
fn a_missing_file_is_the_defaults_however_the_server_says_it() {
    let missing = [
        (404, "text/plain", "Not Found"),
        (403, "application/xml", "<Error>AccessDenied</Error>"),
        // The usual single-page-app fallback: the page itself, status 200.
        (
            200,
            "text/html; charset=utf-8",
            "<!doctype html><html></html>",
        ),
        (200, "", "\n<!DOCTYPE html>\n<html lang=\"en\">"),
        (
            200,
            "application/octet-stream",
            "<html><body></body></html>",
        ),
    ];
    for (status, content_type, body) in missing {
        assert_eq!(
            Deployment::from_response(status, content_type, body),
            Ok(Deployment::default()),
            "{status} {content_type}"
        );
    }
}

#[test]
fn a_present_file_is_read_and_a_server_error_is_an_error() {
    let d = Deployment::from_response(200, "application/json", r#"{"auth": "basic"}"#).unwrap();
    assert_eq!(d.auth, AuthMode::Basic);
    let malformed = Deployment::from_response(200, "application/json", "{\"auth\": ");
    assert_eq!(malformed.unwrap_err().field, "podium.json");
    let e: ConfigError = Deployment::from_response(502, "text/html", "<html>").unwrap_err();
    assert!(e.message.contains("502"), "{e}");
    // No answer at all (boot.js passes status 0 and the browser's reason).
    let e = Deployment::from_response(0, "", "TimeoutError: signal timed out").unwrap_err();
    assert_eq!(e.field, "podium.json");
    assert!(
        e.message.contains("could not be fetched: TimeoutError"),
        "{e}"
    );
}
