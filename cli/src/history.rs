//! `podium history`: the audit records of a model's alias moves, newest first, each with what
//! makes it doubtful (the records are tags any client with EDIT can write).

use std::time::{SystemTime, UNIX_EPOCH};

use clap::Args;
use podium::mlflow::Client;
use podium::policy::{history, unexplained, utc_minute, visible, HistoryEntry};
use serde_json::json;

use crate::connect::explain;
use crate::{Answer, Failure};

#[derive(Args)]
pub struct HistoryArgs {
    /// The registered model.
    model: String,
    /// Print a JSON array instead of lines.
    #[arg(long)]
    json: bool,
}

pub async fn run(client: &Client, args: HistoryArgs) -> Result<Answer, Failure> {
    let (model, versions) = model_and_versions(client, &args.model).await?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let tags = versions.iter().flat_map(|v| {
        v.tags
            .iter()
            .map(move |t| (v.version.as_str(), t.key.as_str(), t.value.as_str()))
    });
    let current = model.alias_map();
    let entries = history(tags, &current, now);
    let outside: Vec<String> = unexplained(&entries, &current)
        .iter()
        .map(|m| {
            format!(
                "{} → v{}",
                visible(&m.alias),
                m.to.as_deref().unwrap_or("?")
            )
        })
        .collect();
    if !outside.is_empty() {
        // On stderr with --json, so the array stays the whole of stdout.
        let note = format!(
            "Set outside Podium (no trustworthy record here explains it): {}",
            outside.join(", ")
        );
        if args.json {
            eprintln!("podium: {note}");
        } else {
            println!("{note}");
        }
    }
    if args.json {
        let list: Vec<serde_json::Value> = entries.iter().map(as_json).collect();
        let text = serde_json::to_string_pretty(&list)
            .map_err(|e| Failure(format!("could not write the history: {e}")))?;
        println!("{text}");
    } else if entries.is_empty() {
        println!("No alias moves recorded by Podium on {}.", args.model);
    } else {
        println!(
            "Recorded by the clients that made the moves, not verified by MLflow (newest first):"
        );
        for entry in &entries {
            println!("{}", line(entry));
        }
    }
    Ok(Answer::Yes)
}

/// The model and every version (with its tags), read at once.
async fn model_and_versions(
    client: &Client,
    name: &str,
) -> Result<
    (
        podium::mlflow::RegisteredModel,
        Vec<podium::mlflow::ModelVersion>,
    ),
    Failure,
> {
    let model = client.get_registered_model(name).await.map_err(explain)?;
    let versions = client.all_model_versions(name).await.map_err(explain)?;
    Ok((model, versions))
}

/// `2026-11-27 09:50  ana  production: v4 → v6  pipeline  <why>  [doubts]`.
fn line(entry: &HistoryEntry) -> String {
    let when = entry
        .key_ms
        .map_or_else(|| "unknown time".to_owned(), utc_minute);
    let doubts = if entry.doubts.is_empty() {
        String::new()
    } else {
        let said: Vec<String> = entry.doubts.iter().map(ToString::to_string).collect();
        format!("  [not to be trusted: {}]", said.join("; "))
    };
    match &entry.record {
        None => format!(
            "{when}  record {} on v{}{doubts}",
            visible(&entry.key),
            entry.version
        ),
        Some(r) => {
            let overwritten = r
                .overwritten_by
                .as_deref()
                .map(|now| format!(" (overwritten by a concurrent change: then {now})"))
                .unwrap_or_default();
            let approved = if r.approvers.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = r.approvers.iter().map(|a| visible(a).into()).collect();
                format!("  signed off by {}", names.join(", "))
            };
            format!(
                "{when}  {}  {}{overwritten}  {}  {}{approved}{doubts}",
                visible(r.user.as_deref().unwrap_or("unknown user")),
                visible(&r.change().to_string()),
                r.kind.label(),
                visible(&r.summary),
            )
        }
    }
}

fn as_json(entry: &HistoryEntry) -> serde_json::Value {
    let doubts: Vec<String> = entry.doubts.iter().map(ToString::to_string).collect();
    json!({
        "key": entry.key,
        "version": entry.version,
        "at": entry.key_ms,
        "record": entry.record.as_ref().map(|r| json!({
            "kind": r.kind,
            "alias": r.alias,
            "from": r.from,
            "to": r.to,
            "at": r.at,
            "user": r.user,
            "summary": r.summary,
            "undoes": r.undoes,
            "overwritten_by": r.overwritten_by,
            "approvers": r.approvers,
        })),
        "doubts": doubts,
        "can_roll_back": entry.can_roll_back,
    })
}
