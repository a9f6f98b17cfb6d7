//! A scripted MLflow for native tests of the MLflow layer's sequences: it answers each request
//! from a script, records what was sent and every wait the client asked for, and never waits
//! itself (a `sleep` resolves at once, so a request scripted never to answer times out at once).

use std::sync::{Arc, Mutex};

use podium::mlflow::{Failure, HttpRequest, HttpResponse, LocalFuture, Method, Transport};

/// What the scripted server does with a request.
#[derive(Debug, Clone)]
pub enum Answer {
    /// An HTTP answer.
    Status(u16, String),
    /// No answer: the connection failed.
    Network(&'static str),
    /// No answer, ever (the client's time limit ends the wait).
    Never,
}

/// `200` with `json`.
pub fn ok(json: &str) -> Answer {
    Answer::Status(200, json.to_owned())
}

type Respond = Box<dyn Fn(&HttpRequest) -> Answer + Send>;

struct Rule {
    method: Method,
    path: &'static str,
    /// How many more requests it answers (`None`: every one).
    left: Option<usize>,
    respond: Respond,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    sent: Vec<HttpRequest>,
    slept: Vec<u32>,
}

/// The scripted server; clones share the script and the records.
#[derive(Clone, Default)]
pub struct Scripted(Arc<Mutex<State>>);

impl Scripted {
    pub fn new() -> Scripted {
        Scripted::default()
    }

    /// Answers every later `method` request to `path` (the part after `/api/2.0/mlflow/`, or
    /// the whole path from `/api/`) with `answer`, once the rules added before it for that
    /// request are used up.
    pub fn always(&self, method: Method, path: &'static str, answer: Answer) -> &Scripted {
        self.rule(method, path, None, Box::new(move |_| answer.clone()))
    }

    /// Answers the next `times` such requests with `answer`.
    pub fn times(
        &self,
        times: usize,
        method: Method,
        path: &'static str,
        answer: Answer,
    ) -> &Scripted {
        self.rule(method, path, Some(times), Box::new(move |_| answer.clone()))
    }

    /// Answers the next such request with `answer`.
    pub fn once(&self, method: Method, path: &'static str, answer: Answer) -> &Scripted {
        self.times(1, method, path, answer)
    }

    /// Answers every such request with what `respond` makes of it.
    pub fn each(
        &self,
        method: Method,
        path: &'static str,
        respond: impl Fn(&HttpRequest) -> Answer + Send + 'static,
    ) -> &Scripted {
        self.rule(method, path, None, Box::new(respond))
    }

    fn rule(
        &self,
        method: Method,
        path: &'static str,
        left: Option<usize>,
        respond: Respond,
    ) -> &Scripted {
        self.0.lock().unwrap().rules.push(Rule {
            method,
            path,
            left,
            respond,
        });
        self
    }

    /// Every request sent, in order.
    pub fn sent(&self) -> Vec<HttpRequest> {
        self.0.lock().unwrap().sent.clone()
    }

    /// The requests sent with `method` to `path`.
    pub fn sent_to(&self, method: Method, path: &str) -> Vec<HttpRequest> {
        self.sent()
            .into_iter()
            .filter(|r| r.method == method && path_of(&r.url).ends_with(&format!("/{path}")))
            .collect()
    }

    /// Every wait the client asked for, in milliseconds, in order.
    pub fn slept(&self) -> Vec<u32> {
        self.0.lock().unwrap().slept.clone()
    }

    fn answer(&self, request: &HttpRequest) -> Answer {
        let mut state = self.0.lock().unwrap();
        state.sent.push(request.clone());
        let path = path_of(&request.url).to_owned();
        let rule = state.rules.iter_mut().find(|r| {
            r.method == request.method
                && path.ends_with(&format!("/{}", r.path))
                && r.left != Some(0)
        });
        match rule {
            Some(rule) => {
                if let Some(left) = &mut rule.left {
                    *left -= 1;
                }
                (rule.respond)(request)
            }
            None => Answer::Status(
                501,
                format!(
                    r#"{{"error_code": "UNSCRIPTED", "message": "the script has no answer for {} {path}"}}"#,
                    request.method.as_str()
                ),
            ),
        }
    }
}

/// The URL without its query.
fn path_of(url: &str) -> &str {
    url.split('?').next().unwrap_or_default()
}

/// `name`'s value in `url`'s query, decoded.
pub fn query_value(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| {
            percent_encoding::percent_decode_str(value)
                .decode_utf8()
                .unwrap()
                .into_owned()
        })
    })
}

impl Transport for Scripted {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<HttpResponse, Failure>> {
        let answer = self.answer(&request);
        Box::pin(async move {
            match answer {
                Answer::Status(status, body) => Ok(HttpResponse { status, body }),
                Answer::Network(why) => Err(Failure::Network(why.to_owned())),
                Answer::Never => std::future::pending().await,
            }
        })
    }

    fn sleep(&self, ms: u32) -> LocalFuture<()> {
        self.0.lock().unwrap().slept.push(ms);
        Box::pin(async {})
    }
}
