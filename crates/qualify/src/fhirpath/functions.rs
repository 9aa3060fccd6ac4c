//! FHIRPath functions: existence, filtering, subsetting, type, string and conversion functions,
//! `iif`, `descendants()` and `resolve()` within a Bundle.

use serde_json::Value;

use super::FhirPathError;
use super::eval::{Collection, Scope, eval, single_primitive, to_boolean, type_op, union};
use super::item::{Item, Node, Primitive};
use super::parser::Expr;

/// Calls function `name` on `input`; `focus` is the context the arguments are evaluated in.
pub fn call<'a>(
    name: &str,
    input: &[Item<'a>],
    args: &[Expr],
    focus: &[Item<'a>],
    scope: Scope<'a>,
) -> Result<Collection<'a>, FhirPathError> {
    let arity = |expected: usize| -> Result<(), FhirPathError> {
        if args.len() == expected {
            return Ok(());
        }
        Err(FhirPathError::Eval(format!(
            "{name}() takes {expected} argument(s), got {}",
            args.len()
        )))
    };
    let boolean = |b: bool| Ok(vec![Item::Bool(b)]);
    match name {
        "empty" => {
            arity(0)?;
            boolean(input.is_empty())
        }
        "exists" => match args {
            [] => boolean(!input.is_empty()),
            [criteria] => boolean(!filter(input, criteria, scope)?.is_empty()),
            _ => Err(FhirPathError::Eval("exists() takes 0 or 1 argument".into())),
        },
        "not" => {
            arity(0)?;
            Ok(to_boolean(input)?
                .map(|b| Item::Bool(!b))
                .into_iter()
                .collect())
        }
        "count" => {
            arity(0)?;
            Ok(vec![Item::Int(
                i64::try_from(input.len()).unwrap_or(i64::MAX),
            )])
        }
        "hasValue" => {
            arity(0)?;
            boolean(matches!(input, [item] if item.primitive().is_some()))
        }
        "all" => {
            arity(1)?;
            for (i, item) in input.iter().enumerate() {
                let scope = Scope {
                    index: Some(i),
                    ..scope
                };
                let result = eval(&args[0], std::slice::from_ref(item), scope)?;
                if to_boolean(&result)? != Some(true) {
                    return boolean(false);
                }
            }
            boolean(true)
        }
        "allTrue" | "anyTrue" | "allFalse" | "anyFalse" => {
            arity(0)?;
            let value = |item: &Item<'_>| matches!(item.primitive(), Some(Primitive::Bool(true)));
            boolean(match name {
                "allTrue" => input.iter().all(value),
                "anyTrue" => input.iter().any(value),
                "allFalse" => input.iter().all(|i| !value(i)),
                _ => input.iter().any(|i| !value(i)),
            })
        }
        "where" => {
            arity(1)?;
            filter(input, &args[0], scope)
        }
        "select" => {
            arity(1)?;
            let mut out = Vec::new();
            for (i, item) in input.iter().enumerate() {
                let scope = Scope {
                    index: Some(i),
                    ..scope
                };
                out.extend(eval(&args[0], std::slice::from_ref(item), scope)?);
            }
            Ok(out)
        }
        "first" => Ok(input.first().cloned().into_iter().collect()),
        "last" => Ok(input.last().cloned().into_iter().collect()),
        "tail" => Ok(input.iter().skip(1).cloned().collect()),
        "skip" | "take" => {
            arity(1)?;
            let n = integer_argument(&args[0], focus, scope)?;
            Ok(if name == "skip" {
                input.iter().skip(n).cloned().collect()
            } else {
                input.iter().take(n).cloned().collect()
            })
        }
        "single" => match input {
            [] | [_] => Ok(input.to_vec()),
            _ => Err(FhirPathError::Eval(format!(
                "single() got {} items",
                input.len()
            ))),
        },
        "distinct" => Ok(union(input.to_vec(), Vec::new())),
        "union" | "combine" => {
            arity(1)?;
            let other = eval(&args[0], focus, scope)?;
            Ok(if name == "union" {
                union(input.to_vec(), other)
            } else {
                input.iter().cloned().chain(other).collect()
            })
        }
        "ofType" | "as" | "is" => {
            arity(1)?;
            let type_name = type_argument(&args[0])?;
            type_op(name == "is", input, &type_name)
        }
        "iif" => {
            if !(2..=3).contains(&args.len()) {
                return Err(FhirPathError::Eval("iif() takes 2 or 3 arguments".into()));
            }
            let condition = to_boolean(&eval(&args[0], focus, scope)?)?;
            match (condition, args.get(2)) {
                (Some(true), _) => eval(&args[1], focus, scope),
                (_, Some(otherwise)) => eval(otherwise, focus, scope),
                (_, None) => Ok(Vec::new()),
            }
        }
        "children" => {
            let mut out = Vec::new();
            for item in input {
                if let Item::Node(node) = item {
                    node.all_children(&mut out);
                }
            }
            Ok(out)
        }
        "descendants" => Ok(descendants(input)),
        "resolve" => Ok(input
            .iter()
            .filter_map(|item| resolve(item, scope.root))
            .collect()),
        "toInteger" => Ok(convert(input, name, |p| match p {
            Primitive::Int(i) => Some(Item::Int(i)),
            Primitive::Str(s) => s.trim().parse().ok().map(Item::Int),
            Primitive::Bool(b) => Some(Item::Int(i64::from(b))),
            Primitive::Dec(_) => None,
        })?),
        "toDecimal" => Ok(convert(input, name, |p| match p {
            // Integers in FHIR data stay far below 2^53, so the conversion is exact here.
            #[allow(clippy::cast_precision_loss)]
            Primitive::Int(i) => Some(Item::Dec(i as f64)),
            Primitive::Dec(d) => Some(Item::Dec(d)),
            Primitive::Str(s) => s.trim().parse().ok().map(Item::Dec),
            Primitive::Bool(b) => Some(Item::Dec(if b { 1.0 } else { 0.0 })),
        })?),
        "toString" => Ok(convert(input, name, |p| {
            Some(Item::Str(
                Item::from_primitive(p).to_text().unwrap_or_default(),
            ))
        })?),
        _ => super::strings::call(name, input, args, focus, scope),
    }
}

fn filter<'a>(
    input: &[Item<'a>],
    criteria: &Expr,
    scope: Scope<'a>,
) -> Result<Collection<'a>, FhirPathError> {
    let mut out = Vec::new();
    for (i, item) in input.iter().enumerate() {
        let scope = Scope {
            index: Some(i),
            ..scope
        };
        let result = eval(criteria, std::slice::from_ref(item), scope)?;
        // A non-boolean result (e.g. `where(type.coding.where(code = 'x'))`) counts as true
        // when it is not empty, as the scripts rely on it. Several items are not an error here.
        let keep = match result.as_slice() {
            [] => false,
            [single] => !matches!(single.primitive(), Some(Primitive::Bool(false))),
            _ => true,
        };
        if keep {
            out.push(item.clone());
        }
    }
    Ok(out)
}

fn integer_argument<'a>(
    arg: &Expr,
    focus: &[Item<'a>],
    scope: Scope<'a>,
) -> Result<usize, FhirPathError> {
    match single_primitive(&eval(arg, focus, scope)?, "argument")? {
        Some(Primitive::Int(n)) => Ok(usize::try_from(n).unwrap_or(0)),
        other => Err(FhirPathError::Eval(format!(
            "expected an integer argument, got {other:?}"
        ))),
    }
}

/// The type name written as a function argument (`is(Coding)`, `ofType(FHIR.Patient)`).
fn type_argument(arg: &Expr) -> Result<String, FhirPathError> {
    match arg {
        Expr::Member(None, name) => Ok(name.clone()),
        Expr::Member(Some(namespace), name) => Ok(format!("{}.{name}", type_argument(namespace)?)),
        Expr::Str(name) => Ok(name.clone()),
        other => Err(FhirPathError::Eval(format!(
            "expected a type name, got {other:?}"
        ))),
    }
}

fn convert<'a>(
    input: &[Item<'a>],
    name: &str,
    f: impl Fn(Primitive) -> Option<Item<'a>>,
) -> Result<Collection<'a>, FhirPathError> {
    Ok(single_primitive(input, name)?
        .and_then(f)
        .into_iter()
        .collect())
}

fn descendants<'a>(input: &[Item<'a>]) -> Collection<'a> {
    let mut out = Vec::new();
    let mut pending: Vec<Item<'a>> = input.to_vec();
    while !pending.is_empty() {
        let mut next = Vec::new();
        for item in &pending {
            if let Item::Node(node) = item {
                node.all_children(&mut next);
            }
        }
        out.extend(next.iter().cloned());
        pending = next;
    }
    out
}

/// Finds the Bundle entry a Reference (or reference string) points at, by `fullUrl` or by
/// `Type/id` at the end of the reference.
fn resolve<'a>(item: &Item<'a>, root: &'a Value) -> Option<Item<'a>> {
    let reference = match item {
        Item::Node(node) if node.value.is_object() => {
            node.value.get("reference")?.as_str()?.to_owned()
        }
        other => other.to_text()?,
    };
    let reference = reference.split("/_history/").next().unwrap_or(&reference);
    let entries = root.get("entry")?.as_array()?;
    let found = entries.iter().find(|entry| {
        let full_url = entry.get("fullUrl").and_then(Value::as_str);
        if full_url == Some(reference) {
            return true;
        }
        let Some(resource) = entry.get("resource") else {
            return false;
        };
        let type_and_id = format!(
            "{}/{}",
            resource
                .get("resourceType")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            resource
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
        );
        reference == type_and_id || reference.ends_with(&format!("/{type_and_id}"))
    })?;
    Some(Item::Node(Node {
        value: found.get("resource")?,
        primitive_extension: None,
        name: "resource",
    }))
}

impl Item<'_> {
    /// A computed item holding `value`.
    pub fn from_primitive(value: Primitive) -> Self {
        match value {
            Primitive::Str(s) => Item::Str(s),
            Primitive::Int(i) => Item::Int(i),
            Primitive::Dec(d) => Item::Dec(d),
            Primitive::Bool(b) => Item::Bool(b),
        }
    }
}
