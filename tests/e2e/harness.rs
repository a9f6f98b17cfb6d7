//! Real servers and a real browser for end-to-end tests, all stopped even when a test fails.

use std::future::Future;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::panic::{resume_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt;
use hyper_util::client::legacy::connect::HttpConnector;

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Where tests leave screenshots and server logs.
pub fn out_dir() -> PathBuf {
    let dir = root().join("target/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real `mlflow server` (scripts/mlflow) with its own sqlite store; stopped on drop.
pub struct Mlflow {
    data: PathBuf,
    pub url: String,
}

impl Mlflow {
    /// Starts a server on a free port and seeds the demo data.
    pub fn start_seeded(name: &str) -> Mlflow {
        let data = out_dir().join(format!("mlflow-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let out = script("mlflow", &["start", "--data", data.to_str().unwrap()]);
        let mlflow = Mlflow {
            url: out.trim().to_owned(),
            data,
        };
        script("mlflow", &["seed", "--data", mlflow.data.to_str().unwrap()]);
        mlflow
    }
}

impl Drop for Mlflow {
    fn drop(&mut self) {
        let _ = Command::new(root().join("scripts/mlflow"))
            .args(["stop", "--data", self.data.to_str().unwrap()])
            .status();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

fn script(name: &str, args: &[&str]) -> String {
    let out = Command::new(root().join("scripts").join(name))
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("scripts/{name}: {e}"));
    assert!(out.status.success(), "scripts/{name} {args:?} failed");
    String::from_utf8(out.stdout).unwrap()
}

/// The release build in dist/ served with /api/ forwarded to MLflow; stopped on drop.
pub struct App {
    child: Child,
    pub url: String,
}

impl App {
    pub fn serve(mlflow_url: &str) -> App {
        let dist = root().join("dist");
        assert!(
            dist.join("index.html").exists(),
            "no dist/: build the app first (`trunk build --release`; scripts/test does it)"
        );
        let mut child = Command::new(root().join(".venv/bin/python"))
            .arg(root().join("scripts/serve_dist.py"))
            .args([
                "--dist",
                dist.to_str().unwrap(),
                "--mlflow",
                mlflow_url,
                "--port",
                "0",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start scripts/serve_dist.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("serving ")
            .unwrap_or_else(|| panic!("serve_dist.py said {line:?}"))
            .to_owned();
        App { child, url }
    }
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

/// The text of the first element at `xpath`, if there is one.
pub async fn text_of(client: &Client, xpath: &str) -> Option<String> {
    let element = client.find(Locator::XPath(xpath)).await.ok()?;
    element.text().await.ok()
}

/// Replaces the text in the field labelled `label` inside the fieldset whose legend is `legend`.
pub async fn fill_rule_field(client: &Client, legend: &str, label: &str, value: &str) {
    let xpath = format!(
        "//fieldset[legend[normalize-space()='{legend}']]//label[normalize-space()='{label}']/following-sibling::input[1]"
    );
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
