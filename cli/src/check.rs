//! `podium check`: one version decided as the dashboard decides it.

use std::path::PathBuf;

use clap::Args;
use podium::mlflow::{Client, Pick};
use podium::policy::{CheckReport, PolicySource};

use crate::decide::decide;
use crate::{Answer, Failure};

#[derive(Args)]
pub struct CheckArgs {
    /// The registered model.
    model: String,
    /// The version to decide (default: the newest).
    #[arg(long, conflicts_with = "alias")]
    version: Option<String>,
    /// Decide the version this alias points to.
    #[arg(long)]
    alias: Option<String>,
    /// Decide under this policy file (a policy document or the seed's flat THRESHOLDS dict)
    /// instead of the model's saved policy; `mlflow-criteria`: under MLflow's quality criteria
    /// on the version's evaluation run (MLflow >= 3.18's evaluate(quality_criteria=...)).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Print one JSON object (the decision, the alias moves, the policy) instead of sentences.
    #[arg(long)]
    json: bool,
}

pub async fn run(client: &Client, args: CheckArgs) -> Result<Answer, Failure> {
    let pick = match (&args.version, &args.alias) {
        (Some(version), _) => Pick::Version(version),
        (None, Some(alias)) => Pick::Alias(alias),
        (None, None) => Pick::Newest,
    };
    let report = decide(client, &args.model, pick, args.policy.as_deref())
        .await?
        .report;
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| Failure(format!("could not write the report: {e}")))?;
        println!("{json}");
    } else {
        print!("{}", sentences(&report));
    }
    Ok(if report.production {
        Answer::Yes
    } else {
        Answer::No
    })
}

/// The report in the dashboard's sentences.
pub fn sentences(report: &CheckReport) -> String {
    let mut out = String::new();
    let source = match report.policy.source {
        PolicySource::Saved => "the saved policy",
        PolicySource::File => "the policy file",
        PolicySource::Criteria => "MLflow's quality criteria on its evaluation run",
        PolicySource::Defaults => "the default policy",
        PolicySource::WhatIf => "a what-if",
    };
    let line = |out: &mut String, text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    line(
        &mut out,
        &format!(
            "{} v{} under {source} (fingerprint {})",
            report.model, report.version, report.policy.fingerprint
        ),
    );
    line(&mut out, &format!("Plan: {}", report.plan));
    let rules = report.policy.document["rules"]
        .as_array()
        .map_or(0, Vec::len);
    line(&mut out, &report.decision.tally(rules));
    for check in &report.decision.checks {
        let verdict = check.verdict;
        line(
            &mut out,
            &format!("  {} {}: {}", verdict.mark(), verdict.word(), check.reason),
        );
    }
    match &report.decision.champion_comparison {
        Some(comparison) => line(
            &mut out,
            &format!("Against the champion: {}", comparison.sentence()),
        ),
        None => line(&mut out, "There is no champion yet."),
    }
    for warning in &report.decision.warnings {
        line(&mut out, &format!("  {warning}"));
    }
    match &report.refusal {
        None => {
            let moves: Vec<String> = report.moves.iter().map(ToString::to_string).collect();
            line(
                &mut out,
                &format!("Podium would move: {}", moves.join(", ")),
            );
        }
        Some(why) => line(&mut out, &format!("No move: {why}")),
    }
    out
}
