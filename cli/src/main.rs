//! `podium`: the dashboard's decision and promotion for a pipeline. It reads MLflow through
//! the same MLflow layer and decides through the same `policy` engine as the dashboard; it
//! only reads arguments and prints.
//!
//! Exit status: `check` 0 when the version goes to (or holds) production, 1 when it does not;
//! `promote` 0 when every move was applied, 1 when the decision moves nothing; 2 for anything
//! else, with one plain sentence on stderr.

mod approve;
mod check;
mod clock;
mod connect;
mod decide;
mod history;
mod policy_file;
mod promote;
mod show;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "podium",
    version,
    about = "Decide and promote MLflow model versions with the policy stakeholders tuned in Podium.",
    after_help = "Connection, as MLflow's own clients take it: MLFLOW_TRACKING_URI (or \
                  --tracking-uri), and MLFLOW_TRACKING_USERNAME with MLFLOW_TRACKING_PASSWORD, or \
                  MLFLOW_TRACKING_TOKEN. Credentials are read from the environment only and are \
                  never printed.\n\nExit status: 0 yes, 1 no (see each command), 2 anything else."
)]
struct Cli {
    /// The tracking server, e.g. https://mlflow.example.com.
    #[arg(long, env = "MLFLOW_TRACKING_URI", global = true, value_name = "URI")]
    tracking_uri: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decide one version under the model's saved policy (or a policy file), as the dashboard
    /// does. Exit 0: it goes to (or holds) production; 1: it does not; 2: anything else.
    Check(check::CheckArgs),
    /// Apply the decision for one version: the dashboard's refusals, re-read and guard, order
    /// of writes and audit records. Exit 0: applied; 1: nothing to apply; 2: anything else.
    Promote(promote::PromoteArgs),
    /// Sign off the decision for one version (the policy's four-eyes `approvals`), or
    /// withdraw your own sign-off. Needs a user MLflow names. Exit 0: signed; 1: nothing to
    /// sign off; 2: anything else.
    Approve(approve::ApproveArgs),
    /// The alias moves recorded on a model, newest first, with what makes a record doubtful.
    History(history::HistoryArgs),
    /// Show or save a model's policy.
    #[command(subcommand)]
    Policy(show::PolicyCommand),
}

/// How a command that did its job ended: yes (exit 0) or no (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Exit 0.
    Yes,
    /// Exit 1.
    No,
}

/// Why a command could not do its job: one plain sentence for stderr (exit 2).
#[derive(Debug)]
pub struct Failure(pub String);

impl<T: Into<String>> From<T> for Failure {
    fn from(text: T) -> Failure {
        Failure(text.into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(Answer::Yes) => ExitCode::SUCCESS,
        Ok(Answer::No) => ExitCode::from(1),
        Err(Failure(why)) => {
            eprintln!("podium: {why}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> Result<Answer, Failure> {
    let client = connect::client(cli.tracking_uri.as_deref())?;
    match cli.command {
        Command::Check(args) => check::run(&client, args).await,
        Command::Promote(args) => promote::run(&client, args).await,
        Command::Approve(args) => approve::run(&client, args).await,
        Command::History(args) => history::run(&client, args).await,
        Command::Policy(command) => show::run(&client, command).await,
    }
}
