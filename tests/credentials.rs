//! What may be sent as credentials, natively.

use podium::mlflow::{basic_problem, exposed_over_http, token_problem};

#[test]
fn tokens_are_plain_ascii_and_the_message_names_the_character() {
    assert_eq!(token_problem("eyJhbGciOiJIUzI1NiJ9.e30.sig-_~+/="), None);
    assert_eq!(
        token_problem("  abc123  "),
        None,
        "surrounding spaces are trimmed"
    );
    let ellipsis = token_problem("abc…def").unwrap();
    assert!(
        ellipsis.contains("\"…\" (U+2026) at character 4"),
        "{ellipsis}"
    );
    let invisible = token_problem("abc\u{200B}def").unwrap();
    assert!(
        invisible.contains("an invisible character (U+200B)"),
        "{invisible}"
    );
    assert!(token_problem("two words").unwrap().contains("U+0020"));
    assert_eq!(token_problem("").as_deref(), Some("Enter the token."));
}

#[test]
fn basic_auth_values_that_cannot_be_sent() {
    assert_eq!(
        basic_problem("alice", "pässwörd…"),
        None,
        "UTF-8 passwords are fine"
    );
    assert!(basic_problem("ali:ce", "pw")
        .unwrap()
        .contains("cannot contain ':'"));
    assert!(basic_problem("alice", "pw\nx")
        .unwrap()
        .contains("password has an invisible character (U+000A)"));
    assert_eq!(
        basic_problem(" ", "pw").as_deref(),
        Some("Enter the MLflow user name.")
    );
}

#[test]
fn credentials_over_http_to_another_host_are_flagged() {
    assert_eq!(
        exposed_over_http("http://mlflow.example:5000", "https://podium.example"),
        Some("mlflow.example".into())
    );
    assert_eq!(
        exposed_over_http("", "http://10.0.0.7:8080"),
        Some("10.0.0.7".into())
    );
    for safe in [
        "https://mlflow.example",
        "http://127.0.0.1:5000",
        "http://localhost:5000",
        "http://[::1]:5000",
        "http://api.localhost",
    ] {
        assert_eq!(exposed_over_http(safe, "http://10.0.0.7"), None, "{safe}");
    }
    assert_eq!(exposed_over_http("", "http://127.0.0.1:8080"), None);
    assert_eq!(
        exposed_over_http("http://127.0.0.1.evil.example", ""),
        Some("127.0.0.1.evil.example".into())
    );
}
