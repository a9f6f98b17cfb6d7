//! Where MLflow is and how to sign in: kept in memory, and in sessionStorage only when asked.

use leptos::prelude::*;

use serde::{Deserialize, Serialize};

use super::use_client;
pub use crate::mlflow::AuthMode;
use crate::mlflow::{
    basic_problem, exposed_over_http, token_problem, url_problem, Client, Credentials, Fetch,
    SearchRegisteredModels,
};

/// The sessionStorage key; credentials never go to localStorage, URLs or logs.
pub const SESSION_KEY: &str = "podium.connection";

/// The connection as the settings form holds it (and sessionStorage keeps it, when asked).
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Connection {
    /// Tracking server URL; empty means this page's origin.
    pub base_url: String,
    /// Sign-in method.
    pub auth: AuthMode,
    /// Basic-auth user.
    pub username: String,
    /// Basic-auth password.
    pub password: String,
    /// Bearer token.
    pub token: String,
    /// Keep it in this tab's sessionStorage.
    pub remember: bool,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("remember", &self.remember)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// Checks the form; the error says what to change.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(why) = url_problem(&self.base_url) {
            return Err(format!("Tracking server URL: {why}."));
        }
        // A path is on this page's origin: checked as the browser itself resolves it.
        if self.base_url.trim().starts_with('/') && !stays_on_this_origin(self.base_url.trim()) {
            return Err(
                "Tracking server URL: as a path it must stay on this page's origin, and the \
                 browser reads it as another host."
                    .to_owned(),
            );
        }
        let problem = match self.auth {
            AuthMode::None => None,
            AuthMode::Basic => basic_problem(&self.username, &self.password),
            AuthMode::Bearer => token_problem(&self.token),
        };
        problem.map_or(Ok(()), Err)
    }

    /// The client this connection describes.
    pub fn client(&self) -> Client {
        let credentials = match self.auth {
            AuthMode::None => Credentials::None,
            AuthMode::Basic => Credentials::Basic {
                username: self.username.trim().to_owned(),
                password: self.password.clone(),
            },
            AuthMode::Bearer => Credentials::Bearer(self.token.trim().to_owned()),
        };
        Client::new(self.base_url.trim(), &credentials, Fetch::new())
    }

    /// The connection remembered in this tab, if the user asked for that. One that no longer
    /// passes [`Connection::validate`] is forgotten, and the error says why.
    pub fn load() -> Result<Option<Connection>, String> {
        let Some(storage) = session_storage() else {
            return Ok(None);
        };
        let Some(text) = storage.get_item(SESSION_KEY).ok().flatten() else {
            return Ok(None);
        };
        let checked = Connection::from_json(&text)
            .ok_or_else(|| "it could not be read".to_owned())
            .and_then(|c| c.validate().map(|()| c));
        match checked {
            Ok(connection) => Ok(Some(connection)),
            Err(why) => {
                let _ = storage.remove_item(SESSION_KEY);
                Err(format!(
                    "The connection remembered in this tab was forgotten: {why}"
                ))
            }
        }
    }

    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn from_json(text: &str) -> Option<Connection> {
        serde_json::from_str(text).ok()
    }

    /// Remembers the connection in sessionStorage if asked (only the secret its sign-in mode
    /// uses); otherwise forgets any earlier one.
    pub fn store(&self) {
        let Some(storage) = session_storage() else {
            return;
        };
        if self.remember {
            let mut kept = self.clone();
            if kept.auth != AuthMode::Basic {
                kept.username.clear();
                kept.password.clear();
            }
            if kept.auth != AuthMode::Bearer {
                kept.token.clear();
            }
            let _ = storage.set_item(SESSION_KEY, &kept.to_json());
        } else {
            let _ = storage.remove_item(SESSION_KEY);
        }
    }
}

/// Whether the browser resolves `path` against this page to an address on the page's origin.
fn stays_on_this_origin(path: &str) -> bool {
    let location = window().location();
    let (Ok(page), Ok(origin)) = (location.href(), location.origin()) else {
        return false;
    };
    web_sys::Url::new_with_base(path, &page).is_ok_and(|url| url.origin() == origin)
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The connection settings form. Saving replaces the app's MLflow client.
#[component]
pub fn Settings(
    /// The connection the form starts from.
    #[prop(into)]
    initial: Connection,
) -> impl IntoView {
    let client = use_client();
    let form = RwSignal::new(initial);
    // Memos, so typing in a field does not re-render the fields shown for the sign-in mode.
    let basic = Memo::new(move |_| form.with(|c| c.auth == AuthMode::Basic));
    let bearer = Memo::new(move |_| form.with(|c| c.auth == AuthMode::Bearer));
    let (error, set_error) = signal(None::<String>);
    // "Connected" only once MLflow has answered through the new connection.
    let (status, set_status) = signal(None::<Result<String, String>>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let connection = form.get();
        if let Err(e) = connection.validate() {
            set_error.set(Some(e));
            set_status.set(None);
            return;
        }
        connection.store();
        let new_client = connection.client();
        client.set(new_client.clone());
        set_error.set(None);
        set_status.set(Some(Ok("Checking the connection…".to_owned())));
        let server = match connection.base_url.trim() {
            "" => "this page's origin".to_owned(),
            url => url.to_owned(),
        };
        leptos::task::spawn_local(async move {
            let probe = SearchRegisteredModels {
                max_results: Some(1),
                ..Default::default()
            };
            let answer = new_client.search_registered_models(&probe).await;
            set_status.set(Some(match answer {
                Ok(_) => Ok(format!("Connected to {server}: MLflow answered.")),
                Err(e) => Err(format!("Saved, but MLflow at {server} did not answer: {e}")),
            }));
        });
    };
    let origin = window().location().origin().unwrap_or_default();
    let exposed = move || {
        form.with(|c| {
            if c.auth == AuthMode::None {
                return None;
            }
            exposed_over_http(&c.base_url, &origin).map(|host| {
                format!(
                    "Your credentials would travel unencrypted (http) to {host}: anyone on the \
                     network between can read them. Use https unless this network is private."
                )
            })
        })
    };
    let field = move |f: fn(&mut Connection, String)| {
        move |ev| {
            let value = event_target_value(&ev);
            form.update(|c| f(c, value));
            set_status.set(None);
        }
    };
    let auth_radio = move |mode: AuthMode, label: &'static str, id: &'static str| {
        view! {
            <label for=id class="radio">
                <input
                    type="radio"
                    id=id
                    name="auth"
                    prop:checked=move || form.with(|c| c.auth == mode)
                    on:change=move |_| form.update(|c| c.auth = mode)
                />
                {label}
            </label>
        }
    };
    view! {
        <form class="settings" on:submit=on_submit aria-labelledby="settings-heading">
            <h2 id="settings-heading">"MLflow connection"</h2>
            <label for="mlflow-url">"Tracking server URL"</label>
            <input
                id="mlflow-url"
                type="url"
                placeholder="empty: this page's origin (/api/2.0/mlflow)"
                prop:value=move || form.with(|c| c.base_url.clone())
                on:input=field(|c, v| c.base_url = v)
            />
            <fieldset>
                <legend>"Sign in"</legend>
                {auth_radio(AuthMode::None, "None", "auth-none")}
                {auth_radio(AuthMode::Basic, "User and password", "auth-basic")}
                {auth_radio(AuthMode::Bearer, "Token", "auth-bearer")}
            </fieldset>
            {move || basic.get().then(|| view! {
                <label for="mlflow-user">"User"</label>
                <input
                    id="mlflow-user"
                    autocomplete="username"
                    prop:value=move || form.with(|c| c.username.clone())
                    on:input=field(|c, v| c.username = v)
                />
                <label for="mlflow-password">"Password"</label>
                <input
                    id="mlflow-password"
                    type="password"
                    autocomplete="current-password"
                    prop:value=move || form.with(|c| c.password.clone())
                    on:input=field(|c, v| c.password = v)
                />
            })}
            {move || bearer.get().then(|| view! {
                <label for="mlflow-token">"Token"</label>
                <input
                    id="mlflow-token"
                    type="password"
                    autocomplete="off"
                    prop:value=move || form.with(|c| c.token.clone())
                    on:input=field(|c, v| c.token = v)
                />
            })}
            <label for="mlflow-remember" class="checkbox">
                <input
                    id="mlflow-remember"
                    type="checkbox"
                    prop:checked=move || form.with(|c| c.remember)
                    on:change=move |ev| form.update(|c| c.remember = event_target_checked(&ev))
                />
                "Remember in this browser tab (sessionStorage; never stored anywhere else)"
            </label>
            <p class="warning" role="note">{exposed}</p>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <button type="submit">"Connect"</button>
            {move || status.get().map(|s| match s {
                Ok(text) => view! { <p role="status" class="muted">{text}</p> }.into_any(),
                Err(text) => view! { <p role="alert" class="field-error">{text}</p> }.into_any(),
            })}
        </form>
    }
}
