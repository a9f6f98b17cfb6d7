//! The REST layer in headless Chromium against a real, seeded `mlflow server`.
//!
//! scripts/test starts the server (demo data plus `scale_agent` with 1 000 versions) and passes
//! its URL at build time in `PODIUM_TEST_MLFLOW`; run with `--features e2e`.
#![cfg(all(target_arch = "wasm32", feature = "e2e"))]

use podium::mlflow::{ApiError, Client, Credentials, Evaluation, ReviewData, Scope, FIRST_SCREEN};
use podium::policy::{decide, AliasMove, Plan, Policy};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MLFLOW: &str = env!("PODIUM_TEST_MLFLOW");

fn client() -> Client {
    Client::new(MLFLOW, Credentials::None)
}

async fn review(client: &Client, name: &str) -> Result<ReviewData, ApiError> {
    client.load_review(name, Scope::All).await.map(|(r, _)| r)
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
async fn demo_model_loads_versions_aliases_and_metrics_with_provenance() {
    let client = client();
    let data = review(&client, "health_monitor_agent").await.unwrap();
    let numbers: Vec<&str> = data
        .versions
        .iter()
        .map(|v| v.version.version.as_str())
        .collect();
    assert_eq!(numbers, ["6", "5", "4", "3", "2", "1"], "newest first");
    let v = |n: &str| {
        data.versions
            .iter()
            .find(|v| v.version.version == n)
            .unwrap()
    };

    assert_eq!(v("3").aliases, ["champion"]);
    assert_eq!(v("4").aliases, ["production"]);
    assert!(v("2").aliases.is_empty());

    let v6 = v("6");
    let run_id = v6.version.run_id.clone().unwrap();
    assert_eq!(
        v6.evaluation,
        Evaluation::Run {
            run_id: run_id.clone()
        }
    );
    let relevance = &v6.metrics["relevance_to_query/mean"];
    assert_eq!(relevance.value, 0.82);
    assert_eq!(relevance.run_id.as_deref(), Some(run_id.as_str()));
    assert!(relevance.timestamp.is_some());

    let v5 = v("5");
    let source = v5.version.source.clone().unwrap();
    let model_id = source.strip_prefix("models:/").unwrap().to_owned();
    assert!(model_id.starts_with("m-"), "{source}");
    assert_eq!(v5.evaluation, Evaluation::LoggedModel { model_id });
    let safety = &v5.metrics["safety/mean"];
    assert_eq!(safety.value, 0.91);
    assert_eq!(safety.dataset.as_deref(), Some("health_eval_2026_11"));
    assert_eq!(
        safety.run_id, v5.version.run_id,
        "the evaluation run is kept"
    );

    assert!(
        matches!(&v("1").evaluation, Evaluation::NotFound { reason } if reason.contains("logged no metrics"))
    );
    assert!(!v("2").metrics.contains_key("guidelines/mean"));

    // model, versions, experiments, one runs/search, one logged model
    assert_eq!(client.request_count(), 5);
}

#[wasm_bindgen_test]
async fn loaded_data_drives_the_seed_decision() {
    let data = review(&client(), "health_monitor_agent").await.unwrap();
    let policy = Policy::default();
    let champion = data
        .index_of_alias("champion")
        .map(|i| data.versions[i].metric_set());
    let candidate = &data.versions[0];
    let decision = decide(&policy, &candidate.metric_set(), champion.as_ref());
    assert!(decision.promote_production, "{decision:#?}");
    let comparison = decision.champion_comparison.as_ref().unwrap();
    assert_eq!(
        (
            comparison.tally.candidate_wins,
            comparison.tally.champion_wins
        ),
        (1, 2)
    );
    let plan = Plan::for_decision(
        &policy,
        &decision,
        &candidate.version.version,
        &data.aliases(),
    );
    assert_eq!(
        plan.moves,
        [AliasMove {
            alias: "production".into(),
            from: Some("4".into()),
            to: Some("6".into())
        }]
    );
}

#[wasm_bindgen_test]
async fn thousand_versions_load_within_the_request_budget() {
    let client = client();
    let started = now_ms();
    let (data, complete) = client.load_review("scale_agent", Scope::All).await.unwrap();
    assert!(complete);
    let elapsed = now_ms() - started;
    assert_eq!(data.versions.len(), 1000);
    assert!(data.versions.iter().all(|v| v.has_evaluation()));
    let requests = client.request_count();
    // 3 listing calls + ceil(1000 / 1000) runs/search; no logged models in this model.
    assert!(requests <= 3 + 1, "{requests} requests for 1 000 versions");
    web_sys::console::log_1(
        &format!("scale_agent: 1000 versions in {elapsed:.0} ms with {requests} requests").into(),
    );
}

#[wasm_bindgen_test]
async fn the_first_screen_is_the_newest_versions_and_the_alias_holders() {
    let client = client();
    let (first, complete) = client
        .load_review("scale_agent", Scope::FirstScreen)
        .await
        .unwrap();
    assert!(!complete, "25 of 1 000 versions");
    let numbers: Vec<&str> = first
        .versions
        .iter()
        .map(|v| v.version.version.as_str())
        .collect();
    let newest: Vec<String> = (1000 - FIRST_SCREEN as usize + 1..=1000)
        .rev()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(numbers[..FIRST_SCREEN as usize], newest[..], "{numbers:?}");
    // production (v2) and champion (v1) are there, with their evidence: decided at once.
    assert_eq!(&numbers[FIRST_SCREEN as usize..], ["2", "1"], "{numbers:?}");
    assert!(first.versions.iter().all(|v| v.has_evaluation()));
    assert_eq!(first.index_of_alias("champion"), Some(26));
    // The model, a page of versions, experiments, the two holders, one runs/search.
    let requests = client.request_count();
    assert_eq!(requests, 6, "{requests} requests for the first screen");
    // A model whose versions fit the first page is complete at once.
    let (small, complete) = client
        .load_review("health_monitor_agent", Scope::FirstScreen)
        .await
        .unwrap();
    assert!(complete);
    let all = review(&client, "health_monitor_agent").await.unwrap();
    let evidence = |r: &ReviewData| {
        r.versions
            .iter()
            .map(|v| (v.version.version.clone(), v.metrics.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(evidence(&small), evidence(&all));
}

const LOGGED_MODELS: &str = "api/2.0/mlflow/logged-models";

/// Creates a logged model named `name` in experiment 0 through MLflow's REST API; its id.
async fn create_logged_model(name: &str) -> String {
    let response = gloo_net::http::Request::post(&format!("{MLFLOW}/{LOGGED_MODELS}"))
        .header("Content-Type", "application/json")
        .body(format!(r#"{{"experiment_id": "0", "name": "{name}"}}"#))
        .unwrap()
        .send()
        .await
        .unwrap();
    assert!(response.ok(), "{}", response.status());
    let body: serde_json::Value = response.json().await.unwrap();
    body["model"]["info"]["model_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Deletes logged model `id` through MLflow's REST API.
async fn delete_logged_model(id: &str) {
    let response = gloo_net::http::Request::delete(&format!("{MLFLOW}/{LOGGED_MODELS}/{id}"))
        .send()
        .await
        .unwrap();
    assert!(response.ok(), "{}", response.status());
}

#[wasm_bindgen_test]
async fn logged_models_are_read_a_hundred_per_request() {
    let client = client();
    let mut ids = Vec::new();
    for i in 0..120 {
        ids.push(create_logged_model(&format!("podium-live-batch-{i}")).await);
    }
    // One of them deleted since: left out, as a version whose logged model is gone.
    delete_logged_model(&ids[50]).await;
    let experiments = client.all_experiment_ids().await.unwrap();
    let before = client.request_count();
    let models = client.logged_models(&ids, &experiments).await.unwrap();
    // Two searches (100 + 20 ids), then the one id they did not return, alone (404).
    assert_eq!(client.request_count() - before, 3);
    let mut found: Vec<&str> = models.iter().map(|m| m.info.model_id.as_str()).collect();
    let mut expected: Vec<&str> = ids.iter().map(String::as_str).collect();
    expected.remove(50);
    found.sort_unstable();
    expected.sort_unstable();
    assert_eq!(found, expected);
    for id in expected {
        delete_logged_model(id).await;
    }
}

#[wasm_bindgen_test]
async fn missing_model_is_resource_does_not_exist() {
    let err = review(&client(), "no_such_model").await.unwrap_err();
    assert_eq!(err.error_code(), Some("RESOURCE_DOES_NOT_EXIST"), "{err:?}");
    assert!(err
        .to_string()
        .starts_with("MLflow says: Registered Model with name=no_such_model not found"));
}

#[wasm_bindgen_test]
async fn unreachable_server_is_a_network_error() {
    let client = Client::new("http://127.0.0.1:9", Credentials::None);
    let err = client
        .get_registered_model("health_monitor_agent")
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Network { .. }), "{err:?}");
    assert!(
        err.to_string().contains("CORS"),
        "the message names the likely causes: {err}"
    );
    assert_eq!(
        client.request_count(),
        3,
        "an idempotent read is tried three times"
    );
    let err = review(&client, "health_monitor_agent").await.unwrap_err();
    assert!(matches!(err, ApiError::Network { .. }), "{err:?}");
}

#[wasm_bindgen_test]
async fn aborted_requests_report_cancellation() {
    let controller = web_sys::AbortController::new().unwrap();
    let client = client().with_abort_signal(controller.signal());
    controller.abort();
    let err = review(&client, "health_monitor_agent").await.unwrap_err();
    assert_eq!(err, ApiError::Aborted);
    // The three listing calls start together; each is aborted and none is retried.
    assert_eq!(client.request_count(), 3, "cancellation is not retried");
}

#[wasm_bindgen_test]
async fn aliases_and_tags_can_be_set_read_and_deleted() {
    let client = client();
    let model = "intent_classifier";
    client
        .set_registered_model_alias(model, "podium_test", "2")
        .await
        .unwrap();
    let got = client
        .get_model_version_by_alias(model, "podium_test")
        .await
        .unwrap();
    assert_eq!(got.version, "2");
    client
        .delete_registered_model_alias(model, "podium_test")
        .await
        .unwrap();
    let err = client
        .get_model_version_by_alias(model, "podium_test")
        .await
        .unwrap_err();
    assert_eq!(err.error_code(), Some("INVALID_PARAMETER_VALUE"), "{err:?}");

    client
        .set_registered_model_tag(model, "podium.test", "<b>x</b>")
        .await
        .unwrap();
    let m = client.get_registered_model(model).await.unwrap();
    assert_eq!(m.tag("podium.test"), Some("<b>x</b>"));
    client
        .delete_registered_model_tag(model, "podium.test")
        .await
        .unwrap();
    assert_eq!(
        client
            .get_registered_model(model)
            .await
            .unwrap()
            .tag("podium.test"),
        None
    );

    client
        .set_model_version_tag(model, "1", "podium.reviewed", "yes")
        .await
        .unwrap();
    let v = client.get_model_version(model, "1").await.unwrap();
    assert!(v
        .tags
        .iter()
        .any(|t| t.key == "podium.reviewed" && t.value == "yes"));
    client
        .delete_model_version_tag(model, "1", "podium.reviewed")
        .await
        .unwrap();
    let v = client.get_model_version(model, "1").await.unwrap();
    assert!(v.tags.iter().all(|t| t.key != "podium.reviewed"));
}

#[wasm_bindgen_test]
async fn connecting_in_settings_reloads_the_models_from_that_server() {
    use leptos::prelude::*;
    use podium::ui::{provide_client, Connection, ModelsScreen, Settings};
    use wasm_bindgen::JsCast;

    let document = leptos::prelude::document();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        // Start pointed at nothing, as a first visit with a wrong default would be.
        provide_client(Client::new("http://127.0.0.1:9", Credentials::None));
        view! {
            <Settings initial=Connection::default() />
            <ModelsScreen />
        }
    });
    let input: web_sys::HtmlInputElement = root
        .query_selector("#mlflow-url")
        .unwrap()
        .unwrap()
        .unchecked_into();
    input.set_value(MLFLOW);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    let submit: web_sys::HtmlElement = root
        .query_selector("button[type=submit]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    submit.click();
    let mut found = false;
    for _ in 0..200 {
        leptos::task::tick().await;
        if root.query_selector("th.model-name").unwrap().is_some() {
            found = true;
            break;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    let text = root.text_content().unwrap();
    assert!(found, "no models listed: {text}");
    assert!(
        text.contains("health_monitor_agent") && text.contains("champion → v3"),
        "{text}"
    );
}

mod basic_auth {
    //! Against MLflow's basic-auth app (started by scripts/test with `--basic-auth`).
    use podium::mlflow::{ApiError, Client, Credentials, Scope};
    use wasm_bindgen_test::*;

    const MLFLOW_AUTH: &str = env!("PODIUM_TEST_MLFLOW_AUTH");
    const ADMIN_PASSWORD: &str = match option_env!("PODIUM_MLFLOW_ADMIN_PASSWORD") {
        Some(p) => p,
        None => "podium-local-admin",
    };

    fn basic(username: &str, password: &str) -> Client {
        let credentials = Credentials::Basic {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        Client::new(MLFLOW_AUTH, credentials)
    }

    #[wasm_bindgen_test]
    async fn without_credentials_mlflow_asks_to_sign_in() {
        let client = Client::new(MLFLOW_AUTH, Credentials::None);
        let err = client.all_registered_models(None).await.unwrap_err();
        assert_eq!(err.status(), Some(401), "{err:?}");
        assert!(
            err.to_string()
                .contains("check the credentials in Settings"),
            "{err}"
        );
        let err = basic("viewer", "wrong-password")
            .get_registered_model("latency_router")
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(401), "{err:?}");
    }

    #[wasm_bindgen_test]
    async fn basic_credentials_read_the_registry() {
        let models = basic("viewer", "viewer-password-1")
            .all_registered_models(None)
            .await
            .unwrap();
        assert!(
            models.iter().any(|m| m.name == "health_monitor_agent"),
            "{models:?}"
        );
        let data = basic("admin", ADMIN_PASSWORD)
            .load_review("health_monitor_agent", Scope::All)
            .await
            .unwrap()
            .0;
        assert_eq!(data.versions.len(), 6);
    }

    #[wasm_bindgen_test]
    async fn a_read_only_user_is_told_which_permission_is_missing() {
        let err = basic("viewer", "viewer-password-1")
            .set_registered_model_alias("health_monitor_agent", "champion", "6")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ApiError::PermissionDenied { action, .. }
                if action == "move alias champion of model health_monitor_agent (needs EDIT)"),
            "{err:?}"
        );
        assert!(err
            .to_string()
            .starts_with("Permission denied: your MLflow user cannot move alias champion"));
        // Nothing moved.
        let model = basic("viewer", "viewer-password-1")
            .get_registered_model("health_monitor_agent")
            .await
            .unwrap();
        assert!(model
            .aliases
            .iter()
            .any(|a| a.alias == "champion" && a.version == "3"));
    }
}

#[path = "support/dom.rs"]
mod dom;

/// Writes go to the server the screen's data came from, whatever the app's settings say by the
/// time of the click (here: a server that does not exist). Leaves latency_router as it was.
#[wasm_bindgen_test]
async fn a_promotion_writes_to_the_server_the_data_came_from() {
    use leptos::prelude::*;
    use podium::ui::{provide_client, ReviewPanel};
    use wasm_bindgen::JsCast;

    let model = "latency_router";
    let loaded_from = client();
    let data = std::sync::Arc::new(review(&loaded_from, model).await.unwrap());
    assert_eq!(
        data.aliases().get("production").map(String::as_str),
        Some("2")
    );
    let policy = r#"{"rules": [{"metric": "latency_ms/p95", "greater_is_better": false, "threshold": 800}], "champion_metrics": ["latency_ms/p95"]}"#;
    let document = leptos::prelude::document();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let writer = loaded_from.clone();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        // The settings now point somewhere else.
        provide_client(Client::new("http://127.0.0.1:9", Credentials::None));
        view! {
            <ReviewPanel review=data.clone() shared=Some(policy.to_owned()) client=Some(writer.clone()) />
        }
    });
    leptos::task::tick().await;
    assert!(
        dom::eventually(5_000, || !dom::button(&root, "Apply…")
            .has_attribute("disabled"))
        .await
    );
    dom::button(&root, "Apply…").click();
    dom::settled().await;
    let name: web_sys::HtmlInputElement = root
        .query_selector("#confirm-name")
        .unwrap()
        .expect("production and champion are protected")
        .unchecked_into();
    dom::type_into(&name, model);
    dom::settled().await;
    dom::button(&root, "Apply 2 alias moves").click();
    let shown = dom::eventually(15_000, || {
        root.query_selector("#report-heading")
            .unwrap()
            .is_some_and(|h| h.text_content().unwrap() == "Applied")
    })
    .await;
    let report = root.text_content().unwrap();
    let after = loaded_from
        .get_registered_model(model)
        .await
        .unwrap()
        .alias_map();
    // Put latency_router back as the seed left it, before asserting.
    loaded_from
        .set_registered_model_alias(model, "production", "2")
        .await
        .unwrap();
    loaded_from
        .delete_registered_model_alias(model, "champion")
        .await
        .unwrap();
    let v4 = loaded_from.get_model_version(model, "4").await.unwrap();
    for tag in v4
        .tags
        .iter()
        .filter(|t| t.key.starts_with("podium.audit."))
    {
        loaded_from
            .delete_model_version_tag(model, "4", &tag.key)
            .await
            .unwrap();
    }
    root.remove();
    assert!(shown, "{report}");
    assert_eq!(
        after.get("production").map(String::as_str),
        Some("4"),
        "{report}"
    );
    assert_eq!(
        after.get("champion").map(String::as_str),
        Some("4"),
        "{report}"
    );
    assert_eq!(
        v4.tags
            .iter()
            .filter(|t| t.key.starts_with("podium.audit."))
            .count(),
        2,
        "both moves recorded"
    );
}

/// Version `v`'s evaluation run's experiment and id.
fn run_of(data: &ReviewData, v: &str) -> (String, String) {
    let version = data
        .versions
        .iter()
        .find(|r| r.version.version == v)
        .unwrap();
    (
        version.experiment_id.clone().unwrap(),
        version.version.run_id.clone().unwrap(),
    )
}

#[wasm_bindgen_test]
async fn an_evaluations_rows_are_read_from_its_traces_and_pair_with_another_evaluations() {
    use podium::mlflow::{pair_scores, Pairing};
    use podium::policy::stats::{compare_paired, Significance};

    let client = client();
    let data = review(&client, "judged_agent").await.unwrap();
    let (experiment, v1_run) = run_of(&data, "1");
    let (_, v3_run) = run_of(&data, "3");
    let before = client.request_count();
    let started = now_ms();
    let (v1, v3) = futures::future::try_join(
        client.evaluation_rows(&experiment, &v1_run),
        client.evaluation_rows(&experiment, &v3_run),
    )
    .await
    .unwrap();
    let took = now_ms() - started;
    web_sys::console::log_1(
        &format!("per-row data of two 40-row evaluations: {took:.0} ms").into(),
    );
    // One page each: the rows of 40 questions.
    assert_eq!(client.request_count() - before, 2);
    assert_eq!((v1.len(), v3.len()), (40, 40));
    // The rows' means are what MLflow aggregated on each run.
    let v1_version = data
        .versions
        .iter()
        .find(|r| r.version.version == "1")
        .unwrap();
    let mean = v1
        .iter()
        .map(|r| r.score("exact_match").unwrap())
        .sum::<f64>()
        / 40.0;
    assert!((mean - v1_version.metrics["exact_match/mean"].value).abs() < 1e-12);
    let Pairing::Paired {
        candidate,
        baseline,
        unmatched: 0,
    } = pair_scores(&v3, &v1, "exact_match")
    else {
        panic!("the two evaluations of the same questions pair");
    };
    let comparison = compare_paired(&candidate, &baseline).unwrap();
    assert_eq!(comparison.significance(true), Significance::Win);

    // A run that is not an evaluation left no traces: no rows, no error.
    let latency = review(&client, "latency_router").await.unwrap();
    let (experiment, run) = run_of(&latency, &latency.versions[0].version.version);
    assert!(client
        .evaluation_rows(&experiment, &run)
        .await
        .unwrap()
        .is_empty());
}
