//! `podium approve`: a reviewer signs off the decision for one version — the same decision
//! `promote` would apply, bound to its policy, evidence, aliases and moves — or withdraws
//! their own sign-off. Signing moves nothing.

use clap::Args;
use podium::mlflow::{Client, Pick, SignOffOutcome, WithdrawOutcome};
use podium::policy::{visible, Approved, Policy, Proposal, Protection, SignOff, Standing};

use crate::check::sentences;
use crate::clock::{nonce, now_ms};
use crate::connect::explain;
use crate::decide::decide;
use crate::{Answer, Failure};

#[derive(Args)]
pub struct ApproveArgs {
    /// The registered model.
    model: String,
    /// The version whose promotion is signed off.
    #[arg(long)]
    version: String,
    /// Withdraw your own sign-offs of that version instead.
    #[arg(long)]
    withdraw: bool,
}

pub async fn run(client: &Client, args: ApproveArgs) -> Result<Answer, Failure> {
    let name = &args.model;
    // Sign-offs need a user MLflow names: never one taken from the environment on trust.
    let Some(user) = client.current_user().await.map_err(explain)? else {
        return Err(Failure(
            "sign-offs need a user MLflow names (basic auth's users/current), and this server \
             names nobody: nothing was written"
                .into(),
        ));
    };
    let decided = decide(client, name, Pick::Version(&args.version), None).await?;
    let (review, policy) = (&decided.review, &decided.policy);
    let protection = Protection {
        saved: policy,
        in_effect: policy,
        deployment: &[],
    };
    let tag = review.model.tag(podium::mlflow::POLICY_TAG);
    let proposal = review.propose(
        &decided.candidate,
        policy,
        decided.rows.as_ref(),
        tag,
        protection,
    );
    if args.withdraw {
        return withdraw(client, name, &decided.candidate, &user, review).await;
    }
    print!("{}", sentences(&decided.report));
    let proposal = match proposal {
        Ok(proposal) => proposal,
        Err(refusal) => {
            println!("Nothing to sign off: {refusal}");
            return Ok(Answer::No);
        }
    };
    let approved = Approved::of(&proposal, policy).ok_or("nothing to sign off")?;
    let sign_off = SignOff::new(&user, now_ms(), approved);
    match client.sign_off(name, &proposal, &sign_off, nonce()).await {
        SignOffOutcome::Signed(key) => {
            println!(
                "Signed off as {}: {} ({key}). It counts while the policy, the evidence and the \
                 aliases stay as they are.",
                visible(&user),
                moves(&proposal)
            );
            print!("{}", status(policy, &proposal));
            Ok(Answer::Yes)
        }
        SignOffOutcome::Changed(why) => Err(Failure(why)),
        SignOffOutcome::Failed(e) => Err(Failure(format!("nothing was signed: {e}"))),
    }
}

/// Withdraws `user`'s sign-offs of `version`.
async fn withdraw(
    client: &Client,
    name: &str,
    version: &str,
    user: &str,
    review: &podium::mlflow::ReviewData,
) -> Result<Answer, Failure> {
    let now = now_ms();
    let mine: Vec<String> = review
        .sign_offs(version, None, now)
        .into_iter()
        .filter(|e| e.user() == Some(user) && !matches!(e.standing, Standing::Withdrawn(_)))
        .map(|e| e.key)
        .collect();
    if mine.is_empty() {
        println!("You have no sign-off on {} v{version}.", visible(name));
        return Ok(Answer::No);
    }
    for key in mine {
        match client
            .withdraw_sign_off(name, version, &key, user, now)
            .await
        {
            WithdrawOutcome::Withdrawn => println!("Withdrawn: {key}"),
            WithdrawOutcome::Gone => println!("Already gone: {key}"),
            WithdrawOutcome::NotYours(owner) => {
                return Err(Failure(format!(
                    "{key} is {}'s now, not yours: nothing was deleted",
                    visible(&owner)
                )))
            }
            WithdrawOutcome::Failed(e) => {
                return Err(Failure(format!("could not withdraw {key}: {e}")))
            }
        }
    }
    Ok(Answer::Yes)
}

/// `production: v4 → v6 and champion: v3 → v6`.
fn moves(proposal: &Proposal) -> String {
    let moves: Vec<String> = proposal
        .plan
        .moves
        .iter()
        .map(ToString::to_string)
        .collect();
    moves.join(" and ")
}

/// What the policy requires of the proposal's moves, in one line each.
pub fn status(policy: &Policy, proposal: &Proposal) -> String {
    let mut out = String::new();
    for change in &proposal.plan.moves {
        let needed = policy.approvals_for(&change.alias);
        if needed > 0 {
            out.push_str(&format!(
                "{change} needs {needed} sign-off(s) from users other than the one who applies \
                 it.\n"
            ));
        }
    }
    out
}

/// The judged sign-offs of a proposal, one line each (for `promote`'s refusal and dry run).
pub fn listed(entries: &[podium::policy::SignOffEntry]) -> String {
    let mut out = String::new();
    for entry in entries {
        let who = entry.user().map_or("?".into(), visible);
        let standing = match &entry.standing {
            Standing::Counts => "counts".to_owned(),
            Standing::Withdrawn(at) => format!("withdrawn {}", podium::policy::utc_minute(*at)),
            Standing::Void(why) => format!("void: {}", why.join("; ")),
            Standing::Ignored(why) => {
                let why: Vec<String> = why.iter().map(ToString::to_string).collect();
                format!("ignored: {}", why.join("; "))
            }
        };
        out.push_str(&format!(
            "  sign-off by {who} ({}): {standing}\n",
            entry.key
        ));
    }
    out
}
