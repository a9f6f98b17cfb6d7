//! From a decision to the alias moves it implies.

use std::collections::BTreeMap;

use serde::Serialize;

use super::decision::Decision;
use super::rules::Policy;

/// Moving one alias to a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AliasMove {
    /// The alias (`production`, `champion`, or the policy's names for them).
    pub alias: String,
    /// The version holding it now, if any.
    pub from: Option<String>,
    /// The version that gets it.
    pub to: String,
}

/// The alias moves for one candidate, in the seed's order: production, then champion.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The moves; empty when nothing changes.
    pub moves: Vec<AliasMove>,
}

impl Plan {
    /// The moves `decision` implies for `candidate`, given the registry's current aliases
    /// (alias → version). A move to the version that already holds the alias is not a move.
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
                to: candidate.to_owned(),
            })
            .collect();
        Plan { moves }
    }

    /// Whether the plan changes nothing.
    pub fn is_empty(&self) -> bool {
        self.moves.is_empty()
    }
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
