//! The MLflow layer natively against a real, seeded `mlflow server`: the reads, the writes, the
//! apply sequence and the policy save, through the command line's transport (reqwest).
//!
//! One server (the demo data and `scale_agent`'s 1 000 versions) and, for the sign-in tests, one
//! behind MLflow's basic-auth app are started by this binary when a test first needs them, and
//! stopped when it ends, whatever the outcome (its own test runner: `harness = false`). Tests run
//! one at a time: some move an alias and put it back.

#[cfg(not(target_arch = "wasm32"))]
#[path = "support/mlflow_server.rs"]
mod mlflow_server;

#[cfg(not(target_arch = "wasm32"))]
mod live {
    use std::future::Future;
    use std::sync::OnceLock;
    use std::time::Instant;

    use libtest_mimic::{Arguments, Trial};
    use podium::mlflow::{
        ApiError, Capability, Client, Credentials, Evaluation, Native, ReviewData, SaveOutcome,
        Scope, SignOffOutcome, WithdrawOutcome, FIRST_SCREEN, POLICY_TAG,
    };
    use podium::policy::{
        decide, AliasMove, Approved, MoveKind, Plan, Policy, Protection, SignOff,
    };

    use crate::mlflow_server::{Mlflow, ADMIN};

    const HEALTH_MODEL: &str = "health_monitor_agent";

    static PLAIN: OnceLock<Mlflow> = OnceLock::new();
    static AUTH: OnceLock<Mlflow> = OnceLock::new();
    static MLFLOW2: OnceLock<Mlflow> = OnceLock::new();

    /// The seeded server with `scale_agent`.
    fn mlflow() -> &'static str {
        &PLAIN.get_or_init(|| Mlflow::start_seeded_scale("live")).url
    }

    /// The seeded server behind basic auth (users `viewer`, `editor` and the admin).
    fn mlflow_auth() -> &'static str {
        &AUTH
            .get_or_init(|| Mlflow::start_seeded_auth("live-auth"))
            .url
    }

    fn client() -> Client {
        Client::new(mlflow(), &Credentials::None, Native::new())
    }

    fn basic(username: &str, password: &str) -> Client {
        let credentials = Credentials::Basic {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        Client::new(mlflow_auth(), &credentials, Native::new())
    }

    async fn review(client: &Client, name: &str) -> Result<ReviewData, ApiError> {
        client.load_review(name, Scope::All).await
    }

    /// Runs `test` on a current-thread tokio runtime (the command's kind).
    fn run<F: Future<Output = ()>>(test: impl FnOnce() -> F) -> Result<(), libtest_mimic::Failed> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(test());
        Ok(())
    }

    macro_rules! trials {
        ($($name:ident),* $(,)?) => {
            vec![$(Trial::test(stringify!($name), || run($name))),*]
        };
    }

    pub fn main() {
        let mut args = Arguments::from_args();
        args.test_threads.get_or_insert(1);
        let trials = trials![
            demo_model_loads_versions_aliases_and_metrics_with_provenance,
            loaded_data_drives_the_seed_decision,
            thousand_versions_load_within_the_request_budget,
            the_first_screen_is_the_newest_versions_and_the_alias_holders,
            logged_models_are_read_a_hundred_per_request,
            missing_model_is_resource_does_not_exist,
            unreachable_server_is_a_network_error_after_three_attempts,
            aliases_and_tags_can_be_set_read_and_deleted,
            without_credentials_mlflow_asks_to_sign_in,
            basic_credentials_read_the_registry_and_name_the_user,
            a_read_only_user_is_told_which_permission_is_missing,
            an_evaluations_rows_are_read_from_its_traces_and_pair_with_another_evaluations,
            a_promotion_is_applied_and_recorded_then_a_stale_one_is_refused,
            a_policy_save_is_refused_when_someone_saved_since,
            the_models_list_says_what_each_seeded_model_needs_in_three_requests,
            a_sign_off_withdrawn_after_the_decision_stops_the_writes,
            on_mlflow_2_the_list_reads_every_version_in_one_search_and_rows_are_named_missing,
        ];
        let conclusion = libtest_mimic::run(&args, trials);
        for server in [PLAIN.get(), AUTH.get(), MLFLOW2.get()]
            .into_iter()
            .flatten()
        {
            server.stop();
        }
        conclusion.exit();
    }

    async fn demo_model_loads_versions_aliases_and_metrics_with_provenance() {
        let client = client();
        let data = review(&client, "health_monitor_agent").await.unwrap();
        let numbers: Vec<&str> = data
            .versions
            .iter()
            .map(|v| v.version.version.as_str())
            .collect();
        assert_eq!(numbers, ["6", "5", "4", "3", "2", "1"], "newest first");
        assert!(data.all_versions);
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

        // model, versions, experiments, one runs/search, one logged-models/search
        assert_eq!(client.request_count(), 5);
    }

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

    async fn thousand_versions_load_within_the_request_budget() {
        let client = client();
        let started = Instant::now();
        let data = client.load_review("scale_agent", Scope::All).await.unwrap();
        let elapsed = started.elapsed();
        assert!(data.all_versions);
        assert_eq!(data.versions.len(), 1000);
        assert!(data.versions.iter().all(|v| v.has_evaluation()));
        let requests = client.request_count();
        // 3 listing calls + ceil(1000 / 1000) runs/search; no logged models in this model.
        assert!(requests <= 3 + 1, "{requests} requests for 1 000 versions");
        eprintln!("scale_agent: 1000 versions in {elapsed:.2?} with {requests} requests");
    }

    async fn the_first_screen_is_the_newest_versions_and_the_alias_holders() {
        let client = client();
        let first = client
            .load_review("scale_agent", Scope::FirstScreen)
            .await
            .unwrap();
        assert!(!first.all_versions, "25 of 1 000 versions");
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
        let small = client
            .load_review("health_monitor_agent", Scope::FirstScreen)
            .await
            .unwrap();
        assert!(small.all_versions);
        let all = review(&client, "health_monitor_agent").await.unwrap();
        let evidence = |r: &ReviewData| {
            r.versions
                .iter()
                .map(|v| (v.version.version.clone(), v.metrics.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(evidence(&small), evidence(&all));
    }

    /// MLflow's logged-models endpoint, called directly (Podium never creates logged models).
    fn logged_models_url() -> String {
        format!("{}/api/2.0/mlflow/logged-models", mlflow())
    }

    /// Creates a logged model named `name` in experiment 0; its id.
    async fn create_logged_model(http: &reqwest::Client, name: &str) -> String {
        let response = http
            .post(logged_models_url())
            .header("Content-Type", "application/json")
            .body(serde_json::json!({"experiment_id": "0", "name": name}).to_string())
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
        let body: serde_json::Value =
            serde_json::from_str(&response.text().await.unwrap()).unwrap();
        body["model"]["info"]["model_id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn delete_logged_model(http: &reqwest::Client, id: &str) {
        http.delete(format!("{}/{id}", logged_models_url()))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
    }

    async fn logged_models_are_read_a_hundred_per_request() {
        let http = reqwest::Client::new();
        let client = client();
        let mut ids = Vec::new();
        for i in 0..120 {
            ids.push(create_logged_model(&http, &format!("podium-live-batch-{i}")).await);
        }
        // One of them deleted since: left out, as a version whose logged model is gone.
        delete_logged_model(&http, &ids[50]).await;
        let experiments = client.all_experiment_ids().await.unwrap();
        let before = client.request_count();
        let models = client.logged_models(&ids, &experiments).await.unwrap();
        // Two searches (100 + 20 ids), then the one id they did not return, alone (404).
        let requests = client.request_count() - before;
        let mut found: Vec<&str> = models.iter().map(|m| m.info.model_id.as_str()).collect();
        let mut expected: Vec<&str> = ids.iter().map(String::as_str).collect();
        expected.remove(50);
        for id in &expected {
            delete_logged_model(&http, id).await;
        }
        assert_eq!(requests, 3);
        found.sort_unstable();
        expected.sort_unstable();
        assert_eq!(found, expected);
    }

    async fn missing_model_is_resource_does_not_exist() {
        let err = review(&client(), "no_such_model").await.unwrap_err();
        assert_eq!(err.error_code(), Some("RESOURCE_DOES_NOT_EXIST"), "{err:?}");
        assert!(err
            .to_string()
            .starts_with("MLflow says: Registered Model with name=no_such_model not found"));
    }

    async fn unreachable_server_is_a_network_error_after_three_attempts() {
        let client = Client::new("http://127.0.0.1:9", &Credentials::None, Native::new());
        let err = client
            .get_registered_model("health_monitor_agent")
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Network { .. }), "{err:?}");
        assert!(
            err.to_string().starts_with("Cannot reach MLflow at http://127.0.0.1:9/api/2.0/mlflow/registered-models/get?name=health_monitor_agent: "),
            "{err}"
        );
        assert!(err.to_string().contains("Connection refused"), "{err}");
        assert_eq!(
            client.request_count(),
            3,
            "an idempotent read is tried three times"
        );
    }

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
        let m = client.get_registered_model(model).await.unwrap();
        assert_eq!(m.tag("podium.test"), None);

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

    async fn without_credentials_mlflow_asks_to_sign_in() {
        let client = Client::new(mlflow_auth(), &Credentials::None, Native::new());
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

    async fn basic_credentials_read_the_registry_and_name_the_user() {
        let viewer = basic("viewer", "viewer-password-1");
        let models = viewer.all_registered_models(None).await.unwrap();
        assert!(
            models.iter().any(|m| m.name == "health_monitor_agent"),
            "{models:?}"
        );
        assert_eq!(
            viewer.current_user().await.unwrap().as_deref(),
            Some("viewer")
        );
        let admin = basic(ADMIN.0, ADMIN.1);
        let data = review(&admin, "health_monitor_agent").await.unwrap();
        assert_eq!(data.versions.len(), 6);
        // A server without the basic-auth app names nobody.
        assert_eq!(client().current_user().await.unwrap(), None);
    }

    async fn a_read_only_user_is_told_which_permission_is_missing() {
        let viewer = basic("viewer", "viewer-password-1");
        let err = viewer
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
        let model = viewer
            .get_registered_model("health_monitor_agent")
            .await
            .unwrap();
        assert!(model
            .aliases
            .iter()
            .any(|a| a.alias == "champion" && a.version == "3"));
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

    async fn an_evaluations_rows_are_read_from_its_traces_and_pair_with_another_evaluations() {
        use podium::mlflow::{pair_scores, Pairing};
        use podium::policy::stats::{compare_paired, Significance};

        let client = client();
        let data = review(&client, "judged_agent").await.unwrap();
        let (experiment, v1_run) = run_of(&data, "1");
        let (_, v3_run) = run_of(&data, "3");
        let before = client.request_count();
        let started = Instant::now();
        let (v1, v3) = futures::future::try_join(
            client.evaluation_rows(&experiment, &v1_run),
            client.evaluation_rows(&experiment, &v3_run),
        )
        .await
        .unwrap();
        eprintln!(
            "per-row data of two 40-row evaluations: {:.0?}",
            started.elapsed()
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

    /// latency_router as the seed leaves it: production on v2, no champion, no records.
    async fn put_latency_router_back(client: &Client) {
        let model = "latency_router";
        client
            .set_registered_model_alias(model, "production", "2")
            .await
            .unwrap();
        let aliases = client
            .get_registered_model(model)
            .await
            .unwrap()
            .alias_map();
        if aliases.contains_key("champion") {
            client
                .delete_registered_model_alias(model, "champion")
                .await
                .unwrap();
        }
        for version in client.all_model_versions(model).await.unwrap() {
            for tag in version
                .tags
                .iter()
                .filter(|t| t.key.starts_with("podium.audit."))
            {
                client
                    .delete_model_version_tag(model, &version.version, &tag.key)
                    .await
                    .unwrap();
            }
        }
    }

    async fn a_promotion_is_applied_and_recorded_then_a_stale_one_is_refused() {
        let model = "latency_router";
        let client = client();
        let data = review(&client, model).await.unwrap();
        let policy = Policy::from_json(
            r#"{"rules": [{"metric": "latency_ms/p95", "greater_is_better": false, "threshold": 800}], "champion_metrics": ["latency_ms/p95"]}"#,
        )
        .unwrap();
        let saved = Policy::default();
        let protection = Protection {
            saved: &saved,
            in_effect: &policy,
            deployment: &[],
        };
        let tag = data.model.tag(POLICY_TAG);
        let proposal = data.propose("4", &policy, None, tag, protection).unwrap();
        assert_eq!(proposal.kind, MoveKind::Promotion);
        let moves: Vec<String> = proposal
            .plan
            .moves
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(moves, ["production: v2 → v4", "champion: none → v4"]);

        let writes = proposal.writes(None, 1_800_000_000_000);
        let nonce = std::cell::Cell::new(0);
        let next = || {
            nonce.set(nonce.get() + 1);
            nonce.get()
        };
        let report = client
            .apply_alias_writes(model, &writes, &proposal.seen, next)
            .await;
        let after = client
            .get_registered_model(model)
            .await
            .unwrap()
            .alias_map();
        let v4 = client.get_model_version(model, "4").await.unwrap();
        // The same proposal again: production is no longer where it was when it was made.
        let stale = client
            .apply_alias_writes(model, &writes, &proposal.seen, next)
            .await;
        put_latency_router_back(&client).await;

        assert!(report.is_complete(2) && !report.is_conflict(), "{report:?}");
        assert_eq!(after.get("production").map(String::as_str), Some("4"));
        assert_eq!(after.get("champion").map(String::as_str), Some("4"));
        let records: Vec<&str> = v4
            .tags
            .iter()
            .filter(|t| t.key.starts_with("podium.audit."))
            .map(|t| t.key.as_str())
            .collect();
        assert_eq!(records.len(), 2, "both moves recorded: {records:?}");
        assert!(stale.is_conflict(), "{stale:?}");
        assert!(stale.applied.is_empty());
    }

    async fn a_policy_save_is_refused_when_someone_saved_since() {
        let model = "intent_classifier";
        let client = client();
        let seen = client.policy_tag(model).await.unwrap();
        assert_eq!(seen, None, "the seed saves no policy on {model}");
        let mine = r#"{"rules":[{"metric":"accuracy","threshold":0.9}]}"#;
        let theirs = r#"{"rules":[{"metric":"accuracy","threshold":0.5}]}"#;
        client
            .set_registered_model_tag(model, POLICY_TAG, theirs)
            .await
            .unwrap();
        let refused = client.save_policy(model, seen.as_deref(), mine).await;
        let kept = client.policy_tag(model).await.unwrap();
        let saved = client.save_policy(model, kept.as_deref(), mine).await;
        let now = client.policy_tag(model).await.unwrap();
        client
            .delete_registered_model_tag(model, POLICY_TAG)
            .await
            .unwrap();
        assert_eq!(refused, SaveOutcome::SomeoneElseSaved);
        assert_eq!(kept.as_deref(), Some(theirs), "theirs stays");
        assert_eq!(saved, SaveOutcome::Saved);
        assert_eq!(now.as_deref(), Some(mine));
    }

    /// The sign-offs a promotion needs are counted again in the re-read right before the
    /// first write: one withdrawn in between stops it, and nothing is written.
    async fn a_sign_off_withdrawn_after_the_decision_stops_the_writes() {
        let model = "latency_router";
        let client = client();
        let policy = Policy::from_json(
            r#"{"rules": [{"metric": "latency_ms/p95", "greater_is_better": false, "threshold": 800}],
                "champion_metrics": ["latency_ms/p95"], "approvals": {"production": 1}}"#,
        )
        .unwrap();
        let protection = Protection {
            saved: &policy,
            in_effect: &policy,
            deployment: &[],
        };
        let now = 1_800_000_000_000;
        let data = review(&client, model).await.unwrap();
        let proposal = data.propose("4", &policy, None, None, protection).unwrap();
        let approved = Approved::of(&proposal, &policy).unwrap();
        let alice = SignOff::new("alice", now, approved.clone());
        let key = match client.sign_off(model, &proposal, &alice, 7).await {
            SignOffOutcome::Signed(key) => key,
            other => panic!("{other:?}"),
        };
        // Carol decides with alice's sign-off counted…
        let data = review(&client, model).await.unwrap();
        let entries = data.sign_offs("4", Some(&approved), now);
        let proposal = data
            .propose("4", &policy, None, None, protection)
            .unwrap()
            .signed_off(&policy, &entries, Some("carol"))
            .unwrap();
        assert_eq!(proposal.approvers, ["alice"]);
        // …alice withdraws before carol's writes.
        let withdrawn = client
            .withdraw_sign_off(model, "4", &key, "alice", now + 1)
            .await;
        let before = client
            .get_registered_model(model)
            .await
            .unwrap()
            .alias_map();
        let report = client
            .apply_alias_writes(
                model,
                &proposal.writes(Some("carol"), now + 2),
                &proposal.seen,
                || 1,
            )
            .await;
        let after = client
            .get_registered_model(model)
            .await
            .unwrap()
            .alias_map();
        client
            .delete_model_version_tag(model, "4", &key)
            .await
            .unwrap();

        assert_eq!(withdrawn, WithdrawOutcome::Withdrawn);
        assert!(
            report.is_conflict() && report.applied.is_empty(),
            "{report:?}"
        );
        let why = report.sign_offs_changed.as_deref().unwrap();
        assert!(
            why.contains("0 of 1 so far (nobody else has signed)"),
            "{why}"
        );
        assert!(report
            .conflict_text()
            .contains("the sign-offs no longer allow it"));
        assert_eq!(after, before, "nothing was written");
    }

    async fn the_models_list_says_what_each_seeded_model_needs_in_three_requests() {
        let client = client();
        let models = client.all_registered_models(None).await.unwrap();
        let before = client.request_count();
        let rows = client.attention(&models, None).await.unwrap();
        let requests = client.request_count() - before;
        let said: std::collections::BTreeMap<String, String> = rows
            .into_iter()
            .map(|(name, r)| (name, r.unwrap().sentence()))
            .collect();
        for (model, sentence) in [
            (
                "support_bot",
                "production v2 fails the saved policy (safety/mean 0.88 < 0.9)",
            ),
            ("summarizer", "v3 passes — production is v2"),
            ("ranker", "up to date"),
            ("draft_agent", "no evaluated versions"),
            ("health_monitor_agent", "no policy saved"),
        ] {
            assert_eq!(said[model], sentence, "{said:#?}");
        }
        // With the seed's THRESHOLDS as the deployment's default, health_monitor_agent's
        // production (v4) passes and its newest (v6) would take it.
        let default = Policy::default();
        let rows = client.attention(&models, Some(&default)).await.unwrap();
        let health = rows.iter().find(|(n, _)| n == HEALTH_MODEL).unwrap();
        assert_eq!(
            health.1.as_ref().unwrap().sentence(),
            "v6 passes — production is v4"
        );
        // Every version of the page (one search: scale_agent's 1 000 versions fit a page),
        // experiments and one runs/search; no logged-models/search, since the one model whose
        // evaluations live on logged models (health_monitor_agent) has no policy saved.
        assert_eq!(
            requests,
            3,
            "{requests} requests for {} models",
            models.len()
        );
    }

    /// MLflow 2.22 (its own virtualenv): the models list's sequence falls back to one search of
    /// every version when 2.x refuses `name IN`, and the per-row comparison's trace search is
    /// named as what the server lacks — natively, as the command runs them.
    async fn on_mlflow_2_the_list_reads_every_version_in_one_search_and_rows_are_named_missing() {
        let url = &MLFLOW2
            .get_or_init(|| Mlflow::start_seeded_mlflow2("live-mlflow2"))
            .url;
        let client = Client::new(url, &Credentials::None, Native::new());
        let models = client.all_registered_models(None).await.unwrap();
        let before = client.request_count();
        let rows = client.attention(&models, None).await.unwrap();
        let said: std::collections::BTreeMap<String, String> = rows
            .into_iter()
            .map(|(name, r)| (name, r.unwrap().sentence()))
            .collect();
        assert_eq!(
            said["support_bot"],
            "production v2 fails the saved policy (safety/mean 0.88 < 0.9)"
        );
        assert_eq!(said["ranker"], "up to date");
        // The refused IN, every version, experiments, one runs/search.
        assert_eq!(client.request_count() - before, 4);

        let review = review(&client, "judged_agent").await.unwrap();
        let run = review.version("3").unwrap().version.run_id.clone().unwrap();
        let err = client.evaluation_rows("0", &run).await.unwrap_err();
        assert!(
            matches!(
                err,
                ApiError::Unsupported {
                    capability: Capability::Traces
                }
            ),
            "{err:?}"
        );
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    live::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
