//! Hosting beside MLflow (docs/DEPLOY.md), each set-up end to end in headless Chromium against a
//! real MLflow: nginx serving Podium under /podium/ with MLflow on the same origin, Podium on its
//! own origin with MLflow's CORS allowing it (and not), MLflow under `--static-prefix`, and
//! `podium.json` read, applied and refused when malformed.
//!
//! Podium's origin is `127.0.0.2`: MLflow allows `localhost` and `127.0.0.1` origins by default,
//! so only another address shows what a real deployment needs.

use fantoccini::Client;
use serde_json::json;

use crate::harness::{
    aliases_of, click_button, confirm_and_apply, console, deployment_dist, find, free_port,
    mlflow_call, screenshot, set_alias_form, text_of, until, until_text, with_browser, App, Mlflow,
    Nginx, ADMIN, OUTCOME, PLAN, POLICY_STATUS,
};

const HEALTH: &str = "health_monitor_agent";
const PROMOTES: &str = "production: v4 → v6 · champion stays v3: v6 wins 1 of 3 key metrics";
/// The evidence link of v6's row.
const V6_RUN: &str = "//tr[th[normalize-space()='v6']]//a[normalize-space()='run']";

/// The recommended Content-Security-Policy (docs/DEPLOY.md) for MLflow at `mlflow_origin`.
fn csp(mlflow_origin: &str) -> String {
    format!(
        "Content-Security-Policy: default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self'; connect-src 'self' {mlflow_origin}; base-uri 'self'; \
         form-action 'none'; frame-ancestors 'none'"
    )
}

/// `http://host:port` of a URL.
fn origin_of(url: &str) -> String {
    url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/")
}

/// Fails on a console message about a CSP violation, an uncaught error, or a file of Podium's
/// own (at `podium`, not MLflow's API) that failed to load, e.g. a favicon 404.
async fn assert_quiet_console(browser: &Client, podium: &str) {
    let noisy: Vec<String> = console(browser)
        .await
        .into_iter()
        .filter(|m| {
            m.contains("Content Security Policy")
                || m.contains("Refused to")
                || m.contains("Uncaught")
                || (m.contains("Failed to load resource")
                    && m.split(' ')
                        .nth(1)
                        .is_some_and(|url| url.starts_with(podium) && !url.contains("/api/")))
        })
        .collect();
    assert!(noisy.is_empty(), "console: {noisy:#?}");
}

/// Opens `url` (a review) and returns the plan once it is on screen.
async fn plan_at(browser: &Client, url: &str) -> String {
    browser.goto(url).await.unwrap();
    until("the plan", || text_of(browser, PLAN)).await
}

/// Where v6's "run" evidence link leads (resolved against the page).
async fn v6_evidence(browser: &Client) -> String {
    let link = find(browser, V6_RUN).await;
    link.prop("href").await.unwrap().unwrap()
}

/// Applies the plan on screen and waits for its outcome.
async fn apply_plan(browser: &Client) {
    click_button(browser, "Apply…").await;
    confirm_and_apply(browser, HEALTH).await;
    until("the outcome of the writes", || text_of(browser, OUTCOME)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_origin_behind_nginx_under_a_sub_path() {
    let port = free_port();
    let origin = format!("http://127.0.0.2:{port}");
    // Writes through the proxy carry this page's origin: MLflow must allow it (docs/DEPLOY.md).
    let mlflow = Mlflow::start_seeded_with("nginx", &["--cors-allowed-origins", &origin]);
    let nginx = Nginx::start("same-origin", &mlflow.url, "127.0.0.2", port);
    assert_eq!(nginx.url, format!("{origin}/podium/"));
    let deep = format!("{origin}/podium/models/{HEALTH}");

    // The CSP header is sent with the page, and MLflow's sign-in challenge never is.
    let headers = curl_headers(&format!("{origin}/podium/"));
    assert!(
        headers.contains("content-security-policy: default-src 'none'"),
        "{headers}"
    );

    with_browser(|browser| async move {
        // A deep link loaded directly: nginx's index.html fallback, assets under /podium/.
        assert_eq!(plan_at(&browser, &deep).await, PROMOTES);
        let run = v6_evidence(&browser).await;
        assert!(
            run.starts_with(&format!("{origin}/#/experiments/")),
            "the evidence link opens MLflow's UI on this origin: {run}"
        );
        screenshot(&browser, "hosting-nginx-review").await;

        // A promotion through the proxy.
        apply_plan(&browser).await;

        // In-app navigation stays under /podium/; back and forward work.
        find(&browser, "//a[normalize-space()='← All models']")
            .await
            .click()
            .await
            .unwrap();
        find(&browser, &format!("//a[normalize-space()='{HEALTH}']")).await;
        assert_eq!(
            browser.current_url().await.unwrap().as_str(),
            format!("{origin}/podium/")
        );
        browser.back().await.unwrap();
        until("the review again", || text_of(&browser, PLAN)).await;
        assert_eq!(browser.current_url().await.unwrap().as_str(), deep);
        browser.forward().await.unwrap();
        find(&browser, &format!("//a[normalize-space()='{HEALTH}']")).await;

        // Reload on a deep link.
        browser.goto(&deep).await.unwrap();
        browser.refresh().await.unwrap();
        let plan = until("the plan after a reload", || text_of(&browser, PLAN)).await;
        assert!(
            plan.starts_with("production stays v6"),
            "promoted before: {plan}"
        );
        assert_quiet_console(&browser, &origin).await;

        // The evidence link is MLflow's UI, served on the same origin.
        browser.goto(&run).await.unwrap();
        until("MLflow's UI", || async {
            let title = browser.title().await.ok()?;
            title.contains("MLflow").then_some(())
        })
        .await;
    })
    .await;
    let aliases = aliases_of(&mlflow.url, HEALTH, None);
    assert_eq!(aliases["production"], "6", "{aliases:?}");
}

/// The response headers of a GET, lower-cased.
fn curl_headers(url: &str) -> String {
    let out = std::process::Command::new("curl")
        .args(["-s", "-D", "-", "-o", "/dev/null", url])
        .output()
        .expect("curl");
    String::from_utf8_lossy(&out.stdout).to_lowercase()
}

#[test]
fn the_proxy_hides_mlflows_sign_in_challenge() {
    let mlflow = Mlflow::start_seeded_auth("nginx-auth");
    let port = free_port();
    let nginx = Nginx::start("auth", &mlflow.url, "127.0.0.2", port);
    let api = "/api/2.0/mlflow/registered-models/search";
    let direct = curl_headers(&format!("{}{api}", mlflow.url));
    assert!(direct.starts_with("http/1.1 401"), "{direct}");
    assert!(
        direct.contains("www-authenticate"),
        "MLflow itself challenges: {direct}"
    );
    let proxied = curl_headers(&format!("http://127.0.0.2:{port}{api}"));
    assert!(proxied.starts_with("http/1.1 401"), "{proxied}");
    assert!(
        !proxied.contains("www-authenticate"),
        "the browser must not show its own sign-in dialog: {proxied}"
    );
    // Signed in the way Podium does it (an Authorization header), the same request passes.
    let listed = mlflow_call(
        &format!("http://127.0.0.2:{port}"),
        "GET",
        "registered-models/search",
        None,
        Some(ADMIN),
    );
    assert!(listed["registered_models"].is_array(), "{listed}");
    drop(nginx);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_with_mlflow_allowing_podiums_origin() {
    let port = free_port();
    let origin = format!("http://127.0.0.2:{port}");
    let mlflow = Mlflow::start_seeded_with("cors", &["--cors-allowed-origins", &origin]);
    let config = json!({
        "tracking_uri": mlflow.url,
        "mlflow_ui_url": "https://mlflow-ui.example.test/",
        "protected_aliases": ["staging"],
    });
    let dist = deployment_dist("cors", Some(&config.to_string()));
    let app = App::serve_files(&dist, "127.0.0.2", port, &["--header", &csp(&mlflow.url)]);
    with_browser(|browser| async move {
        let review = format!("{}/models/{HEALTH}", app.url);
        assert_eq!(plan_at(&browser, &review).await, PROMOTES);
        let run = v6_evidence(&browser).await;
        assert!(
            run.starts_with("https://mlflow-ui.example.test/#/experiments/"),
            "podium.json's mlflow_ui_url: {run}"
        );
        // A cross-origin write (with its preflight) under the CSP.
        apply_plan(&browser).await;
        // podium.json protects staging: moving it needs the model's name typed.
        set_alias_form(&browser, "staging", "5").await;
        let dialog = find(&browser, "//div[@role='dialog']")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            dialog.contains("staging protected: type the model name"),
            "{dialog}"
        );
        confirm_and_apply(&browser, HEALTH).await;
        until_text(&browser, OUTCOME, "staging: v6 → v5").await;
        assert_quiet_console(&browser, &app.url).await;
    })
    .await;
    let aliases = aliases_of(&mlflow.url, HEALTH, None);
    assert_eq!(aliases["production"], "6", "{aliases:?}");
    assert_eq!(aliases["staging"], "5", "{aliases:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mlflow_not_allowing_podiums_origin_is_explained_and_settings_override_podium_json() {
    // MLflow's CORS does not name Podium's origin; the same MLflow is also behind Podium's own
    // server (same origin), which the user switches to in Settings.
    let mlflow = Mlflow::start_seeded("cors-refused");
    let config = json!({ "tracking_uri": mlflow.url });
    let dist = deployment_dist("cors-refused", Some(&config.to_string()));
    let port = free_port();
    let app = App::serve_files(&dist, "127.0.0.2", port, &["--mlflow", &mlflow.url]);
    with_browser(|browser| async move {
        browser.goto(&app.url).await.unwrap();
        let panel = until_text(&browser, "//section[@role='alert']", "CORS").await;
        assert!(
            panel.contains("Could not load the registered models"),
            "{panel}"
        );
        assert!(panel.contains("--cors-allowed-origins"), "{panel}");
        screenshot(&browser, "hosting-cors-refused").await;

        // Settings start from podium.json; the user's choice overrides it for this tab.
        find(
            &browser,
            "//details/summary[normalize-space()='MLflow connection']",
        )
        .await
        .click()
        .await
        .unwrap();
        let url = find(
            &browser,
            "//input[@id=//label[normalize-space()='Tracking server URL']/@for]",
        )
        .await;
        assert_eq!(
            url.prop("value").await.unwrap().as_deref(),
            Some(mlflow.url.as_str())
        );
        // Emptied as a user does it (select all, delete): this page's origin.
        url.send_keys("\u{E009}a\u{E009}\u{E003}").await.unwrap();
        find(
            &browser,
            "//label[contains(., 'Remember in this browser tab')]",
        )
        .await
        .click()
        .await
        .unwrap();
        click_button(&browser, "Connect").await;
        screenshot(&browser, "hosting-settings-override").await;
        find(&browser, &format!("//a[normalize-space()='{HEALTH}']")).await;
        browser.refresh().await.unwrap();
        find(&browser, &format!("//a[normalize-space()='{HEALTH}']")).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mlflow_under_a_static_prefix_with_the_deployments_default_policy() {
    let mlflow = Mlflow::start_seeded_with("prefix", &["--static-prefix", "/mlflow"]);
    assert!(mlflow.url.ends_with("/mlflow"), "{}", mlflow.url);
    // The deployment's default policy: v6 fails safety 0.95.
    let config = json!({
        "tracking_uri": mlflow.url,
        "default_policy": {
            "rules": [{"metric": "safety/mean", "threshold": 0.95}],
            "champion_metrics": ["safety/mean"],
        },
    });
    let dist = deployment_dist("prefix", Some(&config.to_string()));
    let app = App::serve_files(&dist, "127.0.0.1", free_port(), &[]);
    let mlflow_origin = origin_of(&mlflow.url);
    with_browser(|browser| async move {
        let plan = plan_at(&browser, &format!("{}/models/{HEALTH}", app.url)).await;
        assert!(
            plan.starts_with("production stays v4: v6 fails the policy"),
            "{plan}"
        );
        let status = until_text(
            &browser,
            POLICY_STATUS,
            "uses this deployment's default policy (podium.json)",
        )
        .await;
        assert!(status.contains("none is saved"), "{status}");
        let run = v6_evidence(&browser).await;
        assert!(
            run.starts_with(&format!("{mlflow_origin}/mlflow/#/experiments/")),
            "MLflow's UI under its prefix: {run}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_podium_json_names_the_field_and_nothing_starts() {
    let dist = deployment_dist(
        "malformed",
        Some(r#"{"tracking_uri": "mlflow.example.com", "auth": "none"}"#),
    );
    let app = App::serve_files(&dist, "127.0.0.1", free_port(), &[]);
    with_browser(|browser| async move {
        browser
            .goto(&format!("{}/models/{HEALTH}", app.url))
            .await
            .unwrap();
        let panel = until_text(
            &browser,
            "//section[@role='alert']",
            "podium.json is malformed",
        )
        .await;
        assert!(
            panel.contains("tracking_uri: it must start with http://"),
            "{panel}"
        );
        assert!(
            browser
                .find(fantoccini::Locator::XPath(PLAN))
                .await
                .is_err(),
            "no review screen"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_that_do_not_load_leave_a_message_not_a_blank_page() {
    // Served at / while index.html says /elsewhere/: not even the loader loads.
    let wrong_base = deployment_dist("wrong-base", None);
    let index = wrong_base.join("index.html");
    let html = std::fs::read_to_string(&index).unwrap();
    std::fs::write(
        &index,
        html.replace(r#"<base href="/" />"#, r#"<base href="/elsewhere/" />"#),
    )
    .unwrap();
    // The loader loads, the wasm does not (the server answers its path with the page).
    let no_wasm = deployment_dist("no-wasm", None);
    for entry in std::fs::read_dir(&no_wasm).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "wasm") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let first = App::serve_files(&wrong_base, "127.0.0.1", free_port(), &[]);
    let second = App::serve_files(&no_wasm, "127.0.0.1", free_port(), &[]);
    with_browser(|browser| async move {
        browser
            .goto(&format!("{}/models/{HEALTH}", first.url))
            .await
            .unwrap();
        let text = until_text(&browser, "//p[@id='podium-boot']", "files did not load").await;
        assert!(text.contains("<base href>"), "{text}");

        browser.goto(&second.url).await.unwrap();
        let text = until_text(
            &browser,
            "//p[@id='podium-boot' and @role='alert']",
            "Podium could not start",
        )
        .await;
        assert!(text.contains("docs/DEPLOY.md"), "{text}");
    })
    .await;
}
