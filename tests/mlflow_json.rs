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
    // MLflow's basic-auth app answers 401/403 in plain text, not JSON (captured bodies).
    let e = ApiError::from_response(403, &fixture("error_403_basic_auth.txt"));
    assert_eq!(e.error_code(), None);
    assert_eq!(
        e.to_string(),
        "Permission denied by MLflow (403): Permission denied"
    );
    let e = ApiError::from_response(401, &fixture("error_401_basic_auth.txt"));
    assert!(e.to_string().starts_with("MLflow needs you to sign in (401): check the credentials in Settings. You are not authenticated."), "{e}");
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
    assert_eq!(
        net.to_string(),
        "Cannot reach MLflow at /api: Failed to fetch"
    );
}

mod review {
    use podium::mlflow::{
        logged_model_id, run_id_filters, Evaluation, GetLoggedModelResponse,
        GetRegisteredModelResponse, ReviewData, SearchExperimentsResponse,
        SearchModelVersionsResponse, SearchRunsResponse,
    };

    use super::fixture;

    fn assembled(dataset: Option<&str>) -> ReviewData {
        let model: GetRegisteredModelResponse =
            serde_json::from_str(&fixture("registered_model_get.json")).unwrap();
        let versions: SearchModelVersionsResponse =
            serde_json::from_str(&fixture("model_versions_search.json")).unwrap();
        let runs: SearchRunsResponse = serde_json::from_str(&fixture("runs_search.json")).unwrap();
        let logged: GetLoggedModelResponse =
            serde_json::from_str(&fixture("logged_model_get.json")).unwrap();
        ReviewData::assemble(
            model.registered_model,
            versions.model_versions,
            &runs.runs,
            &[logged.model],
            dataset,
        )
    }

    #[test]
    fn versions_are_newest_first_with_their_aliases() {
        let data = assembled(None);
        let numbers: Vec<&str> = data
            .versions
            .iter()
            .map(|v| v.version.version.as_str())
            .collect();
        assert_eq!(numbers, ["6", "5", "4", "3", "2", "1"]);
        assert_eq!(data.versions[3].aliases, ["champion"]);
        assert_eq!(data.versions[0].aliases, ["staging"]);
        assert_eq!(data.index_of_alias("production"), Some(2));
        assert_eq!(data.aliases()["champion"], "3");
    }

    #[test]
    fn run_metrics_carry_their_run() {
        let data = assembled(None);
        let v6 = &data.versions[0];
        let run_id = v6.version.run_id.clone().unwrap();
        assert_eq!(
            v6.evaluation,
            Evaluation::Run {
                run_id: run_id.clone()
            }
        );
        assert_eq!(v6.metrics["relevance_to_query/mean"].value, 0.82);
        assert_eq!(
            v6.metrics["latency_ms/p95"].run_id.as_deref(),
            Some(run_id.as_str())
        );
        assert_eq!(v6.metric_set().get("safety/mean"), Some(0.94));
    }

    #[test]
    fn logged_model_metrics_win_over_the_run_and_keep_their_dataset() {
        let data = assembled(None);
        let v5 = &data.versions[1];
        assert!(
            matches!(&v5.evaluation, Evaluation::LoggedModel { model_id } if model_id.starts_with("m-"))
        );
        let m = &v5.metrics["guidelines/mean"];
        assert_eq!(m.value, 0.66);
        assert_eq!(m.dataset.as_deref(), Some("health_eval_2026_11"));
        assert_eq!(m.run_id, v5.version.run_id);
    }

    #[test]
    fn pinning_another_dataset_falls_back_to_the_run() {
        let data = assembled(Some("another_dataset"));
        let v5 = &data.versions[1];
        // MLflow also records logged-model metrics on the evaluation run: that run is used,
        // with the dataset the run declares as its input.
        let run_id = v5.version.run_id.clone().unwrap();
        assert_eq!(v5.evaluation, Evaluation::Run { run_id });
        let m = &v5.metrics["guidelines/mean"];
        assert_eq!(m.value, 0.66);
        assert_eq!(m.dataset.as_deref(), Some("health_eval_2026_11"));
    }

    #[test]
    fn unevaluated_and_unknown_runs_say_why() {
        let data = assembled(None);
        assert!(
            matches!(&data.versions[5].evaluation, Evaluation::NotFound { reason } if reason.contains("logged no metrics"))
        );
        // The same versions without their runs: the run is named as not found.
        let model: GetRegisteredModelResponse =
            serde_json::from_str(&fixture("registered_model_get.json")).unwrap();
        let versions: SearchModelVersionsResponse =
            serde_json::from_str(&fixture("model_versions_search.json")).unwrap();
        let bare = ReviewData::assemble(
            model.registered_model,
            versions.model_versions,
            &[],
            &[],
            None,
        );
        assert!(
            matches!(&bare.versions[0].evaluation, Evaluation::NotFound { reason } if reason.contains("was not found"))
        );
    }

    #[test]
    fn metric_table_feeds_the_preview_in_version_order() {
        let data = assembled(None);
        let table = data.metric_table();
        assert_eq!(table.rows(), 6);
        assert_eq!(table.get(3, "relevance_to_query/mean"), Some(0.78));
        assert_eq!(table.get(5, "relevance_to_query/mean"), None);
    }

    #[test]
    fn ids_for_batched_fetches_are_distinct() {
        let versions: SearchModelVersionsResponse =
            serde_json::from_str(&fixture("model_versions_search.json")).unwrap();
        assert_eq!(ReviewData::run_ids(&versions.model_versions).len(), 6);
        assert_eq!(
            ReviewData::logged_model_ids(&versions.model_versions).len(),
            1
        );
        let experiments: SearchExperimentsResponse =
            serde_json::from_str(&fixture("experiments_search.json")).unwrap();
        assert!(experiments
            .experiments
            .iter()
            .any(|e| e.name == "health_monitor_agent-evaluation"));
    }

    #[test]
    fn run_id_filters_chunk_at_one_thousand_and_quote() {
        let ids: Vec<String> = (0..2500).map(|i| format!("r{i}")).collect();
        let filters = run_id_filters(&ids);
        assert_eq!(filters.len(), 3);
        assert!(filters[0].starts_with("attributes.run_id IN ('r0', 'r1'"));
        assert_eq!(filters[2].matches(", ").count(), 499);
        assert_eq!(
            run_id_filters(&["a'b".to_owned()]),
            ["attributes.run_id IN ('a''b')"]
        );
    }

    #[test]
    fn logged_model_sources_are_recognised() {
        assert_eq!(logged_model_id("models:/m-0123abcd"), Some("m-0123abcd"));
        assert_eq!(logged_model_id("runs:/abc/model"), None);
        assert_eq!(logged_model_id("models:/health_monitor_agent/3"), None);
    }
}

#[test]
fn forbidden_writes_say_what_the_user_cannot_do() {
    let e = ApiError::from_response(403, "Permission denied")
        .for_action(|| "move alias champion of model health_monitor_agent (needs EDIT)".into());
    assert_eq!(
        e.to_string(),
        "Permission denied: your MLflow user cannot move alias champion of model \
         health_monitor_agent (needs EDIT). MLflow says: Permission denied"
    );
    assert_eq!(e.status(), Some(403));
    let not_found = ApiError::from_response(404, &fixture("error_resource_does_not_exist.json"));
    assert_eq!(not_found.clone().for_action(|| unreachable!()), not_found);
}

#[test]
fn name_search_is_case_insensitive_and_quote_safe() {
    use podium::mlflow::SearchRegisteredModels;
    let r = SearchRegisteredModels::name_contains(" Agent ", 100, None);
    assert_eq!(r.filter.as_deref(), Some("name ILIKE '%Agent%'"));
    assert_eq!(r.order_by, ["name ASC"]);
    let r = SearchRegisteredModels::name_contains("o'brien", 100, Some("tok".into()));
    assert_eq!(r.filter.as_deref(), Some("name ILIKE '%o_brien%'"));
    assert_eq!(r.page_token.as_deref(), Some("tok"));
    assert_eq!(
        SearchRegisteredModels::name_contains("  ", 5, None).filter,
        None
    );
}

#[test]
fn version_filters_quote_any_model_name() {
    use podium::mlflow::versions_filter;
    assert_eq!(
        versions_filter("health_monitor_agent"),
        "name='health_monitor_agent'"
    );
    // Regression: `bob's_model` was written `name='bob''s_model'`, which MLflow does not undo
    // (it matched nothing: "This model has no versions").
    assert_eq!(versions_filter("bob's_model"), "name=\"bob's_model\"");
    assert_eq!(versions_filter("say \"hi\""), "name='say \"hi\"'");
    assert_eq!(versions_filter("it's \"x\""), "name LIKE 'it_s _x_'");
}

#[test]
fn aliases_naming_unlisted_versions_are_found() {
    use podium::mlflow::{GetRegisteredModelResponse, ReviewData, SearchModelVersionsResponse};
    let model: GetRegisteredModelResponse =
        serde_json::from_str(include_str!("fixtures/registered_model_get.json")).unwrap();
    let versions: SearchModelVersionsResponse =
        serde_json::from_str(include_str!("fixtures/model_versions_search.json")).unwrap();
    let model = model.registered_model;
    assert!(ReviewData::dangling_aliases(&model, &versions.model_versions).is_empty());
    // A truncated list: the newest two versions are missing.
    let truncated: Vec<_> = versions
        .model_versions
        .into_iter()
        .filter(|v| v.version.parse::<u32>().unwrap() <= 4)
        .collect();
    assert_eq!(
        ReviewData::dangling_aliases(&model, &truncated),
        ["staging → v6"]
    );
}

#[test]
fn model_search_sends_wildcards_as_any_character_and_narrows_to_the_text() {
    use podium::mlflow::{name_contains, SearchRegisteredModels};
    let filter = |t: &str| SearchRegisteredModels::name_contains(t, 100, None).filter;
    assert_eq!(filter("agent").as_deref(), Some("name ILIKE '%agent%'"));
    assert_eq!(filter(" ").as_deref(), None);
    // Regression: "%" matched every model; a backslash means different things per database.
    assert_eq!(
        filter("100%_\\'x").as_deref(),
        Some("name ILIKE '%100____x%'")
    );
    assert!(name_contains("100%_sure", "%_s"));
    assert!(!name_contains("100x_sure", "%_s"));
    assert!(name_contains("Health_Monitor", "monitor"));
    assert!(name_contains("back\\slash", "\\"));
    assert!(!name_contains("ab", "abc"));
    assert!(
        !name_contains("café_model", "É_M"),
        "only ASCII case folds, as ILIKE"
    );
    assert!(name_contains("café_model", "é_m"));
}

mod logged_models {
    use podium::mlflow::{
        logged_model_filters, GetLoggedModelResponse, SearchLoggedModels,
        SearchLoggedModelsResponse, LOGGED_MODELS_PER_SEARCH,
    };

    use super::fixture;

    #[test]
    fn a_batch_read_gives_the_same_model_as_reading_it_alone() {
        let batch: SearchLoggedModelsResponse =
            serde_json::from_str(&fixture("logged_models_search.json")).unwrap();
        let alone: GetLoggedModelResponse =
            serde_json::from_str(&fixture("logged_model_get.json")).unwrap();
        assert_eq!(batch.models.len(), 1);
        assert_eq!(batch.next_page_token, None);
        // Captured from two seeded servers: the ids differ, the seeded metrics do not.
        let metrics = |m: &podium::mlflow::LoggedModel| {
            let mut out: Vec<(String, f64, Option<String>)> = m
                .data
                .metrics
                .iter()
                .map(|x| (x.key.clone(), x.value, x.dataset_name.clone()))
                .collect();
            out.sort_by(|a, b| a.0.cmp(&b.0));
            out
        };
        assert_eq!(metrics(&batch.models[0]), metrics(&alone.model));
        assert_eq!(metrics(&alone.model).len(), 4);
    }

    #[test]
    fn ids_are_asked_for_a_hundred_at_a_time_and_quoted() {
        let ids: Vec<String> = (0..250).map(|i| format!("m-{i:032x}")).collect();
        let filters = logged_model_filters(&ids);
        assert_eq!(filters.len(), 3);
        assert!(filters.iter().all(|f| f.starts_with("model_id IN ('m-")));
        assert_eq!(filters[0].matches("'m-").count(), LOGGED_MODELS_PER_SEARCH);
        assert_eq!(filters[2].matches("'m-").count(), 50);
        assert_eq!(
            logged_model_filters(&["m-a'b".to_owned()]),
            ["model_id IN ('m-a''b')"]
        );
        assert!(logged_model_filters(&[]).is_empty());
    }

    #[test]
    fn the_request_is_what_mlflow_reads() {
        let request = SearchLoggedModels {
            experiment_ids: vec!["0".into(), "1".into()],
            filter: "model_id IN ('m-1')".into(),
            max_results: 100,
            page_token: None,
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({
                "experiment_ids": ["0", "1"],
                "filter": "model_id IN ('m-1')",
                "max_results": 100
            })
        );
    }
}
