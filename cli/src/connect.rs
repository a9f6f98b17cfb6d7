//! The connection, as MLflow's own clients take it from the environment, and MLflow's errors in
//! the command's words.

use std::io::IsTerminal;

use podium::mlflow::{
    basic_problem, exposed_over_http, token_problem, url_problem, ApiError, Client, Credentials,
    Native,
};

use crate::Failure;

/// A client for the tracking server `uri` (`MLFLOW_TRACKING_URI`), signing in with
/// `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD`, else `MLFLOW_TRACKING_TOKEN`, as
/// MLflow's Python client does. Retries are told on stderr.
pub fn client(uri: Option<&str>) -> Result<Client, Failure> {
    let uri = uri.map(str::trim).filter(|u| !u.is_empty()).ok_or(
        "no tracking server: set MLFLOW_TRACKING_URI or pass --tracking-uri (e.g. \
         http://127.0.0.1:5000)",
    )?;
    if !(uri.starts_with("http://") || uri.starts_with("https://")) {
        return Err(Failure(format!(
            "the tracking server must be an http:// or https:// address, not {uri:?} (a local \
             file store or another scheme cannot be promoted from)"
        )));
    }
    if let Some(why) = url_problem(uri) {
        return Err(Failure(format!(
            "the tracking server address is unusable: {why}"
        )));
    }
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let credentials = match (
        var("MLFLOW_TRACKING_USERNAME"),
        var("MLFLOW_TRACKING_PASSWORD"),
        var("MLFLOW_TRACKING_TOKEN"),
    ) {
        (Some(username), Some(password), _) => {
            if let Some(why) = basic_problem(&username, &password) {
                return Err(Failure(format!("MLFLOW_TRACKING_USERNAME/PASSWORD: {why}")));
            }
            Credentials::Basic { username, password }
        }
        (Some(_), None, _) => {
            return Err("MLFLOW_TRACKING_USERNAME is set without MLFLOW_TRACKING_PASSWORD".into())
        }
        (None, _, Some(token)) => {
            if let Some(why) = token_problem(&token) {
                return Err(Failure(format!("MLFLOW_TRACKING_TOKEN: {why}")));
            }
            Credentials::Bearer(token.trim().to_owned())
        }
        (None, _, None) => Credentials::None,
    };
    if credentials != Credentials::None {
        if let Some(host) = exposed_over_http(uri, "") {
            eprintln!(
                "podium: warning: the credentials travel unencrypted (http) to {host}; use https \
                 unless this network is private"
            );
        }
    }
    let client = Client::new(uri, &credentials, Native::new());
    Ok(client.on_retry(|retry| eprintln!("podium: {retry}…")))
}

/// MLflow's error in one sentence for the command line.
pub fn explain(error: ApiError) -> Failure {
    match error.status() {
        Some(401) => Failure(
            "MLflow needs you to sign in (401): set MLFLOW_TRACKING_USERNAME and \
             MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN"
                .to_owned(),
        ),
        _ => Failure(error.to_string()),
    }
}

/// Asks the person at the terminal to confirm: to type `name` when `type_name`, else to answer
/// yes. Refused (with the reason) when there is no terminal to ask on.
pub fn confirm(question: &str, type_name: Option<&str>) -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(
            "refusing to write without --yes: there is no terminal to confirm on (pass --yes in \
             a pipeline)"
                .into(),
        );
    }
    match type_name {
        Some(name) => eprint!("{question} Type the model's name ({name}) to confirm: "),
        None => eprint!("{question} [y/N] "),
    }
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure(format!("could not read the answer: {e}")))?;
    let answer = answer.trim();
    Ok(match type_name {
        Some(name) => answer == name,
        None => matches!(answer, "y" | "Y" | "yes"),
    })
}
