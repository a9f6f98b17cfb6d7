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
