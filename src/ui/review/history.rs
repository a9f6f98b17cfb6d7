//! The model's alias history, from the audit records on the versions already loaded (no
//! request per version), newest first by the time in each record's tag, a page at a time, with
//! rollback; and a reviewer's own alias actions (set any alias on a version, remove one). Every
//! move goes through the same confirmation, guard and record as a promotion.
//!
//! A record is an ordinary version tag that any client with EDIT can write: the history says
//! so, shows what makes a record doubtful, and offers "Roll back" only on records that pass
//! every check (`policy::history`).

use leptos::prelude::*;

use super::state::use_review;
use crate::policy::{history, unexplained, visible, HistoryEntry};
use crate::ui::format_time;

/// Records shown at first, and added by each "Show more".
const HISTORY_PAGE: usize = 50;

/// The history table and the alias actions.
#[component]
pub fn HistoryPanel() -> impl IntoView {
    let state = use_review();
    let data = state.versions.data();
    let entries = history(
        data.versions.iter().flat_map(|v| {
            v.version
                .tags
                .iter()
                .map(move |t| (v.version.version.as_str(), t.key.as_str(), t.value.as_str()))
        }),
        &data.aliases(),
        js_sys::Date::now() as i64,
    );
    let total = entries.len();
    // Aliases no trustworthy record explains: moved through MLflow directly (or recorded on a
    // version not loaded yet).
    let outside: Vec<String> = unexplained(&entries, &data.aliases())
        .iter()
        .map(|m| format!("{} → v{}", m.alias, m.to.as_deref().unwrap_or("?")))
        .collect();
    let outside = (!outside.is_empty()).then(|| {
        view! {
            <p class="warning" role="note">
                {format!(
                    "Set outside Podium: {} — no trustworthy record among the versions read \
                     explains {}.",
                    visible(&outside.join(", ")),
                    if outside.len() == 1 { "it" } else { "them" }
                )}
            </p>
        }
    });
    let (shown, set_shown) = signal(HISTORY_PAGE);
    let rows = move || {
        entries
            .iter()
            .take(shown.get())
            .cloned()
            .map(|entry| view! { <HistoryRow entry /> })
            .collect_view()
    };
    let more = move || {
        (shown.get() < total).then(|| {
            let left = total - shown.get();
            view! {
                <button type="button" on:click=move |_| set_shown.update(|n| *n += HISTORY_PAGE)>
                    {format!("Show {} more of {left}", left.min(HISTORY_PAGE))}
                </button>
            }
        })
    };
    view! {
        <section class="history" aria-labelledby="history-heading">
            <h2 id="history-heading">"Alias history"</h2>
            {outside}
            {if total == 0 {
                view! { <p class="muted">"No alias moves recorded by Podium yet."</p> }.into_any()
            } else {
                view! {
                    <p class="muted">
                        "As recorded by the clients that made the moves (tags podium.audit.* on the \
                         versions), not verified by MLflow: anyone with EDIT on this model can \
                         write such a tag. The authoritative trail is the server's access log \
                         (docs/DEPLOY.md)."
                    </p>
                    <div class="table-scroll">
                        <table class="history-table" aria-label="Recorded alias moves, newest first">
                            <thead>
                                <tr>
                                    <th scope="col">"When (UTC)"</th>
                                    <th scope="col">"Who (as recorded)"</th>
                                    <th scope="col">"Move"</th>
                                    <th scope="col">"Kind"</th>
                                    <th scope="col">"Why"</th>
                                    <th scope="col">"Undo"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    {more}
                }
                    .into_any()
            }}
            <AliasActions />
        </section>
    }
}

/// One recorded move, with what makes it doubtful.
#[component]
fn HistoryRow(entry: HistoryEntry) -> impl IntoView {
    let state = use_review();
    let (error, set_error) = signal(None::<String>);
    let doubts = (!entry.doubts.is_empty()).then(|| {
        let said: Vec<String> = entry.doubts.iter().map(ToString::to_string).collect();
        view! {
            <p class="warning">{format!("Not to be trusted: {}.", said.join("; "))}</p>
        }
    });
    let key = visible(&entry.key).into_owned();
    let Some(record) = entry.record.clone() else {
        return view! {
            <tr>
                <th scope="row" colspan="6">
                    {format!("Record {key} on v{}", visible(&entry.version))}
                    {doubts}
                </th>
            </tr>
        }
        .into_any();
    };
    let change = record.change();
    let undo = entry.can_roll_back.then(|| {
        let to = change
            .from
            .as_deref()
            .map_or("unset".to_owned(), |v| format!("v{v}"));
        let label = format!("Roll back {} to {to}…", change.alias);
        let (key, change) = (entry.key.clone(), change.clone());
        let open = move |_| match state.rollback(&key, &change) {
            Ok(moves) => state.writes.ask_to_confirm(moves),
            Err(e) => set_error.set(Some(e)),
        };
        view! {
            <button type="button" disabled=move || state.writes.busy().get() on:click=open>
                {label}
            </button>
        }
    });
    let who = record
        .user
        .as_deref()
        .map_or("unknown user".to_owned(), |u| visible(u).into_owned());
    let approvers = (!record.approvers.is_empty()).then(|| {
        let names: Vec<String> = record
            .approvers
            .iter()
            .map(|a| visible(a).into_owned())
            .collect();
        format!(" (signed off by {})", names.join(", "))
    });
    let moved = visible(&change.to_string()).into_owned();
    let overwritten = record.overwritten_by.as_deref().map(|now| {
        format!(
            " — overwritten by a concurrent change (then {})",
            visible(now)
        )
    });
    let when = entry
        .key_ms
        .map(format_time)
        .unwrap_or_else(|| "unknown".to_owned());
    view! {
        <tr>
            <th scope="row" title=key>{when}</th>
            <td>{who}{approvers}</td>
            <td>{moved}{overwritten}</td>
            <td>{record.kind.label()}</td>
            <td class="why">{visible(&record.summary).into_owned()} {doubts}</td>
            <td>{undo} <span class="field-error">{error}</span></td>
        </tr>
    }
    .into_any()
}

/// Set any alias on a version, or remove one — confirmed and recorded like a promotion.
#[component]
fn AliasActions() -> impl IntoView {
    let state = use_review();
    let data = state.versions.data();
    let (alias, set_alias) = signal(String::new());
    let first = data
        .versions
        .first()
        .map(|v| v.version.version.clone())
        .unwrap_or_default();
    let (version, set_version) = signal(first);
    let (error, set_error) = signal(None::<String>);
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match state.manual(&alias.get(), Some(&version.get())) {
            Ok(moves) => {
                set_error.set(None);
                state.writes.ask_to_confirm(moves);
            }
            Err(e) => set_error.set(Some(e)),
        }
    };
    let versions = data
        .versions
        .iter()
        .map(|v| {
            let n = v.version.version.clone();
            view! { <option value=n.clone()>{format!("v{n}")}</option> }
        })
        .collect_view();
    let removes = data
        .model
        .aliases
        .iter()
        .map(|a| {
            let name = a.alias.clone();
            let label = format!("Remove {} (v{})…", a.alias, a.version);
            let open = move |_| match state.manual(&name, None) {
                Ok(moves) => state.writes.ask_to_confirm(moves),
                Err(e) => set_error.set(Some(e)),
            };
            view! {
                <li>
                    <button type="button" class="remove" disabled=move || state.writes.busy().get() on:click=open>
                        {label}
                    </button>
                </li>
            }
        })
        .collect_view();
    let names = data
        .model
        .aliases
        .iter()
        .map(|a| view! { <option value=a.alias.clone() /> })
        .collect_view();
    view! {
        <h3>"Set or remove an alias"</h3>
        <form class="alias-form" on:submit=open>
            <label for="alias-name">"Alias"</label>
            <input
                id="alias-name"
                list="alias-names"
                autocomplete="off"
                prop:value=alias
                on:input=move |ev| set_alias.set(event_target_value(&ev))
            />
            <datalist id="alias-names">{names}</datalist>
            <label for="alias-version">"On version"</label>
            <select id="alias-version" on:change=move |ev| set_version.set(event_target_value(&ev))>
                {versions}
            </select>
            <button type="submit" disabled=move || state.writes.busy().get()>
                "Set alias…"
            </button>
        </form>
        <ul class="alias-removes">{removes}</ul>
        <p class="field-error" role="alert">{error}</p>
    }
}
