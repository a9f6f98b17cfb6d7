//! The one client for MLflow's REST API: where the server is, who the user is, and how a
//! request is sent — reads retried with back-off, writes sent once, each under a time limit —
//! over any [`Transport`]. The requests themselves are described beside their resource's
//! types (`registered_model.rs`, `model_version.rs`, …).

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use futures::future::{select, Either};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::auth::Credentials;
use super::error::ApiError;
use super::transport::{Failure, HttpRequest, Method, Transport, MAX_BODY};
use super::API_PREFIX;

/// How long one request may take, its whole body included, before it counts as failed.
pub const TIMEOUT_MS: u32 = 15_000;
/// Attempts for idempotent reads (the first one included): a read fails for good within
/// 3 × 15 s plus 1.5 s of back-off.
pub const READ_ATTEMPTS: u32 = 3;
/// The wait before the first retry; it doubles before each later one.
pub const FIRST_BACKOFF_MS: u32 = 500;

/// What `encodeURIComponent` leaves as it is: letters, digits and `-_.!~*'()`.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// `text` as one URL query value or path segment.
pub(crate) fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// One call to MLflow's REST API, described once: method, path, query and JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    method: Method,
    /// Under the 2.0 API (`runs/search`), or from the server's root (`/api/3.0/…`).
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<String>,
}

impl Request {
    /// `GET path`.
    pub fn get(path: impl Into<String>) -> Request {
        Request {
            method: Method::Get,
            path: path.into(),
            query: Vec::new(),
            body: None,
        }
    }

    /// `POST path` with `body` as JSON.
    pub fn post(path: impl Into<String>, body: &impl Serialize) -> Request {
        Request {
            body: Some(json(body)),
            method: Method::Post,
            ..Request::get(path)
        }
    }

    /// `DELETE path` with `body` as JSON (MLflow reads a delete's arguments from its body).
    pub fn delete(path: impl Into<String>, body: &impl Serialize) -> Request {
        Request {
            method: Method::Delete,
            ..Request::post(path, body)
        }
    }

    /// The same request with `key=value` added to its query.
    pub fn query(mut self, key: &'static str, value: impl Into<String>) -> Request {
        self.query.push((key, value.into()));
        self
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }
}

fn json(body: &impl Serialize) -> String {
    // Request bodies are Podium's own DTOs and `json!` objects: plain objects with string keys,
    // which always serialise.
    serde_json::to_string(body).expect("a request body is a JSON object")
}

/// A read that failed and is about to be tried again (for "retrying…" on screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    /// The attempt about to start (2 for the first retry).
    pub attempt: u32,
    /// Attempts in all.
    pub attempts: u32,
    /// Why the last attempt failed.
    pub error: ApiError,
}

impl fmt::Display for Retry {
    /// What the screen says while it waits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "MLflow did not answer properly ({}); trying again ({} of {})",
            self.error, self.attempt, self.attempts
        )
    }
}

/// Told about each retry of a read.
type RetryObserver = Arc<dyn Fn(&Retry) + Send + Sync>;

/// A client for one tracking server. Cheap to clone; clones share the request counter.
#[derive(Clone)]
pub struct Client {
    base: Arc<str>,
    /// The `Authorization` header's value, made once from the credentials.
    authorization: Option<Arc<str>>,
    /// The user name of basic-auth credentials.
    username: Option<Arc<str>>,
    transport: Arc<dyn Transport>,
    requests: Arc<AtomicU32>,
    on_retry: Option<RetryObserver>,
}

impl fmt::Debug for Client {
    /// Never prints the credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("username", &self.username)
            .field("signed_in", &self.authorization.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the tracking server at `base_url` (e.g. `http://127.0.0.1:5000`; in the
    /// browser, empty for this page's origin or a path such as `/mlflow` on it), signing in
    /// with `credentials`, sending through `transport`.
    pub fn new(
        base_url: &str,
        credentials: &Credentials,
        transport: impl Transport + 'static,
    ) -> Client {
        Client {
            base: base_url.trim().trim_end_matches('/').into(),
            authorization: credentials.authorization().map(Arc::from),
            username: match credentials {
                Credentials::Basic { username, .. } => Some(username.as_str().into()),
                _ => None,
            },
            transport: Arc::new(transport),
            requests: Arc::new(AtomicU32::new(0)),
            on_retry: None,
        }
    }

    /// The same server and user, through `transport` (e.g. one whose requests are cancelled
    /// when a page goes away), without a retry observer.
    pub fn with_transport(&self, transport: impl Transport + 'static) -> Client {
        Client {
            transport: Arc::new(transport),
            on_retry: None,
            ..self.clone()
        }
    }

    /// The same client, telling `observer` before each retry of a read.
    pub fn on_retry(&self, observer: impl Fn(&Retry) + Send + Sync + 'static) -> Client {
        Client {
            on_retry: Some(Arc::new(observer)),
            ..self.clone()
        }
    }

    /// The tracking server's base URL (empty: the page's own origin).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The user name the client signs in with (basic auth), if any.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// HTTP requests sent so far by this client and its clones (retries included).
    pub fn request_count(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Sends a request that changes nothing and parses its answer: a GET, or a search sent as
    /// POST. Retried with back-off on 429/502/503/504, no answer, or no answer in time.
    pub(crate) async fn read<T: DeserializeOwned>(&self, request: Request) -> Result<T, ApiError> {
        let http = self.http(&request);
        let body = self.read_body(&http).await?;
        parse(&http.url, &body)
    }

    /// Sends a write once (never retried blindly: the caller settles a lost answer by reading
    /// again). A 403 names `action`, so the user learns which permission is missing.
    pub(crate) async fn write(
        &self,
        request: Request,
        action: impl FnOnce() -> String,
    ) -> Result<(), ApiError> {
        let http = self.http(&request);
        self.exchange(http)
            .await
            .map(drop)
            .map_err(|e| e.for_action(action))
    }

    // The retry loop is not generic over the answer's type: one copy, whatever is read.
    async fn read_body(&self, http: &HttpRequest) -> Result<String, ApiError> {
        let mut attempt = 1;
        let mut backoff = FIRST_BACKOFF_MS;
        loop {
            match self.exchange(http.clone()).await {
                Err(error) if error.is_transient() && attempt < READ_ATTEMPTS => {
                    attempt += 1;
                    if let Some(observe) = &self.on_retry {
                        observe(&Retry {
                            attempt,
                            attempts: READ_ATTEMPTS,
                            error,
                        });
                    }
                    self.transport.sleep(backoff).await;
                    backoff *= 2;
                }
                other => return other,
            }
        }
    }

    /// Sends one request; the body of a successful answer, or the error MLflow gave. The time
    /// limit covers the whole exchange: a server that sends headers and then stalls the body
    /// fails like one that never answers.
    async fn exchange(&self, http: HttpRequest) -> Result<String, ApiError> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let url = http.url.clone();
        let answer = self.transport.send(http);
        let limit = self.transport.sleep(TIMEOUT_MS);
        match select(answer, limit).await {
            Either::Left((Ok(response), _)) if (200..300).contains(&response.status) => {
                Ok(response.body)
            }
            Either::Left((Ok(response), _)) => {
                Err(ApiError::from_response(response.status, &response.body))
            }
            Either::Left((Err(Failure::Aborted), _)) => Err(ApiError::Aborted),
            Either::Left((Err(Failure::TooLarge), _)) => Err(ApiError::TooLarge {
                url,
                limit_mb: MAX_BODY / (1024 * 1024),
            }),
            Either::Left((Err(Failure::Network(detail)), _)) => {
                Err(ApiError::Network { url, detail })
            }
            Either::Right(_) => Err(ApiError::Timeout {
                url,
                seconds: TIMEOUT_MS / 1000,
            }),
        }
    }

    /// The HTTP request for `request` on this client's server, as this client's user.
    fn http(&self, request: &Request) -> HttpRequest {
        let mut url = if request.path.starts_with('/') {
            format!("{}{}", self.base, request.path)
        } else {
            format!("{}{API_PREFIX}/{}", self.base, request.path)
        };
        for (i, (key, value)) in request.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(key);
            url.push('=');
            url.push_str(&encode_component(value));
        }
        let mut headers = vec![("Accept", "application/json".to_owned())];
        if let Some(authorization) = &self.authorization {
            headers.push(("Authorization", authorization.to_string()));
        }
        if request.body.is_some() {
            // Every MLflow POST needs it, or MLflow reads no arguments.
            headers.push(("Content-Type", "application/json".to_owned()));
        }
        HttpRequest {
            method: request.method,
            url,
            headers,
            body: request.body.clone(),
        }
    }
}

fn parse<T: DeserializeOwned>(url: &str, body: &str) -> Result<T, ApiError> {
    // MLflow answers `{}` when there is nothing to say; an empty body means the same.
    let body = if body.trim().is_empty() { "{}" } else { body };
    serde_json::from_str(body).map_err(|e| ApiError::Decode {
        url: url.to_owned(),
        detail: e.to_string(),
    })
}
