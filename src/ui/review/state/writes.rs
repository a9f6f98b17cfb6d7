//! Writes to MLflow from the review: where they go and as whom, the moves waiting for
//! confirmation, a write in flight, what the last apply did, and reloading afterwards.

use leptos::prelude::*;

use crate::mlflow::{ApplyReport, Client};
use crate::policy::Proposal;

/// Reloading the review from MLflow (after a write, or when MLflow changed under the screen),
/// keeping the reviewer's what-if and a message for the fresh screen. Provided by the screen
/// that loads the data.
#[derive(Clone, Copy)]
pub struct Reload {
    generation: RwSignal<u32>,
    carry: StoredValue<(Option<String>, Option<Notice>)>,
}

/// A message for the fresh screen after a reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Good news (applied) rather than a warning (nothing written).
    pub ok: bool,
    /// The message.
    pub text: String,
}

impl Reload {
    /// A reloader; `generation` keys the screen's data read.
    pub fn new() -> Reload {
        Reload {
            generation: RwSignal::new(0),
            carry: StoredValue::new((None, None)),
        }
    }

    /// Read by the screen's data read: a new generation loads again.
    pub fn generation(&self) -> u32 {
        self.generation.get()
    }

    /// Loads again; the fresh screen starts from `what_if` (if any) and shows `notice`.
    pub fn reload(&self, what_if: Option<String>, notice: Option<Notice>) {
        self.carry.set_value((what_if, notice));
        self.generation.update(|g| *g += 1);
    }

    /// What the last reload carried (once).
    pub fn take_carry(&self) -> (Option<String>, Option<Notice>) {
        let mut carried = (None, None);
        self.carry.update_value(|c| carried = std::mem::take(c));
        carried
    }
}

impl Default for Reload {
    fn default() -> Self {
        Reload::new()
    }
}

/// The review's writes. `Copy`; changed only through its named methods.
#[derive(Clone, Copy)]
pub struct Writes {
    client: StoredValue<Client>,
    reload: StoredValue<Option<Reload>>,
    /// The deployment's protected aliases (`podium.json`).
    protected: StoredValue<Vec<String>>,
    user: RwSignal<Option<String>>,
    pending: RwSignal<Option<Proposal>>,
    busy: RwSignal<bool>,
    report: RwSignal<Option<(Proposal, ApplyReport)>>,
}

impl Writes {
    /// Writes through `client` (the one the data was read with), reloading through `reload`
    /// (absent: the screen cannot reload itself), with the deployment's `protected` aliases.
    pub fn new(client: Client, reload: Option<Reload>, protected: Vec<String>) -> Writes {
        Writes {
            client: StoredValue::new(client),
            reload: StoredValue::new(reload),
            protected: StoredValue::new(protected),
            user: RwSignal::new(None),
            pending: RwSignal::new(None),
            busy: RwSignal::new(false),
            report: RwSignal::new(None),
        }
    }

    // Reads.

    /// The client the data was loaded with: every write goes to that server, whatever the
    /// settings say by the time of the click.
    pub fn client(&self) -> Client {
        self.client.get_value()
    }

    /// The deployment's protected aliases.
    pub fn protected(&self) -> StoredValue<Vec<String>> {
        self.protected
    }

    /// The MLflow user the writes are made as, when the server says (basic auth).
    pub fn user(&self) -> ReadSignal<Option<String>> {
        self.user.read_only()
    }

    /// Moves waiting for the reviewer's confirmation.
    pub fn pending(&self) -> ReadSignal<Option<Proposal>> {
        self.pending.read_only()
    }

    /// Whether a write to MLflow is in flight (every write button is disabled meanwhile).
    pub fn busy(&self) -> ReadSignal<bool> {
        self.busy.read_only()
    }

    /// What the last apply did, with the moves it was asked to make.
    pub fn report(&self) -> ReadSignal<Option<(Proposal, ApplyReport)>> {
        self.report.read_only()
    }

    // Writes.

    /// Records who MLflow says the user is.
    pub fn set_user(&self, user: Option<String>) {
        self.user.set(user);
    }

    /// Shows `moves` for confirmation; nothing is written yet.
    pub fn ask_to_confirm(&self, moves: Proposal) {
        self.report.set(None);
        self.pending.set(Some(moves));
    }

    /// Closes the confirmation without writing.
    pub fn cancel(&self) {
        self.pending.set(None);
    }

    /// Marks a write as started (`true`) or finished.
    pub fn set_busy(&self, busy: bool) {
        self.busy.set(busy);
    }

    /// Shows what an apply did.
    pub fn show_report(&self, moves: Proposal, report: ApplyReport) {
        self.pending.set(None);
        self.report.set(Some((moves, report)));
    }

    /// Loads the review again from MLflow, starting from `what_if`, with `notice` on the fresh
    /// screen. False when this screen cannot reload itself (mounted without a loader).
    pub fn reload(&self, what_if: Option<String>, notice: Notice) -> bool {
        match self.reload.get_value() {
            Some(reload) => {
                // This screen shows stale data until the fresh one replaces it: no more writes.
                self.busy.set(true);
                reload.reload(what_if, Some(notice));
                true
            }
            None => false,
        }
    }
}
