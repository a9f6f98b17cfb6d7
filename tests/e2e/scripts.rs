//! The project's own scripts under hostile conditions (no browser needed).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{free_port, out_dir, root, App};

/// Sends `request` as is (no path clean-up, any header) and returns the whole answer.
fn raw(url: &str, request: &str) -> String {
    let addr = url.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn status_and_body(answer: &str) -> (String, String) {
    let status = answer.lines().next().unwrap_or_default().to_owned();
    let body = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

/// Regression: serve_dist.py looked up any path on the host (`/../../etc/passwd`): a file that
/// existed got a 404, a missing one the app — telling which files exist.
#[test]
fn the_test_server_never_tells_which_host_files_exist() {
    let app = App::serve(&format!("http://127.0.0.1:{}", free_port()));
    let get = |path: &str| {
        status_and_body(&raw(
            &app.url,
            &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        ))
    };
    let existing = get("/../../../../../../etc/passwd");
    let missing = get("/../../../../../../etc/no-such-file-podium");
    assert_eq!(existing, missing);
    assert!(
        existing.0.contains("200") && existing.1.contains("<!doctype html>"),
        "{existing:?}"
    );
}

/// Regression: a negative Content-Length made the proxy wait for the end of the connection.
#[test]
fn the_test_server_refuses_a_bad_content_length_at_once() {
    let app = App::serve(&format!("http://127.0.0.1:{}", free_port()));
    let started = Instant::now();
    let answer = raw(
        &app.url,
        "POST /api/2.0/mlflow/runs/search HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}",
    );
    assert!(
        answer.starts_with("HTTP/1.0 400") || answer.starts_with("HTTP/1.1 400"),
        "{answer}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// Regression: `scripts/mlflow stop` killed whatever process had the PID in the pidfile.
#[test]
fn stopping_mlflow_leaves_a_process_that_reused_its_pid_alone() {
    let data = out_dir().join(format!("stale-pid-{}", std::process::id()));
    std::fs::create_dir_all(&data).unwrap();
    let mut bystander = Command::new("sleep").arg("60").spawn().unwrap();
    std::fs::write(data.join("server.pid"), bystander.id().to_string()).unwrap();
    let status = Command::new(root().join("scripts/mlflow"))
        .args(["stop", "--data", data.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let alive = bystander.try_wait().unwrap().is_none();
    let _ = bystander.kill();
    let _ = bystander.wait();
    let _ = std::fs::remove_dir_all(&data);
    assert!(alive, "the bystander was killed");
}

/// Regression: the demo seed wrote to whatever MLFLOW_TRACKING_URI named, a team's server too.
#[test]
fn the_demo_seed_refuses_a_server_on_another_machine() {
    let out = Command::new(root().join(".venv/bin/python"))
        .arg(root().join("scripts/seed_demo.py"))
        .env("MLFLOW_TRACKING_URI", "http://mlflow.example.com:5000")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("refusing to seed http://mlflow.example.com:5000"),
        "{said}"
    );
}
