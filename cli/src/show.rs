//! `podium policy show` and `podium policy save`: the model's saved policy, read and written
//! with the dashboard's guard (nothing written if someone saved since it was read) and its
//! review (a save that lowers the bar or moves protection needs the model's name).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use podium::mlflow::{Client, SaveOutcome};
use podium::policy::{visible, Policy, SaveReview};

use crate::connect::{confirm, explain};
use crate::policy_file::read;
use crate::{Answer, Failure};

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Print the model's saved policy (JSON). Exit 1 when none is saved.
    Show {
        /// The registered model.
        model: String,
    },
    /// Save FILE (a policy document or the seed's flat THRESHOLDS dict) as the model's policy.
    /// Nothing is written if someone saved since it was read.
    Save {
        /// The registered model.
        model: String,
        /// The policy file.
        file: PathBuf,
        /// Save without asking (without a terminal and without --yes nothing is written).
        #[arg(long)]
        yes: bool,
    },
}

pub async fn run(client: &Client, command: PolicyCommand) -> Result<Answer, Failure> {
    match command {
        PolicyCommand::Show { model } => {
            let Some(json) = client.policy_tag(&model).await.map_err(explain)? else {
                eprintln!("podium: no policy is saved on {model}");
                return Ok(Answer::No);
            };
            let policy = Policy::from_json(&json)
                .map_err(|e| Failure(format!("the policy saved on {model} is invalid: {e}")))?;
            println!("{}", policy.to_pretty_json());
            Ok(Answer::Yes)
        }
        PolicyCommand::Save { model, file, yes } => save(client, &model, &file, yes).await,
    }
}

async fn save(client: &Client, model: &str, file: &Path, yes: bool) -> Result<Answer, Failure> {
    let policy = read(file)?;
    let seen = client.policy_tag(model).await.map_err(explain)?;
    let saved = match &seen {
        Some(json) => Policy::from_json(json).unwrap_or_default(),
        None => Policy::default(),
    };
    let review = SaveReview::new(&policy, &saved);
    if review.differences.is_empty() && seen.is_some() {
        println!("{model}'s saved policy is already this one: nothing to write.");
        return Ok(Answer::Yes);
    }
    let against = if seen.is_some() {
        "the saved policy"
    } else {
        "the default policy (none is saved)"
    };
    println!(
        "Saving {} as {model}'s policy. What changes from {against}:",
        file.display()
    );
    for line in &review.differences {
        println!("  {}", visible(line));
    }
    if review.needs_name() {
        println!("This save lowers the bar or moves protection:");
        for line in &review.lowers {
            println!("  {}", visible(line));
        }
    }
    if !yes {
        let name = review.needs_name().then_some(model);
        if !confirm(&format!("Save it to {}?", visible(model)), name)? {
            return Err("not confirmed: nothing was written".into());
        }
    }
    match client
        .save_policy(model, seen.as_deref(), &policy.to_json())
        .await
    {
        SaveOutcome::Saved => {
            println!("Saved as tag podium.policy on {model}.");
            Ok(Answer::Yes)
        }
        SaveOutcome::SomeoneElseSaved => Err(Failure(format!(
            "nothing was saved: someone else saved a policy on {model} since it was read; read it \
             with `podium policy show {model}` and save again"
        ))),
        SaveOutcome::Failed(why) => Err(Failure(why)),
    }
}
