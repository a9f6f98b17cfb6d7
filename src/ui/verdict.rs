//! How a verdict looks, in one place: the text mark (colour never carries meaning alone), the
//! word, and the CSS class.

use crate::policy::Verdict;

/// The text and class for a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// `✓`, `✗` or `–`.
    pub mark: &'static str,
    /// `pass`, `fail` or `skipped`.
    pub word: &'static str,
    /// The CSS class: `pass`, `fail` or `skipped`.
    pub class: &'static str,
}

/// The look of one check's or one rule's verdict.
pub fn look(verdict: Verdict) -> Look {
    Look {
        mark: verdict.mark(),
        word: verdict.word(),
        // The stylesheet's classes are the words.
        class: verdict.word(),
    }
}

/// The look of a version's overall verdict: `passes` or `fails`.
pub fn version_look(passes: bool) -> Look {
    if passes {
        Look {
            mark: "✓",
            word: "passes",
            class: "pass",
        }
    } else {
        Look {
            mark: "✗",
            word: "fails",
            class: "fail",
        }
    }
}
