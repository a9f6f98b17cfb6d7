//! `podium promote`: the dashboard's apply, for a pipeline — the same proposal and refusals, the
//! same re-read and guard right before writing, the same order of writes, read-back and audit
//! records (kind `pipeline`), the same settling of a lost answer.

use clap::Args;
use podium::mlflow::{ApplyReport, Client, Pick, POLICY_TAG};
use podium::policy::{visible, Approved, MoveKind, Proposal, Protection};

use crate::approve::listed;
use crate::check::sentences;
use crate::clock::{nonce, now_ms};
use crate::connect::{confirm, explain};
use crate::decide::decide;
use crate::{Answer, Failure};

#[derive(Args)]
pub struct PromoteArgs {
    /// The registered model.
    model: String,
    /// The version to promote.
    #[arg(long)]
    version: String,
    /// Decide and print the moves; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write without asking (a pipeline has no one to ask; without a terminal and without
    /// --yes nothing is written).
    #[arg(long)]
    yes: bool,
}

pub async fn run(client: &Client, args: PromoteArgs) -> Result<Answer, Failure> {
    let name = &args.model;
    // A pipeline enforces the policy the team saved: never a default, never a file.
    let decided = decide(client, name, Pick::Version(&args.version), None).await?;
    let (review, policy, rows, report) = (
        &decided.review,
        &decided.policy,
        decided.rows.as_ref(),
        &decided.report,
    );
    let protection = Protection {
        saved: policy,
        in_effect: policy,
        deployment: &[],
    };
    print!("{}", sentences(report));
    let tag = review.model.tag(POLICY_TAG);
    let proposal = match review.propose(&decided.candidate, policy, rows, tag, protection) {
        Ok(proposal) => Proposal {
            kind: MoveKind::Pipeline,
            ..proposal
        },
        Err(_) => return Ok(Answer::No),
    };
    // Four eyes: the sign-offs the policy requires, from users MLflow names other than this
    // one (re-counted right before the first write).
    let signer = client.current_user().await.map_err(explain)?;
    let approved = Approved::of(&proposal, policy);
    let entries = review.sign_offs(&decided.candidate, approved.as_ref(), now_ms());
    print!("{}", listed(&entries));
    let proposal = match proposal.signed_off(policy, &entries, signer.as_deref()) {
        Ok(proposal) => proposal,
        Err(refusal) => {
            println!("No move: {refusal}");
            return Ok(Answer::No);
        }
    };
    if !proposal.approvers.is_empty() {
        println!("Signed off by {}.", proposal.approvers.join(", "));
    }
    if args.dry_run {
        println!("Dry run: nothing was written.");
        return Ok(Answer::Yes);
    }
    if !args.yes {
        let moves: Vec<String> = proposal
            .plan
            .moves
            .iter()
            .map(ToString::to_string)
            .collect();
        let question = format!("Apply {} to {}?", moves.join(" and "), visible(name));
        let protected = (!proposal.protected.is_empty()).then_some(name.as_str());
        if !confirm(&question, protected)? {
            return Err("not confirmed: nothing was written".into());
        }
    }
    let user = signer.or_else(|| client.username().map(str::to_owned));
    let writes = proposal.writes(user.as_deref(), now_ms());
    let applied = client
        .apply_alias_writes(name, &writes, &proposal.seen, nonce)
        .await;
    let planned = writes.len();
    if applied.is_clean(planned) {
        println!("{}", applied.applied_text());
        return Ok(Answer::Yes);
    }
    Err(Failure(not_clean(&applied, planned)))
}

/// What went wrong with an apply that was not a clean success, in one paragraph.
fn not_clean(report: &ApplyReport, planned: usize) -> String {
    if report.is_conflict() {
        return report.conflict_text();
    }
    if let Some(why) = &report.refused {
        return format!("nothing was written: {why}");
    }
    let mut said = Vec::new();
    if !report.applied.is_empty() {
        said.push(report.applied_text());
    }
    for step in &report.applied {
        if let Some(now) = &step.overwritten_by {
            said.push(format!(
                "{} was overwritten by a concurrent change (now {now})",
                step.change
            ));
        }
        if !step.verified {
            said.push(format!("{} could not be read back", step.change));
        }
    }
    if let Some(stop) = &report.stopped {
        let error = stop
            .error
            .as_ref()
            .map(|e| format!(": {e}"))
            .unwrap_or_default();
        said.push(format!("stopped: {}{error}", stop.what));
    }
    match &report.now {
        Some(Ok(aliases)) => {
            let now: Vec<String> = aliases.iter().map(|(a, v)| format!("{a} → v{v}")).collect();
            said.push(format!("MLflow now holds {}", now.join(", ")));
        }
        _ => said.push(
            "MLflow could not be read afterwards: check the model before anything else".into(),
        ),
    }
    format!(
        "only {} of {planned} moves were applied cleanly. {}",
        report
            .applied
            .iter()
            .filter(|s| s.verified && s.overwritten_by.is_none())
            .count(),
        said.join(". ")
    )
}
