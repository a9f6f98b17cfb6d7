//! From a decision (or a rollback, or a reviewer's own choice) to the alias moves it implies,
//! and what to make of the registry before and after they are written.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::decision::Decision;
use super::parse::valid_alias;
use super::rules::Policy;
use super::signoff::Missing;
use super::text::visible;

/// Moving one alias: to a version, or off the model (`to: None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasMove {
    /// The alias (`production`, `champion`, the policy's names for them, or any other).
    pub alias: String,
    /// The version holding it now, if any.
    pub from: Option<String>,
    /// The version that gets it; `None` removes the alias.
    pub to: Option<String>,
}

impl fmt::Display for AliasMove {
    /// `production: v4 → v6`, `champion: none → v6`, `staging: v6 → removed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let from = self
            .from
            .as_deref()
            .map_or("none".to_owned(), |v| format!("v{v}"));
        let to = self
            .to
            .as_deref()
            .map_or("removed".to_owned(), |v| format!("v{v}"));
        write!(f, "{}: {from} → {to}", self.alias)
    }
}

impl AliasMove {
    /// Why this move must never be written, if so: an alias MLflow or Podium would not move
    /// (a look-alike letter, a hidden character), or a move to where the alias already is.
    pub fn refusal(&self) -> Option<Refusal> {
        if !valid_alias(&self.alias) {
            return Some(Refusal::BadAlias(self.alias.clone()));
        }
        if self.from == self.to {
            return Some(Refusal::NothingToMove);
        }
        None
    }
}

/// The alias moves for one candidate, in the seed's order: production, then champion.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The moves; empty when nothing changes.
    pub moves: Vec<AliasMove>,
}

/// What the plan needs to know about the candidate besides its decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<'a> {
    /// Its version number.
    pub version: &'a str,
    /// Why no evaluation was found for it, if none was.
    pub missing_evaluation: Option<&'a str>,
}

/// Why a plan moves nothing. The message says what would have to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The policy has no rules: it would pass any version.
    NoRules,
    /// No evaluation was found for the candidate.
    NoEvaluation {
        /// Why (e.g. "run 12ab… logged no metrics").
        reason: String,
    },
    /// The candidate has none of the policy's metrics: every rule was skipped.
    NothingChecked {
        /// The rules skipped.
        rules: usize,
    },
    /// The candidate fails the policy.
    Fails {
        /// Checks failed.
        failed: usize,
    },
    /// The candidate already holds every alias the decision gives it.
    NothingToMove,
    /// The alias has moved since the record to roll back was written.
    Moved {
        /// The alias.
        alias: String,
        /// Where it is now.
        now: Option<String>,
    },
    /// Not a valid MLflow alias name.
    BadAlias(String),
    /// The noise-aware champion rule waits for the per-row comparison.
    RowsPending,
    /// The model has no such version.
    NoSuchVersion(String),
    /// One plan moves the same alias twice.
    MovedTwice(String),
    /// An unsaved what-if changes which aliases the roles are, which are protected, or how
    /// many sign-offs a move needs.
    UnsavedRoles,
    /// A guarded move lacks sign-offs from users other than the applier.
    SignOffs(Vec<Missing>),
    /// The policy requires sign-offs and MLflow names no signed-in user: nobody can tell the
    /// applier from the signers.
    NoSigner,
    /// A move outside a promotion (by hand, a rollback) of an alias the policy requires
    /// sign-offs for: sign-offs are bound to a decision.
    Guarded {
        /// The alias.
        alias: String,
        /// How many sign-offs its moves need.
        needed: u32,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NoRules => f.write_str(
                "The policy has no rules, so it would pass any version: add a rule first.",
            ),
            Refusal::NoEvaluation { reason } => write!(
                f,
                "No evaluation was found for this version ({reason}): aliases never move on \
                 missing evidence."
            ),
            Refusal::NothingChecked { rules } => write!(
                f,
                "None of the policy's {rules} rule(s) could be checked: the version has none of \
                 their metrics (they were skipped). Aliases never move on missing evidence."
            ),
            Refusal::Fails { failed } => write!(
                f,
                "The version fails the policy ({failed} check(s) failed): no alias moves."
            ),
            Refusal::NothingToMove => {
                f.write_str("Nothing to move: the version already holds what the policy gives it.")
            }
            Refusal::Moved { alias, now } => write!(
                f,
                "{alias} has moved since (it is now {}): roll back from its latest record.",
                now.as_deref()
                    .map_or("unset".to_owned(), |v| format!("on v{v}"))
            ),
            Refusal::RowsPending => f.write_str(
                "The per-row comparison with the champion is not there yet: the noise-aware \
                 champion rule waits for it.",
            ),
            Refusal::NoSuchVersion(version) => {
                write!(f, "The model has no version {version}.")
            }
            Refusal::MovedTwice(alias) => {
                write!(f, "The plan moves {} twice.", visible(alias))
            }
            Refusal::UnsavedRoles => f.write_str(
                "This what-if changes which aliases are production and champion, which are \
                 protected, or how many sign-offs a move needs: save it to the model first \
                 (saving asks for the model's name), then apply.",
            ),
            Refusal::SignOffs(missing) => {
                let each: Vec<String> = missing.iter().map(ToString::to_string).collect();
                write!(f, "Waiting for sign-offs: {}.", each.join("; "))
            }
            Refusal::NoSigner => f.write_str(
                "The policy requires sign-offs, and MLflow names no signed-in user here (no \
                 basic auth, or a token it does not resolve to a user): Podium cannot tell who \
                 applies from who signed, so it applies nothing a sign-off guards.",
            ),
            Refusal::Guarded { alias, needed } => write!(
                f,
                "Moving {} needs {needed} sign-off(s) under the saved policy, and sign-offs are \
                 bound to a decision: promote a version instead (its reviewers sign the \
                 decision).",
                visible(alias)
            ),
            Refusal::BadAlias(name) => write!(
                f,
                "\"{}\" is not a valid MLflow alias (ASCII letters, digits, '_' and '-', not \
                 'latest' or v<number>).",
                visible(name)
            ),
        }
    }
}

impl Refusal {
    /// What the plan's headline says instead of a move Apply would refuse
    /// (`none of the policy's 4 rules could be checked on v3`); `None` where the plan line is
    /// already true (it shows no move: the version fails, or holds what it would get).
    pub fn headline(&self, candidate: &str) -> Option<String> {
        Some(match self {
            Refusal::NoRules => "the policy has no rules".to_owned(),
            Refusal::NoEvaluation { .. } => format!("no evaluation was found for v{candidate}"),
            Refusal::NothingChecked { rules } => {
                format!("none of the policy's {rules} rules could be checked on v{candidate}")
            }
            Refusal::RowsPending => {
                "the noise-aware champion rule waits for the per-row comparison".to_owned()
            }
            Refusal::UnsavedRoles => {
                "this what-if changes roles, protection or sign-offs: save it first".to_owned()
            }
            Refusal::SignOffs(missing) => {
                let moves: Vec<String> = missing.iter().map(|m| m.change.to_string()).collect();
                let short: u32 = missing
                    .iter()
                    .map(|m| m.needed.saturating_sub(m.signed.len() as u32))
                    .sum();
                format!(
                    "{} waits for {short} more sign-off{}",
                    moves.join(" · "),
                    if short == 1 { "" } else { "s" }
                )
            }
            Refusal::NoSigner => "sign-offs need a signed-in MLflow user".to_owned(),
            Refusal::Guarded { alias, .. } => format!("{} needs sign-offs", visible(alias)),
            Refusal::NoSuchVersion(version) => format!("the model has no version {version}"),
            Refusal::BadAlias(alias) => format!("\"{}\" is not a valid alias", visible(alias)),
            Refusal::MovedTwice(alias) => format!("the plan moves {} twice", visible(alias)),
            Refusal::Fails { .. } | Refusal::NothingToMove | Refusal::Moved { .. } => return None,
        })
    }
}

/// The plan's headline: [`summary`] when Apply would apply it (or there is nothing to move),
/// else `no move: …` with why — one source for the headline and for Apply's refusal, so the
/// headline never promises a move Apply would refuse.
pub fn headline(
    policy: &Policy,
    decision: &Decision,
    candidate: &str,
    current: &BTreeMap<String, String>,
    refusal: Option<&Refusal>,
) -> String {
    match refusal.and_then(|r| r.headline(candidate)) {
        Some(why) => format!("no move: {why}"),
        None => summary(policy, decision, candidate, current),
    }
}

impl Plan {
    /// The moves `decision` implies for `candidate`, given the registry's current aliases
    /// (alias → version). A move to the version that already holds the alias is not a move.
    /// This is the seed's logic as it stands; Podium applies [`Plan::propose`] instead.
    pub fn for_decision(
        policy: &Policy,
        decision: &Decision,
        candidate: &str,
        current: &BTreeMap<String, String>,
    ) -> Plan {
        let wanted = [
            (&policy.aliases.production, decision.promote_production),
            (&policy.aliases.champion, decision.promote_champion),
        ];
        let moves = wanted
            .into_iter()
            .filter(|(alias, promote)| {
                *promote && current.get(alias.as_str()).map(String::as_str) != Some(candidate)
            })
            .map(|(alias, _)| AliasMove {
                alias: alias.clone(),
                from: current.get(alias.as_str()).cloned(),
                to: Some(candidate.to_owned()),
            })
            .collect();
        Plan { moves }
    }

    /// The moves Podium may apply for `candidate`: [`Plan::for_decision`], refused when the
    /// evidence is missing (no rules, no evaluation, no rule checked) or nothing would move.
    /// `decide` keeps the seed's verdict; this is where missing evidence stops a promotion.
    pub fn propose(
        policy: &Policy,
        decision: &Decision,
        candidate: Candidate,
        current: &BTreeMap<String, String>,
    ) -> Result<Plan, Refusal> {
        if policy.rules.is_empty() {
            return Err(Refusal::NoRules);
        }
        if let Some(reason) = candidate.missing_evaluation {
            return Err(Refusal::NoEvaluation {
                reason: reason.to_owned(),
            });
        }
        if decision.rules_checked == 0 {
            return Err(Refusal::NothingChecked {
                rules: policy.rules.len(),
            });
        }
        if !decision.passes {
            return Err(Refusal::Fails {
                failed: decision.failures().count(),
            });
        }
        if decision
            .champion_comparison
            .as_ref()
            .is_some_and(|c| c.rows_pending)
        {
            return Err(Refusal::RowsPending);
        }
        let plan = Plan::for_decision(policy, decision, candidate.version, current);
        if plan.is_empty() {
            return Err(Refusal::NothingToMove);
        }
        plan.check()?;
        Ok(plan)
    }

    /// A reviewer's own move: `alias` to `version`, or off the model (`version: None`).
    pub fn manual(
        alias: &str,
        version: Option<&str>,
        current: &BTreeMap<String, String>,
    ) -> Result<Plan, Refusal> {
        let alias = alias.trim();
        let plan = Plan {
            moves: vec![AliasMove {
                alias: alias.to_owned(),
                from: current.get(alias).cloned(),
                to: version.map(str::to_owned),
            }],
        };
        plan.check()?;
        Ok(plan)
    }

    /// Undoing `undone`: its alias back where it was (or off the model if it was unset),
    /// refused if the alias has moved since.
    pub fn rollback(
        undone: &AliasMove,
        current: &BTreeMap<String, String>,
    ) -> Result<Plan, Refusal> {
        let now = current.get(&undone.alias).cloned();
        if now != undone.to {
            return Err(Refusal::Moved {
                alias: undone.alias.clone(),
                now,
            });
        }
        let plan = Plan {
            moves: vec![AliasMove {
                alias: undone.alias.clone(),
                from: now,
                to: undone.from.clone(),
            }],
        };
        plan.check()?;
        Ok(plan)
    }

    /// Checks every move ([`AliasMove::refusal`]) and that no alias moves twice: the one check
    /// every plan, and every write, goes through.
    pub fn check(&self) -> Result<(), Refusal> {
        for (i, m) in self.moves.iter().enumerate() {
            if let Some(refusal) = m.refusal() {
                return Err(refusal);
            }
            if self.moves[..i]
                .iter()
                .any(|earlier| earlier.alias == m.alias)
            {
                return Err(Refusal::MovedTwice(m.alias.clone()));
            }
        }
        Ok(())
    }

    /// Whether the plan changes nothing.
    pub fn is_empty(&self) -> bool {
        self.moves.is_empty()
    }

    /// What differs, for the aliases this plan touches, between the registry the plan was made
    /// from (`seen`) and the registry now: someone else moved them. Empty: safe to write.
    pub fn conflicts(
        &self,
        seen: &BTreeMap<String, String>,
        now: &BTreeMap<String, String>,
    ) -> Vec<AliasMove> {
        self.moves
            .iter()
            .filter(|m| seen.get(&m.alias) != now.get(&m.alias))
            .map(|m| AliasMove {
                alias: m.alias.clone(),
                from: seen.get(&m.alias).cloned(),
                to: now.get(&m.alias).cloned(),
            })
            .collect()
    }

    /// Each move's state in the registry `now`: done, not done, or neither (someone else).
    pub fn progress(&self, now: &BTreeMap<String, String>) -> Vec<(AliasMove, MoveState)> {
        self.moves
            .iter()
            .map(|m| {
                let holder = now.get(&m.alias);
                let state = if holder == m.to.as_ref() {
                    MoveState::Applied
                } else if holder == m.from.as_ref() {
                    MoveState::NotApplied
                } else {
                    MoveState::Elsewhere(holder.cloned())
                };
                (m.clone(), state)
            })
            .collect()
    }
}

/// Where one move stands in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveState {
    /// The alias is where the move puts it.
    Applied,
    /// The alias is still where it was.
    NotApplied,
    /// The alias is somewhere else (someone else moved it): on this version, or unset.
    Elsewhere(Option<String>),
}

/// The plan in plain words, e.g.
/// `production: v4 → v6 · champion stays v3: v6 wins 1 of 3 key metrics`.
pub fn summary(
    policy: &Policy,
    decision: &Decision,
    candidate: &str,
    current: &BTreeMap<String, String>,
) -> String {
    let names = &policy.aliases;
    let holder = |alias: &str| current.get(alias).map(|v| format!("v{v}"));
    let production = match (decision.promote_production, holder(&names.production)) {
        (true, Some(h)) if h == format!("v{candidate}") => {
            format!("{} stays {h} (the candidate)", names.production)
        }
        (true, Some(h)) => format!("{}: {h} → v{candidate}", names.production),
        (true, None) => format!("{}: none → v{candidate}", names.production),
        (false, Some(h)) => format!(
            "{} stays {h}: v{candidate} fails the policy",
            names.production
        ),
        (false, None) => format!(
            "{} stays unset: v{candidate} fails the policy",
            names.production
        ),
    };
    let wins = decision.champion_comparison.as_ref().map(|c| {
        if c.rows_pending {
            return "the noise-aware rule waits for the per-row comparison".to_owned();
        }
        format!(
            "v{candidate} wins {} of {} key metrics",
            c.tally.candidate_wins,
            c.metrics.len()
        )
    });
    let champion = match (decision.promote_champion, holder(&names.champion), wins) {
        (true, Some(h), _) if h == format!("v{candidate}") => {
            format!("{} stays {h} (the candidate)", names.champion)
        }
        (true, Some(h), Some(w)) => format!("{}: {h} → v{candidate}: {w}", names.champion),
        (true, _, _) => format!("{}: none → v{candidate} (first champion)", names.champion),
        (false, Some(h), _) if !decision.passes => {
            format!(
                "{} stays {h}: v{candidate} fails the policy",
                names.champion
            )
        }
        (false, Some(h), Some(w)) => format!("{} stays {h}: {w}", names.champion),
        (false, h, _) => format!(
            "{} stays {}: v{candidate} fails the policy",
            names.champion,
            h.unwrap_or_else(|| "unset".to_owned())
        ),
    };
    format!("{production} · {champion}")
}
