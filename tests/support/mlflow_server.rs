//! Real `mlflow server`s for tests (scripts/mlflow): each starts from a copy of a store seeded
//! once per seed script, on a free loopback port, and is stopped (its store removed) on drop.
//! Used by the native live tests of the MLflow layer and by the end-to-end tests.
// Each test binary uses part of it.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository (the test's crate, or the workspace it is a member of).
pub fn root() -> &'static Path {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    if manifest.join("scripts/mlflow").exists() {
        manifest
    } else {
        manifest.parent().expect("the workspace")
    }
}

/// Where tests leave screenshots, server logs and template stores.
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

/// The admin of a basic-auth test server (scripts/mlflow's default).
pub const ADMIN: (&str, &str) = ("admin", "podium-local-admin");

impl Mlflow {
    /// Starts a server on a free port with the demo data.
    pub fn start_seeded(name: &str) -> Mlflow {
        Mlflow::start_from(name, false, &[])
    }

    /// Like [`Mlflow::start_seeded`], with scripts/mlflow's server options
    /// (`--cors-allowed-origins O`, `--static-prefix /P`); `url` then includes the prefix.
    pub fn start_seeded_with(name: &str, options: &[&str]) -> Mlflow {
        Mlflow::start_from(name, false, options)
    }

    /// Starts MLflow's basic-auth app with the demo data and the users `viewer` (READ only),
    /// `editor` (EDIT on health_monitor_agent) and `reviewer` (EDIT on model versions only: may
    /// tag a version, not move an alias); the admin is [`ADMIN`].
    pub fn start_seeded_auth(name: &str) -> Mlflow {
        Mlflow::start_from(name, true, &[])
    }

    /// Like [`Mlflow::start_seeded`], with the demo's `scale_agent` of 1 000 versions too
    /// (its template store takes ~2 minutes to seed, once).
    pub fn start_seeded_scale(name: &str) -> Mlflow {
        Mlflow::start_copy(name, template(&SCALE_TEMPLATE, Seed::Scale), false, &[])
    }

    /// Like [`Mlflow::start_seeded`], on MLflow 2.22 from its own virtualenv (scripts/setup
    /// makes it): a server with no `traces/search`, no logged models and no `users/current`.
    pub fn start_seeded_mlflow2(name: &str) -> Mlflow {
        let template = template(&MLFLOW2_TEMPLATE, Seed::Mlflow2);
        Mlflow::start_copy_in(name, template, false, &[], Some(&mlflow2_venv()))
    }

    /// Seeding takes longer than starting: each test's server starts from a copy of stores
    /// seeded once per run of the test binary (and kept while the seed script is unchanged).
    fn start_from(name: &str, auth: bool, options: &[&str]) -> Mlflow {
        let template = if auth {
            template(&AUTH_TEMPLATE, Seed::Auth)
        } else {
            template(&TEMPLATE, Seed::Plain)
        };
        Mlflow::start_copy(name, template, auth, options)
    }

    fn start_copy(name: &str, template: &Path, auth: bool, options: &[&str]) -> Mlflow {
        Mlflow::start_copy_in(name, template, auth, options, None)
    }

    /// A server for a copy of `template`, run by `venv`'s MLflow (`None`: scripts/mlflow's).
    fn start_copy_in(
        name: &str,
        template: &Path,
        auth: bool,
        options: &[&str],
        venv: Option<&Path>,
    ) -> Mlflow {
        let data = out_dir().join(format!("mlflow-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).unwrap();
        for db in ["mlflow.db", "basic_auth.db"] {
            if template.join(db).exists() {
                std::fs::copy(template.join(db), data.join(db)).unwrap();
            }
        }
        let mut args = vec!["start", "--data", data.to_str().unwrap()];
        if auth {
            args.push("--basic-auth");
        }
        args.extend(options);
        let out = script_in(venv, "mlflow", &args);
        Mlflow {
            url: out.trim().to_owned(),
            data,
        }
    }
}

impl Mlflow {
    /// MLflow on the backend store `store` (e.g. [`Postgres::database`]), seeded with the demo
    /// data through MLflow itself (no store copy: the store is not a file).
    pub fn start_seeded_on(name: &str, store: &str) -> Mlflow {
        let data = out_dir().join(format!("mlflow-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let dir = data.to_str().unwrap().to_owned();
        let url = script(
            "mlflow",
            &["start", "--data", &dir, "--backend-store-uri", store],
        );
        let mlflow = Mlflow {
            url: url.trim().to_owned(),
            data,
        };
        script("mlflow", &["seed", "--data", &dir]);
        mlflow
    }
}

static TEMPLATE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
static AUTH_TEMPLATE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
static SCALE_TEMPLATE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
static MLFLOW2_TEMPLATE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The virtualenv of MLflow's last 2.x line (2.22), made by scripts/setup.
pub fn mlflow2_venv() -> PathBuf {
    root().join(".data/venv-mlflow-2.22")
}

/// The demo data of a template store: as seeded, behind basic auth, or with `scale_agent`.
#[derive(Clone, Copy)]
enum Seed {
    Plain,
    Auth,
    Scale,
    /// As seeded, on MLflow 2.22.
    Mlflow2,
}

/// A seeded store to copy, made once: keyed by the seed script's and scripts/mlflow's text.
fn template(slot: &'static std::sync::OnceLock<PathBuf>, seed: Seed) -> &'static Path {
    slot.get_or_init(|| {
        let mut stamp: u64 = 0xcbf2_9ce4_8422_2325;
        for file in ["scripts/seed_demo.py", "scripts/mlflow"] {
            for b in std::fs::read(root().join(file)).unwrap() {
                stamp = (stamp ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        // Another MLflow (the whole run's, PODIUM_MLFLOW_VENV) seeds another store.
        let venv = match seed {
            Seed::Mlflow2 => Some(mlflow2_venv()),
            _ => None,
        };
        let line = match &venv {
            Some(v) => v.display().to_string(),
            None => std::env::var("PODIUM_MLFLOW_VENV").unwrap_or_default(),
        };
        for b in line.bytes() {
            stamp = (stamp ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        let kind = match seed {
            Seed::Plain => "plain",
            Seed::Auth => "auth",
            Seed::Scale => "scale",
            Seed::Mlflow2 => "mlflow2",
        };
        let dir = out_dir().join(format!("mlflow-template-{kind}-{stamp:016x}"));
        if !dir.join("seeded").exists() {
            let _ = std::fs::remove_dir_all(&dir);
            let mut args = vec!["start", "--data", dir.to_str().unwrap()];
            if let Seed::Auth = seed {
                args.push("--basic-auth");
            }
            script_in(venv.as_deref(), "mlflow", &args);
            let mut seed_args = vec!["seed", "--data", dir.to_str().unwrap()];
            if let Seed::Scale = seed {
                seed_args.extend(["--versions", "1000"]);
            }
            let mut seed = Command::new(root().join("scripts/mlflow"));
            if let Some(venv) = &venv {
                seed.env("PODIUM_MLFLOW_VENV", venv);
            }
            let seeded = seed.args(&seed_args).status().expect("scripts/mlflow seed");
            script("mlflow", &["stop", "--data", dir.to_str().unwrap()]);
            assert!(seeded.success(), "seeding the template store failed");
            std::fs::write(dir.join("seeded"), "").unwrap();
        }
        dir
    })
}

impl Mlflow {
    /// The server's log so far, with a line per request it answered.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data.join("server.log")).unwrap_or_default()
    }

    /// Stops the server and removes its store (also done on drop).
    pub fn stop(&self) {
        let _ = Command::new(root().join("scripts/mlflow"))
            .args(["stop", "--data", self.data.to_str().unwrap()])
            .status();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

impl Drop for Mlflow {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs scripts/`name` with `args`; what it printed. Panics if it fails.
pub fn script(name: &str, args: &[&str]) -> String {
    script_in(None, name, args)
}

/// [`script`], with `venv`'s MLflow if given (scripts/mlflow's PODIUM_MLFLOW_VENV).
fn script_in(venv: Option<&Path>, name: &str, args: &[&str]) -> String {
    let mut command = Command::new(root().join("scripts").join(name));
    if let Some(venv) = venv {
        command.env("PODIUM_MLFLOW_VENV", venv);
    }
    let out = command
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("scripts/{name}: {e}"));
    assert!(out.status.success(), "scripts/{name} {args:?} failed");
    String::from_utf8(out.stdout).unwrap()
}

/// MLflow's API behind scripts/serve_dist.py, the test proxy that injects faults (its options:
/// `--colleague-on-read 2:champion=5`, `--fault PATH=KIND`, …), with no app files; stopped on
/// drop.
pub struct Proxy {
    child: std::process::Child,
    files: PathBuf,
    /// Where MLflow's API answers through the proxy.
    pub url: String,
}

impl Proxy {
    /// The proxy in front of `mlflow_url`, with `options`.
    pub fn start(mlflow_url: &str, options: &[&str]) -> Proxy {
        let files = out_dir().join(format!("proxy-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&files).unwrap();
        let mut args = vec!["--mlflow", mlflow_url];
        args.extend(options);
        let (child, url) = serve_dist(&files, &args);
        Proxy { child, files, url }
    }
}

/// scripts/serve_dist.py serving the files of `files` with `args`: the process and its URL.
pub fn serve_dist(files: &Path, args: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(root().join(".venv/bin/python"))
        .arg(root().join("scripts/serve_dist.py"))
        .args(["--dist", files.to_str().unwrap()])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start scripts/serve_dist.py (scripts/setup creates the venv)");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("serving ")
        .unwrap_or_else(|| panic!("serve_dist.py said {line:?}"))
        .to_owned();
    (child, url)
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.files);
    }
}

/// An MLflow REST call with curl (no HTTP client in the test's deps), as `user` if given.
pub fn mlflow_call(
    base: &str,
    method: &str,
    path: &str,
    body: Option<&serde_json::Value>,
    user: Option<(&str, &str)>,
) -> serde_json::Value {
    let mut args = vec![
        "-sS".to_owned(),
        "-f".to_owned(),
        "-X".to_owned(),
        method.to_owned(),
    ];
    if let Some((name, password)) = user {
        args.extend(["-u".to_owned(), format!("{name}:{password}")]);
    }
    if let Some(body) = body {
        args.extend([
            "-H".to_owned(),
            "Content-Type: application/json".to_owned(),
            "-d".to_owned(),
            body.to_string(),
        ]);
    }
    args.push(format!("{base}/api/2.0/mlflow/{path}"));
    let out = Command::new("curl").args(&args).output().expect("curl");
    assert!(
        out.status.success(),
        "{method} {path} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if out.stdout.is_empty() {
        return serde_json::Value::Null;
    }
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A model's aliases in MLflow now (alias → version).
pub fn aliases_of(
    base: &str,
    model: &str,
    user: Option<(&str, &str)>,
) -> std::collections::BTreeMap<String, String> {
    let got = mlflow_call(
        base,
        "GET",
        &format!("registered-models/get?name={model}"),
        None,
        user,
    );
    got["registered_model"]["aliases"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            (
                a["alias"].as_str().unwrap().to_owned(),
                a["version"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The audit records (parsed tag values) on one version, oldest first.
pub fn audit_records(
    base: &str,
    model: &str,
    version: &str,
    user: Option<(&str, &str)>,
) -> Vec<serde_json::Value> {
    tag_values(base, model, version, "podium.audit.", user)
}

/// The values (parsed JSON) of one version's tags whose keys start with `prefix`, by key.
pub fn tag_values(
    base: &str,
    model: &str,
    version: &str,
    prefix: &str,
    user: Option<(&str, &str)>,
) -> Vec<serde_json::Value> {
    let got = mlflow_call(
        base,
        "GET",
        &format!("model-versions/get?name={model}&version={version}"),
        None,
        user,
    );
    let mut tags: Vec<(String, serde_json::Value)> = got["model_version"]["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["key"].as_str().unwrap().starts_with(prefix))
        .map(|t| {
            (
                t["key"].as_str().unwrap().to_owned(),
                serde_json::from_str(t["value"].as_str().unwrap()).unwrap(),
            )
        })
        .collect();
    tags.sort_by(|a, b| a.0.cmp(&b.0));
    tags.into_iter().map(|(_, v)| v).collect()
}
