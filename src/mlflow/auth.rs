//! Credentials, and what can be sent as credentials. Browsers refuse a header value with a
//! character outside Latin-1 (a pasted "…" or an invisible zero-width space) by throwing, so
//! credentials are checked before a client is built from them, and the message says which
//! character to remove.

use std::fmt;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// How to authenticate to the tracking server. Never printed: `Debug` redacts secrets.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Credentials {
    /// No authentication (the default local server).
    #[default]
    None,
    /// HTTP basic, as MLflow's `basic-auth` app expects.
    Basic {
        /// The MLflow user.
        username: String,
        /// Their password.
        password: String,
    },
    /// A bearer token (e.g. behind an authenticating proxy).
    Bearer(String),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Basic { username, .. } => write!(f, "Basic({username}, ***)"),
            Credentials::Bearer(_) => f.write_str("Bearer(***)"),
        }
    }
}

impl Credentials {
    /// The `Authorization` header's value, if any: `Basic <base64 of user:password, UTF-8>`
    /// or `Bearer <token>`.
    pub fn authorization(&self) -> Option<String> {
        match self {
            Credentials::None => None,
            Credentials::Basic { username, password } => {
                let pair = format!("{username}:{password}");
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                Some(format!("Basic {encoded}"))
            }
            Credentials::Bearer(token) => Some(format!("Bearer {token}")),
        }
    }
}

/// How the user signs in to MLflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// No authentication.
    #[default]
    None,
    /// HTTP basic (MLflow's basic-auth app).
    Basic,
    /// A bearer token.
    Bearer,
}

/// Why `url` cannot be a tracking server's base URL, if it cannot. Empty means this page's
/// origin, an absolute path (`/mlflow`) a prefix on it; anything else is `http(s)://host…`.
pub fn url_problem(url: &str) -> Option<String> {
    let url = url.trim();
    // Browsers read a backslash as a slash and drop tabs and newlines inside an address, so
    // `/\evil.example` or `/<tab>/evil.example` would leave this origin.
    if let Some(c) = url
        .chars()
        .find(|c| *c == '\\' || c.is_control() || c.is_whitespace())
    {
        return Some(format!(
            "it contains {}, which a browser may read as part of another address",
            describe(c)
        ));
    }
    if url.is_empty()
        || (url.starts_with('/') && !url.starts_with("//") && !url.contains(['?', '#']))
    {
        return None;
    }
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return Some(
            "it must start with http:// or https:// (or be a path like /mlflow on this page's \
             origin, or empty for the origin itself)"
                .to_owned(),
        );
    };
    if rest.split('/').next().unwrap_or_default().contains('@') {
        return Some("put credentials in the sign-in fields, never in the URL".to_owned());
    }
    if rest.is_empty() || rest.contains(['?', '#']) {
        return Some("it must be a plain address like http://mlflow.example:5000".to_owned());
    }
    None
}

/// Why `token` cannot be sent as a bearer token (`Authorization: Bearer <token>`), if it cannot.
/// A token is plain printable ASCII without spaces.
pub fn token_problem(token: &str) -> Option<String> {
    let token = token.trim();
    if token.is_empty() {
        return Some("Enter the token.".to_owned());
    }
    let (at, c) = token
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_graphic())?;
    Some(format!(
        "The token has {} at character {}: tokens are plain ASCII without spaces (was it \
         pasted with a typographic or invisible character?).",
        describe(c),
        at + 1
    ))
}

/// Why this user name and password cannot be sent with HTTP basic auth, if they cannot.
pub fn basic_problem(username: &str, password: &str) -> Option<String> {
    let username = username.trim();
    if username.is_empty() {
        return Some("Enter the MLflow user name.".to_owned());
    }
    if username.contains(':') {
        return Some("A user name for basic auth cannot contain ':'.".to_owned());
    }
    for (field, text) in [("user name", username), ("password", password)] {
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            return Some(format!("The {field} has {}: remove it.", describe(c)));
        }
    }
    None
}

/// `"…" (U+2026)`, or `an invisible character (U+200B)`.
fn describe(c: char) -> String {
    let code = format!("U+{:04X}", u32::from(c));
    if c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
    {
        format!("an invisible character ({code})")
    } else {
        format!("\"{c}\" ({code})")
    }
}

/// The host credentials would reach over plain http, when it is not this machine: MLflow at
/// `base_url` (empty: the page's own origin, `page_origin`). `None` when the connection is https
/// or stays on loopback.
pub fn exposed_over_http(base_url: &str, page_origin: &str) -> Option<String> {
    // Empty, or a path on this page's origin: the page's own scheme and host.
    let url = match base_url.trim() {
        "" => page_origin,
        path if path.starts_with('/') => page_origin,
        url => url,
    };
    let rest = url.strip_prefix("http://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    }
    .to_ascii_lowercase();
    let loopback = host == "localhost"
        || host.ends_with(".localhost")
        || host == "::1"
        || host.strip_prefix("127.").is_some_and(|r| {
            r.split('.').count() == 3 && r.split('.').all(|p| p.parse::<u8>().is_ok())
        });
    (!loopback).then_some(host)
}
