//! Real servers and a real browser for end-to-end tests, all stopped even when a test fails.

use std::future::Future;
use std::os::unix::process::CommandExt;
use std::panic::{resume_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

#[path = "../support/mlflow_server.rs"]
mod mlflow_server;
pub use mlflow_server::*;

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt;
use hyper_util::client::legacy::connect::HttpConnector;

/// The plan in words under the decision (no role says "the plan": a test id).
pub const PLAN: &str = "//p[@data-testid='plan']";
/// The status message a write leaves on the fresh screen ("Applied: …", "Nothing was …").
pub const OUTCOME: &str = "//*[@role='status'][starts-with(normalize-space(),'Applied') or starts-with(normalize-space(),'Nothing was')]";
/// What an apply that was not a clean success did: the alert named by its heading.
pub const REPORT: &str = "//*[@role='alert'][@aria-labelledby='report-heading']";
/// The decision: the region named "Decision for v…".
pub const DECISION: &str = "//section[@aria-labelledby='decision-heading']";
/// Where writes go and as whom.
pub const WHO: &str = "//p[starts-with(normalize-space(),'Writes go to')]";
/// Which policy the preview uses, with its save and reset buttons.
pub const POLICY_STATUS: &str =
    "//*[@role='status'][.//button[normalize-space()='Save policy to MLflow…']]";
/// The registered models, in the region named "Registered models".
pub const MODELS_TABLE: &str = "//section[@aria-labelledby='models-heading']//table";

/// A loopback address where connections are refused for as long as this value lives: the socket is
/// bound but never listens, so no other test's server can take the port meanwhile. (A port from
/// `free_port` alone is only free when asked: CI once saw another test's MLflow answer on it.)
pub struct RefusingPort {
    _bound: socket2::Socket,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

impl RefusingPort {
    pub fn new() -> Self {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        socket
            .bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())
            .unwrap();
        let port = socket.local_addr().unwrap().as_socket().unwrap().port();
        Self {
            _bound: socket,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

/// A PostgreSQL cluster of its own (scripts/postgres); stopped and removed on drop.
pub struct Postgres {
    data: PathBuf,
    /// `postgresql+psycopg2://podium@127.0.0.1:<port>`.
    pub uri: String,
}

impl Postgres {
    pub fn start(name: &str) -> Postgres {
        let data = out_dir().join(format!("postgres-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let out = script("postgres", &["start", "--data", data.to_str().unwrap()]);
        Postgres {
            uri: out.trim().to_owned(),
            data,
        }
    }

    /// The rows `query` returns in database `db`, as psql prints them unaligned.
    pub fn query(&self, db: &str, query: &str) -> String {
        script(
            "postgres",
            &["sql", "--data", self.data.to_str().unwrap(), db, query],
        )
    }

    /// Creates database `name`; its URI.
    pub fn database(&self, name: &str) -> String {
        script(
            "postgres",
            &["createdb", "--data", self.data.to_str().unwrap(), name],
        );
        format!("{}/{name}", self.uri)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = Command::new(root().join("scripts/postgres"))
            .args(["stop", "--data", self.data.to_str().unwrap()])
            .status();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// The release build in dist/ served with /api/ forwarded to MLflow; stopped on drop.
pub struct App {
    child: Child,
    pub url: String,
}

impl App {
    pub fn serve(mlflow_url: &str) -> App {
        App::serve_with(mlflow_url, &[])
    }

    /// Like [`App::serve`], with scripts/serve_dist.py's fault options (`--refuse-alias X`).
    pub fn serve_with(mlflow_url: &str, faults: &[&str]) -> App {
        let mut args = vec!["--mlflow", mlflow_url];
        args.extend(faults);
        App::spawn(&dist(), &args)
    }

    /// The files of `dist` at `http://{host}:{port}`, with `options` for scripts/serve_dist.py
    /// (`--mlflow URL` to forward /api/ too, `--header "Name: value"`).
    pub fn serve_files(dist: &Path, host: &str, port: u16, options: &[&str]) -> App {
        let port = port.to_string();
        let mut args = vec!["--host", host, "--port", &port];
        args.extend(options);
        App::spawn(dist, &args)
    }

    fn spawn(dist: &Path, args: &[&str]) -> App {
        let (child, url) = serve_dist(dist, args);
        App { child, url }
    }
}

/// The release build in dist/.
fn dist() -> PathBuf {
    let dist = root().join("dist");
    assert!(
        dist.join("index.html").exists(),
        "no dist/: build the app first (`trunk build --release`; scripts/test does it)"
    );
    dist
}

/// A copy of the release build with `podium.json` holding `config` (none if `None`): one
/// deployment's files.
pub fn deployment_dist(name: &str, config: Option<&str>) -> PathBuf {
    let copy = out_dir().join(format!("dist-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    let status = Command::new("cp")
        .arg("-r")
        .arg(dist())
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success(), "copying dist/");
    if let Some(config) = config {
        std::fs::write(copy.join("podium.json"), config).unwrap();
    }
    copy
}

/// nginx serving the release build under /podium/ and MLflow at / on one origin
/// (scripts/serve_nginx with scripts/nginx.conf); stopped on drop.
pub struct Nginx {
    data: PathBuf,
    /// `http://host:port/podium/`.
    pub url: String,
}

impl Nginx {
    pub fn start(name: &str, mlflow_url: &str, host: &str, port: u16) -> Nginx {
        let data = out_dir().join(format!("nginx-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let out = script(
            "serve_nginx",
            &[
                "start",
                "--data",
                data.to_str().unwrap(),
                "--dist",
                dist().to_str().unwrap(),
                "--mlflow",
                mlflow_url,
                "--host",
                host,
                "--port",
                &port.to_string(),
            ],
        );
        Nginx {
            url: out.trim().to_owned(),
            data,
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new(root().join("scripts/serve_nginx"))
            .args(["stop", "--data", self.data.to_str().unwrap()])
            .status();
    }
}

/// chromedriver's `POST /session/{id}/se/log` (not in fantoccini): the browser console.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// The browser console's messages since the last call ("LEVEL message"): CSP violations,
/// failed loads (404s) and uncaught errors show here.
pub async fn console(client: &Client) -> Vec<String> {
    let entries = client.issue_cmd(BrowserLog).await.expect("the browser log");
    entries
        .as_array()
        .map(|list| {
            list.iter()
                .map(|e| {
                    format!(
                        "{} {}",
                        e["level"].as_str().unwrap_or("?"),
                        e["message"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver in its own process group, so Chromium goes with it.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.wait();
    }
}

/// Runs `test` with a fresh headless Chromium session; the session and chromedriver are closed
/// afterwards, also when the test panics (the panic is then re-raised).
pub async fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()>,
{
    // An empty CHROMEDRIVER (a script that resolved it before set-up installed it) means "unset".
    let chromedriver = std::env::var("CHROMEDRIVER")
        .ok()
        .filter(|path| !path.is_empty())
        .unwrap_or_else(|| "chromedriver".into());
    let port = free_port();
    let _driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {chromedriver}: {e} (scripts/setup installs it)")),
    );
    let profile = out_dir().join(format!("chrome-profile-{port}"));
    let caps: Capabilities = serde_json::from_value(serde_json::json!({
        "goog:loggingPrefs": { "browser": "ALL" },
        "goog:chromeOptions": {
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    }))
    .unwrap();
    let webdriver = format!("http://127.0.0.1:{port}");
    let mut client = None;
    for _ in 0..100 {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let client = client.expect("chromedriver did not start a session within 10 s");
    let result = AssertUnwindSafe(test(client.clone())).catch_unwind().await;
    let _ = client.close().await;
    let _ = std::fs::remove_dir_all(&profile);
    if let Err(panic) = result {
        resume_unwind(panic);
    }
}

/// Waits for an element the way a user waits for a page: up to 30 s.
pub async fn find(client: &Client, xpath: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("no element {xpath}: {e}"))
}

/// Saves a screenshot under target/e2e/ for a person to look at.
pub async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    std::fs::write(out_dir().join(format!("{name}.png")), png).unwrap();
}

/// Polls `read` until it returns `Some`, for up to 15 s; panics with `what` otherwise.
pub async fn until<T, F, Fut>(what: &str, mut read: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    for _ in 0..150 {
        if let Some(v) = read().await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Waits until the first element at `xpath` has text containing `needle`; returns the text.
pub async fn until_text(client: &Client, xpath: &str, needle: &str) -> String {
    until(&format!("{needle:?} at {xpath}"), || async {
        text_of(client, xpath).await.filter(|t| t.contains(needle))
    })
    .await
}

/// The text of the first element at `xpath`, if there is one.
pub async fn text_of(client: &Client, xpath: &str) -> Option<String> {
    let element = client.find(Locator::XPath(xpath)).await.ok()?;
    element.text().await.ok()
}

/// Replaces the text in the field named `{label} for {legend}` (`Threshold for safety/mean`).
pub async fn fill_rule_field(client: &Client, legend: &str, label: &str, value: &str) {
    let xpath = format!("//input[@id=//label[normalize-space()='{label} for {legend}']/@for]");
    let field = find(client, &xpath).await;
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// GETs an MLflow REST path and parses the JSON (curl: no HTTP client in the test's deps).
pub fn mlflow_get(base: &str, path: &str) -> serde_json::Value {
    let out = Command::new("curl")
        .args(["-sf", &format!("{base}/api/2.0/mlflow/{path}")])
        .output()
        .expect("curl");
    assert!(out.status.success(), "GET {path} failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Signs in through the connection settings, as a user would.
pub async fn sign_in(client: &Client, user: &str, password: &str) {
    // Open the connection settings unless they are open already.
    let basic = find(client, "//label[normalize-space()='User and password']").await;
    if !basic.is_displayed().await.unwrap() {
        find(client, "//details[contains(@class,'connection')]/summary")
            .await
            .click()
            .await
            .unwrap();
    }
    basic.click().await.unwrap();
    let name = find(
        client,
        "//input[@id=//label[normalize-space()='User']/@for]",
    )
    .await;
    name.clear().await.unwrap();
    name.send_keys(user).await.unwrap();
    let secret = find(
        client,
        "//input[@id=//label[normalize-space()='Password']/@for]",
    )
    .await;
    secret.clear().await.unwrap();
    secret.send_keys(password).await.unwrap();
    find(client, "//button[normalize-space()='Connect']")
        .await
        .click()
        .await
        .unwrap();
}

/// `text` as an XPath string literal: in double quotes when it holds an apostrophe
/// ("Start from this model's metrics").
pub fn xpath_literal(text: &str) -> String {
    assert!(
        !(text.contains('\'') && text.contains('"')),
        "XPath 1.0 has no literal with both quotes: {text}"
    );
    if text.contains('\'') {
        format!("\"{text}\"")
    } else {
        format!("'{text}'")
    }
}

/// Clicks the button whose text is `name` once it is enabled.
pub async fn click_button(client: &Client, name: &str) {
    let xpath = format!("//button[normalize-space()={}]", xpath_literal(name));
    let button = until(&format!("the button {name:?} to be enabled"), || async {
        let b = client.find(Locator::XPath(&xpath)).await.ok()?;
        b.is_enabled().await.ok()?.then_some(b)
    })
    .await;
    button.click().await.unwrap();
}

/// Fills "Set or remove an alias" (alias `alias` on version `version`) and asks to set it:
/// the confirmation opens.
pub async fn set_alias_form(client: &Client, alias: &str, version: &str) {
    let name = find(
        client,
        "//input[@id=//label[normalize-space()='Alias']/@for]",
    )
    .await;
    name.send_keys(alias).await.unwrap();
    let on = find(
        client,
        "//select[@id=//label[normalize-space()='On version']/@for]",
    )
    .await;
    on.select_by_value(version).await.unwrap();
    click_button(client, "Set alias…").await;
}

/// Opens the confirmation, types the model name if asked, and applies.
pub async fn confirm_and_apply(client: &Client, model: &str) {
    confirm(client, model, "Apply ").await;
}

/// Saves the policy on screen: "Save policy to MLflow…", then the confirmation (typing the
/// model's name when it asks).
pub async fn save_policy(client: &Client, model: &str) {
    click_button(client, "Save policy to MLflow…").await;
    confirm(client, model, "Save the policy").await;
}

/// Confirms the open dialog with its button starting with `button`, typing `model` when the
/// dialog asks for the model's name.
pub async fn confirm(client: &Client, model: &str, button: &str) {
    let dialog = find(client, "//div[@role='dialog']").await;
    let text = dialog.text().await.unwrap();
    if text.contains("type the model name") {
        let field = find(
            client,
            "//div[@role='dialog']//input[@id=//label[contains(., 'type the model name')]/@for]",
        )
        .await;
        field.send_keys(model).await.unwrap();
    }
    let confirm = find(
        client,
        &format!("//div[@role='dialog']//button[starts-with(normalize-space(), '{button}')]"),
    )
    .await;
    until("the dialog's button to be enabled", || async {
        confirm.is_enabled().await.ok()?.then_some(())
    })
    .await;
    confirm.click().await.unwrap();
}

/// The review of `model` (with a what-if `policy`, if any), once its plan is on screen.
pub async fn open_review(browser: &Client, app: &App, model: &str, policy: Option<&str>) {
    let mut url = format!("{}/models/{model}", app.url);
    if let Some(policy) = policy {
        url.push_str("?policy=");
        url.push_str(&urlencoding(policy));
    }
    browser.goto(&url).await.unwrap();
    until("the plan", || text_of(browser, "//p[@data-testid='plan']")).await;
}

/// Opens a model from the models list (the signed-in client is kept in memory, not the URL).
pub async fn open_review_signed_in(browser: &Client, model: &str) {
    find(browser, &format!("//a[normalize-space()='{model}']"))
        .await
        .click()
        .await
        .unwrap();
    until("the plan", || text_of(browser, PLAN)).await;
}

pub fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Picks version `version` as the candidate and waits for its decision.
pub async fn choose(browser: &Client, version: &str) {
    find(
        browser,
        &format!("//input[@aria-label='Candidate v{version}']"),
    )
    .await
    .click()
    .await
    .unwrap();
    until("the decision for the chosen version", || async {
        text_of(browser, "//h2[@id='decision-heading']")
            .await
            .filter(|t| t.ends_with(&format!("v{version}")))
    })
    .await;
}
