//! MLflow's JSON, captured from a real server (scripts/capture_fixtures), into the DTOs.
#![cfg(not(target_arch = "wasm32"))]

use podium::mlflow::{
    ApiError, GetRegisteredModelResponse, RegisteredModelAlias, SearchRegisteredModelsResponse,
};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn registered_models_search_reads_every_seeded_model() {
    let page: SearchRegisteredModelsResponse =
        serde_json::from_str(&fixture("registered_models_search.json")).unwrap();
    let names: Vec<_> = page
        .registered_models
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "health_monitor_agent",
            "intent_classifier",
            "latency_router"
        ]
    );
    assert_eq!(page.next_page_token, None);
    let health = &page.registered_models[0];
    assert_eq!(health.latest_version(), Some(6));
    assert_eq!(health.tag("podium.demo"), Some("complete"));
    assert!(health.aliases.contains(&RegisteredModelAlias {
        alias: "champion".into(),
        version: "3".into()
    }));
    let intent = &page.registered_models[1];
    assert!(
        intent.aliases.is_empty(),
        "MLflow omits empty lists; they default to empty"
    );
    assert!(intent
        .description
        .as_deref()
        .unwrap()
        .contains("<b>Not bold</b>"));
}

#[test]
fn registered_models_search_pages_carry_a_token() {
    let page: SearchRegisteredModelsResponse =
        serde_json::from_str(&fixture("registered_models_search_page1.json")).unwrap();
    assert_eq!(page.registered_models.len(), 1);
    assert!(page.next_page_token.is_some_and(|t| !t.is_empty()));
}

#[test]
fn registered_model_get_has_aliases() {
    let got: GetRegisteredModelResponse =
        serde_json::from_str(&fixture("registered_model_get.json")).unwrap();
    let aliases: Vec<_> = got
        .registered_model
        .aliases
        .iter()
        .map(|a| format!("{}={}", a.alias, a.version))
        .collect();
    assert_eq!(aliases, ["champion=3", "production=4", "staging=6"]);
}

#[test]
fn mlflow_error_bodies_keep_code_status_and_message() {
    let e = ApiError::from_response(404, &fixture("error_resource_does_not_exist.json"));
    assert_eq!(e.error_code(), Some("RESOURCE_DOES_NOT_EXIST"));
    assert_eq!(e.status(), Some(404));
    assert_eq!(
        e.to_string(),
        "MLflow says: Registered Model with name=no_such_model not found \
         (RESOURCE_DOES_NOT_EXIST, HTTP 404)"
    );
    let e = ApiError::from_response(400, &fixture("error_invalid_parameter.json"));
    assert_eq!(e.error_code(), Some("INVALID_PARAMETER_VALUE"));
    assert!(!e.is_transient());
}

#[test]
fn plain_text_auth_errors_are_kept_as_text() {
    // MLflow's basic-auth app answers 401/403 in plain text, not JSON.
    let e = ApiError::from_response(403, "Permission denied\n");
    assert_eq!(e.error_code(), None);
    assert_eq!(
        e.to_string(),
        "Permission denied by MLflow (403): Permission denied"
    );
    let e = ApiError::from_response(401, "You are not authenticated.");
    assert!(e.to_string().contains("check the credentials in Settings"));
}

#[test]
fn only_transient_failures_are_retryable() {
    for (status, transient) in [
        (429, true),
        (502, true),
        (503, true),
        (504, true),
        (500, false),
        (404, false),
    ] {
        assert_eq!(
            ApiError::from_response(status, "").is_transient(),
            transient,
            "{status}"
        );
    }
    let net = ApiError::Network {
        url: "/api".into(),
        detail: "Failed to fetch".into(),
    };
    assert!(net.is_transient());
    assert!(net.to_string().contains("CORS"), "{net}");
}
