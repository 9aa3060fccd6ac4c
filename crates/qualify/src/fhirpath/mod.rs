//! A FHIRPath evaluator over FHIR JSON (`serde_json::Value`), covering the expressions of the
//! MedMij GP data 2.0 and PDF/A 3.0 qualification TestScripts.

mod eval;
mod functions;
mod item;
mod lexer;
mod parser;
mod strings;

use serde_json::Value;

pub use eval::{Collection, to_boolean};
pub use item::{Item, Node, Primitive};
pub use parser::{BinaryOp, Expr, parse};

/// A FHIRPath failure.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FhirPathError {
    /// The expression is not valid FHIRPath.
    #[error("invalid FHIRPath: {0}")]
    Syntax(String),
    /// The expression uses a feature this evaluator lacks.
    #[error("unsupported FHIRPath feature: {0}")]
    Unsupported(String),
    /// Evaluation failed, for example a function got several items where it needs one.
    #[error("FHIRPath evaluation failed: {0}")]
    Eval(String),
}

/// Evaluates `expression` on `resource`.
pub fn evaluate<'a>(
    expression: &str,
    resource: &'a Value,
) -> Result<Collection<'a>, FhirPathError> {
    let expr = parse(expression)?;
    evaluate_parsed(&expr, resource)
}

/// Evaluates a parsed expression on `resource`.
pub fn evaluate_parsed<'a>(
    expr: &Expr,
    resource: &'a Value,
) -> Result<Collection<'a>, FhirPathError> {
    let scope = eval::Scope {
        root: resource,
        index: None,
    };
    eval::eval(expr, &[Item::Node(Node::root(resource))], scope)
}

/// Evaluates `expression` and returns the items as text; complex elements come back as JSON.
pub fn evaluate_to_strings(
    expression: &str,
    resource: &Value,
) -> Result<Vec<String>, FhirPathError> {
    Ok(evaluate(expression, resource)?
        .iter()
        .map(|item| {
            item.to_text()
                .or_else(|| item.json().map(Value::to_string))
                .unwrap_or_default()
        })
        .collect())
}

#[cfg(test)]
mod tests;
