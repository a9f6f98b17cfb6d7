//! The model's alias history, from the audit records on the versions already loaded (no
//! request per version), newest first, with rollback; and a reviewer's own alias actions (set
//! any alias on a version, remove one). Every move goes through the same confirmation, guard
//! and record as a promotion.

use leptos::prelude::*;

use super::state::use_review;
use crate::policy::{history, HistoryEntry, Plan};
use crate::ui::format_time;

/// The history table and the alias actions.
#[component]
pub fn HistoryPanel() -> impl IntoView {
    let state = use_review();
    let data = state.versions.data();
    let entries = history(data.versions.iter().flat_map(|v| {
        v.version
            .tags
            .iter()
            .map(move |t| (v.version.version.as_str(), t.key.as_str(), t.value.as_str()))
    }));
    let current = data.aliases();
    // Only an alias's latest record can be rolled back, and only while the alias is still
    // where that record put it.
    let mut latest_seen = std::collections::BTreeSet::new();
    let rows = entries
        .into_iter()
        .map(|entry| {
            let alias = entry.record.as_ref().map(|r| r.alias.clone()).ok();
            let latest = alias.is_some_and(|a| latest_seen.insert(a));
            let can_roll_back = latest
                && entry
                    .record
                    .as_ref()
                    .is_ok_and(|r| Plan::rollback(&r.change(), &current).is_ok());
            view! { <HistoryRow entry can_roll_back /> }
        })
        .collect_view();
    let empty = data.versions.iter().all(|v| {
        !v.version
            .tags
            .iter()
            .any(|t| t.key.starts_with(crate::policy::AUDIT_TAG_PREFIX))
    });
    view! {
        <section class="history" aria-labelledby="history-heading">
            <h2 id="history-heading">"Alias history"</h2>
            {if empty {
                view! { <p class="muted">"No alias moves recorded by Podium yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="history-table" aria-label="Recorded alias moves, newest first">
                            <thead>
                                <tr>
                                    <th scope="col">"When (UTC)"</th>
                                    <th scope="col">"Who"</th>
                                    <th scope="col">"Move"</th>
                                    <th scope="col">"Kind"</th>
                                    <th scope="col">"Why"</th>
                                    <th scope="col">"Undo"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
            <AliasActions />
        </section>
    }
}

/// One recorded move.
#[component]
fn HistoryRow(entry: HistoryEntry, can_roll_back: bool) -> impl IntoView {
    let state = use_review();
    let (error, set_error) = signal(None::<String>);
    match entry.record {
        Err(why) => view! {
            <tr>
                <th scope="row" colspan="6">
                    {format!("Unreadable record {} on v{}: {why}", entry.key, entry.version)}
                </th>
            </tr>
        }
        .into_any(),
        Ok(record) => {
            let change = record.change();
            let undo = can_roll_back.then(|| {
                let to = change
                    .from
                    .as_deref()
                    .map_or("unset".to_owned(), |v| format!("v{v}"));
                let label = format!("Roll back {} to {to}…", change.alias);
                let key = entry.key.clone();
                let change = change.clone();
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
                .clone()
                .unwrap_or_else(|| "unknown user".to_owned());
            view! {
                <tr>
                    <th scope="row" title=entry.key.clone()>{format_time(record.at)}</th>
                    <td>{who}</td>
                    <td>{change.to_string()}</td>
                    <td>{record.kind.label()}</td>
                    <td class="why">{record.summary.clone()}</td>
                    <td>{undo} <span class="field-error">{error}</span></td>
                </tr>
            }
            .into_any()
        }
    }
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
