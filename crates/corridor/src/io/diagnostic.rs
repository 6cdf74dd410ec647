//! Located messages about input data: errors that refuse it and warnings that do not.

use std::fmt;

pub use crate::model::DiagnosticKind;
use crate::model::Finding;

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The data is refused.
    Error,
    /// The data is accepted but looks suspicious.
    Warning,
}

/// One located message: file, line (as an editor shows it, header = 1), column, the bad
/// value and what would be accepted.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub kind: DiagnosticKind,
    /// The file as given by the caller (path or a name such as `builtin:nodes.csv`).
    pub file: String,
    /// 1-based line, when the problem has one.
    pub line: Option<u64>,
    /// The column (CSV) or key (TOML), when the problem has one.
    pub column: Option<String>,
    /// The offending value as written.
    pub value: Option<String>,
    /// What is wrong, lowercase, without a final period.
    pub message: String,
    /// What would be accepted.
    pub expected: Option<String>,
}

impl Diagnostic {
    /// An error in `file` with `message`; add the rest with the `at`/`column`/... methods.
    pub fn error(kind: DiagnosticKind, file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            kind,
            file: file.to_owned(),
            line: None,
            column: None,
            value: None,
            message: message.into(),
            expected: None,
        }
    }

    /// A warning in `file` with `message`.
    pub fn warning(kind: DiagnosticKind, file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(kind, file, message)
        }
    }

    /// Sets the line.
    pub fn at(mut self, line: u64) -> Diagnostic {
        self.line = Some(line);
        self
    }

    /// Sets the column or key.
    pub fn column(mut self, column: &str) -> Diagnostic {
        self.column = Some(column.to_owned());
        self
    }

    /// Sets the offending value.
    pub fn value(mut self, value: &str) -> Diagnostic {
        self.value = Some(value.to_owned());
        self
    }

    /// Sets what would be accepted.
    pub fn expected(mut self, expected: impl Into<String>) -> Diagnostic {
        self.expected = Some(expected.into());
        self
    }

    /// The error for a [`NetworkBuilder`](crate::NetworkBuilder) finding about values
    /// that came from `file` (at `line`, if known).
    pub(crate) fn from_finding(finding: Finding, file: &str, line: Option<u64>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            kind: finding.kind,
            file: file.to_owned(),
            line,
            column: Some(finding.field),
            value: finding.value,
            message: finding.message,
            expected: finding.expected,
        }
    }

    /// `true` for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Renders as `file:line: column: message: got "value", expected ...`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        if let Some(column) = &self.column {
            write!(f, "{column}: ")?;
        }
        f.write_str(&self.message)?;
        crate::model::write_got_expected(f, self.value.as_deref(), self.expected.as_deref())
    }
}

/// Loading refused the data: every error found in one pass, with the warnings.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", self.report("network data"))]
pub struct LoadError {
    /// The errors, in file and line order.
    pub errors: Vec<Diagnostic>,
    /// The warnings found on the way.
    pub warnings: Vec<Diagnostic>,
}

impl LoadError {
    /// The errors as text, headed by what was refused (`invalid {subject}: N errors`, then
    /// one line per error); `Display` says `network data`, callers checking other input
    /// (a scenario, a demand file) name it.
    pub fn report(&self, subject: &str) -> String {
        render_errors(subject, &self.errors)
    }
}

/// Errors listed in a message; more are counted, not listed (`LoadError::errors` and
/// `corridor validate` have them all), so a broken file of millions of rows does not
/// flood a terminal.
const LISTED_ERRORS: usize = 100;

fn render_errors(subject: &str, errors: &[Diagnostic]) -> String {
    let mut text = match errors.len() {
        1 => format!("invalid {subject}: 1 error"),
        n => format!(
            "invalid {subject}: {} errors",
            crate::model::grouped(n as f64)
        ),
    };
    for error in errors.iter().take(LISTED_ERRORS) {
        text.push('\n');
        text.push_str(&error.to_string());
    }
    if errors.len() > LISTED_ERRORS {
        let more = crate::model::grouped((errors.len() - LISTED_ERRORS) as f64);
        text.push_str(&format!("\n… and {more} more errors, not listed"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_error_lists_are_cut_with_a_count() {
        let errors: Vec<Diagnostic> = (1..=1_234)
            .map(|line| {
                Diagnostic::error(DiagnosticKind::BadNumber, "nodes.csv", "not a number").at(line)
            })
            .collect();
        let text = render_errors("network data", &errors);
        assert!(text.starts_with("invalid network data: 1,234 errors\nnodes.csv:1:"));
        assert_eq!(text.lines().count(), 1 + LISTED_ERRORS + 1);
        assert!(
            text.ends_with("… and 1,134 more errors, not listed"),
            "{text}"
        );
        let short = render_errors("network data", &errors[..3]);
        assert_eq!(short.lines().count(), 4);
    }

    #[test]
    fn renders_location_value_and_expectation() {
        let d = Diagnostic::error(DiagnosticKind::BadNumber, "net/nodes.csv", "not a number")
            .at(7)
            .column("lat")
            .value("4x")
            .expected("a decimal number such as 41.3");
        assert_eq!(
            d.to_string(),
            "net/nodes.csv:7: lat: not a number: got \"4x\", expected a decimal number such as 41.3"
        );
        let w =
            Diagnostic::warning(DiagnosticKind::NoSource, "legs.csv", "leg has no source").at(3);
        assert_eq!(w.to_string(), "legs.csv:3: warning: leg has no source");
    }
}
