//! FHIRPath evaluation over FHIR JSON: paths, operators and three-valued logic.

use std::cmp::Ordering;

use serde_json::Value;

use super::FhirPathError;
use super::item::{Item, Node, Primitive};
use super::parser::{BinaryOp, Expr};

/// The evaluation state: the root resource and `$index` inside a lambda.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The resource the expression was evaluated on (`%resource`, the Bundle for `resolve()`).
    pub root: &'a Value,
    /// `$index` inside `where`, `select` and `all`.
    pub index: Option<usize>,
}

/// A collection of items.
pub type Collection<'a> = Vec<Item<'a>>;

/// Evaluates `expr` with `focus` as the input collection.
pub fn eval<'a>(
    expr: &Expr,
    focus: &[Item<'a>],
    scope: Scope<'a>,
) -> Result<Collection<'a>, FhirPathError> {
    match expr {
        Expr::Empty => Ok(Vec::new()),
        Expr::Bool(b) => Ok(vec![Item::Bool(*b)]),
        Expr::Str(s) => Ok(vec![Item::Str(s.clone())]),
        Expr::Int(i) => Ok(vec![Item::Int(*i)]),
        Expr::Dec(d) => Ok(vec![Item::Dec(*d)]),
        Expr::This => Ok(focus.to_vec()),
        Expr::Index => Ok(scope
            .index
            .and_then(|i| i64::try_from(i).ok())
            .map(Item::Int)
            .into_iter()
            .collect()),
        Expr::Env(name) => env(name, scope),
        Expr::Member(None, name) => Ok(member(focus, name, true)),
        Expr::Member(Some(target), name) => {
            let input = eval(target, focus, scope)?;
            Ok(member(&input, name, false))
        }
        Expr::Call(target, name, args) => {
            let input = match target {
                Some(target) => eval(target, focus, scope)?,
                None => focus.to_vec(),
            };
            super::functions::call(name, &input, args, focus, scope)
        }
        Expr::Indexer(target, index) => {
            let input = eval(target, focus, scope)?;
            let index = eval(index, focus, scope)?;
            let index = match single_primitive(&index, "[]")? {
                Some(Primitive::Int(i)) => i,
                None => return Ok(Vec::new()),
                Some(other) => {
                    return Err(FhirPathError::Eval(format!(
                        "index {other:?} is not an integer"
                    )));
                }
            };
            Ok(usize::try_from(index)
                .ok()
                .and_then(|i| input.get(i).cloned())
                .into_iter()
                .collect())
        }
        Expr::Negate(inner) => {
            let value = eval(inner, focus, scope)?;
            Ok(match single_primitive(&value, "-")? {
                Some(Primitive::Int(i)) => vec![Item::Int(-i)],
                Some(Primitive::Dec(d)) => vec![Item::Dec(-d)],
                None => Vec::new(),
                Some(other) => return Err(FhirPathError::Eval(format!("cannot negate {other:?}"))),
            })
        }
        Expr::TypeOp(is, target, type_name) => {
            let input = eval(target, focus, scope)?;
            type_op(*is, &input, type_name)
        }
        Expr::Binary(op, left, right) => binary(*op, left, right, focus, scope),
    }
}

fn env<'a>(name: &str, scope: Scope<'a>) -> Result<Collection<'a>, FhirPathError> {
    match name {
        "resource" | "rootResource" | "context" => Ok(vec![Item::Node(Node::root(scope.root))]),
        "ucum" => Ok(vec![Item::Str("http://unitsofmeasure.org".into())]),
        "sct" => Ok(vec![Item::Str("http://snomed.info/sct".into())]),
        "loinc" => Ok(vec![Item::Str("http://loinc.org".into())]),
        other => Err(FhirPathError::Unsupported(format!("%{other}"))),
    }
}

/// Navigates to the children called `name`. At the start of a path (`first`), a name equal to
/// the resource type of an input item selects that item, so `Bundle.entry` works on a Bundle.
fn member<'a>(input: &[Item<'a>], name: &str, first: bool) -> Collection<'a> {
    let mut out = Vec::new();
    for item in input {
        let Item::Node(node) = item else { continue };
        if first && name.starts_with(|c: char| c.is_ascii_uppercase()) {
            if node.resource_type() == Some(name) {
                out.push(item.clone());
            }
            continue;
        }
        node.children(name, &mut out);
    }
    out
}

/// `is` (returns a boolean for a single item) and `as` (keeps the items of the type).
pub fn type_op<'a>(
    is: bool,
    input: &[Item<'a>],
    type_name: &str,
) -> Result<Collection<'a>, FhirPathError> {
    if is {
        return match input {
            [] => Ok(Vec::new()),
            [item] => Ok(vec![Item::Bool(item.is_type(type_name))]),
            _ => Err(FhirPathError::Eval(format!(
                "'is {type_name}' needs a single item, got {}",
                input.len()
            ))),
        };
    }
    Ok(input
        .iter()
        .filter(|item| item.is_type(type_name))
        .cloned()
        .collect())
}

/// Converts a collection to a boolean: empty is `None`, one boolean is itself, one other item
/// is `true`; more than one item is an error.
pub fn to_boolean(items: &[Item<'_>]) -> Result<Option<bool>, FhirPathError> {
    match items {
        [] => Ok(None),
        [item] => Ok(Some(match item.primitive() {
            Some(Primitive::Bool(b)) => b,
            _ => true,
        })),
        _ => Err(FhirPathError::Eval(format!(
            "expected a single boolean, got {} items",
            items.len()
        ))),
    }
}

/// The primitive of a singleton collection (`None` when empty); an error for more items.
pub fn single_primitive(
    items: &[Item<'_>],
    what: &str,
) -> Result<Option<Primitive>, FhirPathError> {
    match items {
        [] => Ok(None),
        [item] => Ok(item.primitive()),
        _ => Err(FhirPathError::Eval(format!(
            "{what} needs a single item, got {}",
            items.len()
        ))),
    }
}

fn from_bool<'a>(value: Option<bool>) -> Collection<'a> {
    value.map(Item::Bool).into_iter().collect()
}

fn binary<'a>(
    op: BinaryOp,
    left: &Expr,
    right: &Expr,
    focus: &[Item<'a>],
    scope: Scope<'a>,
) -> Result<Collection<'a>, FhirPathError> {
    let l = eval(left, focus, scope)?;
    let r = eval(right, focus, scope)?;
    match op {
        BinaryOp::And | BinaryOp::Or | BinaryOp::Xor | BinaryOp::Implies => {
            let (a, b) = (to_boolean(&l)?, to_boolean(&r)?);
            Ok(from_bool(logic(op, a, b)))
        }
        BinaryOp::Equal => Ok(from_bool(equal(&l, &r))),
        BinaryOp::NotEqual => Ok(from_bool(equal(&l, &r).map(|b| !b))),
        BinaryOp::Equivalent => Ok(vec![Item::Bool(equivalent(&l, &r))]),
        BinaryOp::NotEquivalent => Ok(vec![Item::Bool(!equivalent(&l, &r))]),
        BinaryOp::Less | BinaryOp::LessOrEqual | BinaryOp::Greater | BinaryOp::GreaterOrEqual => {
            let (Some(a), Some(b)) = (single_primitive(&l, "<")?, single_primitive(&r, "<")?)
            else {
                return Ok(Vec::new());
            };
            let ordering = compare(&a, &b)
                .ok_or_else(|| FhirPathError::Eval(format!("cannot compare {a:?} with {b:?}")))?;
            let result = match op {
                BinaryOp::Less => ordering == Ordering::Less,
                BinaryOp::LessOrEqual => ordering != Ordering::Greater,
                BinaryOp::Greater => ordering == Ordering::Greater,
                _ => ordering != Ordering::Less,
            };
            Ok(vec![Item::Bool(result)])
        }
        BinaryOp::Union => Ok(union(l, r)),
        BinaryOp::In => membership(&l, &r),
        BinaryOp::Contains => membership(&r, &l),
        BinaryOp::Concat => {
            let a = single_primitive(&l, "&")?.map_or_else(String::new, text);
            let b = single_primitive(&r, "&")?.map_or_else(String::new, text);
            Ok(vec![Item::Str(a + &b)])
        }
        BinaryOp::Add
        | BinaryOp::Subtract
        | BinaryOp::Multiply
        | BinaryOp::Divide
        | BinaryOp::Div
        | BinaryOp::Mod => {
            let (Some(a), Some(b)) = (single_primitive(&l, "+")?, single_primitive(&r, "+")?)
            else {
                return Ok(Vec::new());
            };
            arithmetic(op, a, b)
        }
    }
}

/// Three-valued `and`, `or`, `xor` and `implies`.
pub fn logic(op: BinaryOp, a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match op {
        BinaryOp::And => match (a, b) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        BinaryOp::Or => match (a, b) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        BinaryOp::Xor => Some(a? != b?),
        _ => match (a, b) {
            (Some(true), b) => b,
            (Some(false), _) | (None, Some(true)) => Some(true),
            (None, _) => None,
        },
    }
}

fn text(value: Primitive) -> String {
    match value {
        Primitive::Str(s) => s,
        Primitive::Int(i) => i.to_string(),
        Primitive::Dec(d) => d.to_string(),
        Primitive::Bool(b) => b.to_string(),
    }
}

fn arithmetic<'a>(
    op: BinaryOp,
    a: Primitive,
    b: Primitive,
) -> Result<Collection<'a>, FhirPathError> {
    use Primitive::{Int, Str};
    let result = match (op, a, b) {
        (BinaryOp::Add, Str(a), Str(b)) => Item::Str(a + &b),
        (BinaryOp::Add, Int(a), Int(b)) => Item::Int(a.saturating_add(b)),
        (BinaryOp::Subtract, Int(a), Int(b)) => Item::Int(a.saturating_sub(b)),
        (BinaryOp::Multiply, Int(a), Int(b)) => Item::Int(a.saturating_mul(b)),
        (BinaryOp::Div, Int(a), Int(b)) => match a.checked_div(b) {
            Some(v) => Item::Int(v),
            None => return Ok(Vec::new()),
        },
        (BinaryOp::Mod, Int(a), Int(b)) => match a.checked_rem(b) {
            Some(v) => Item::Int(v),
            None => return Ok(Vec::new()),
        },
        (op, a, b) => {
            let (Some(x), Some(y)) = (number(&a), number(&b)) else {
                return Err(FhirPathError::Eval(format!(
                    "cannot apply {op:?} to {a:?} and {b:?}"
                )));
            };
            match op {
                BinaryOp::Add => Item::Dec(x + y),
                BinaryOp::Subtract => Item::Dec(x - y),
                BinaryOp::Multiply => Item::Dec(x * y),
                _ if y == 0.0 => return Ok(Vec::new()),
                BinaryOp::Divide => Item::Dec(x / y),
                BinaryOp::Div => Item::Dec((x / y).trunc()),
                _ => Item::Dec(x % y),
            }
        }
    };
    Ok(vec![result])
}

fn number(value: &Primitive) -> Option<f64> {
    match value {
        // Integers in FHIR data stay far below 2^53, so the conversion is exact here.
        #[allow(clippy::cast_precision_loss)]
        Primitive::Int(i) => Some(*i as f64),
        Primitive::Dec(d) => Some(*d),
        _ => None,
    }
}

/// Orders two primitives of comparable types (numbers, or strings such as dates).
pub fn compare(a: &Primitive, b: &Primitive) -> Option<Ordering> {
    match (a, b) {
        (Primitive::Str(a), Primitive::Str(b)) => Some(a.cmp(b)),
        (Primitive::Bool(_), _) | (_, Primitive::Bool(_)) => None,
        _ => number(a)?.partial_cmp(&number(b)?),
    }
}

/// Equality of two items: primitives by value (integers equal decimals of the same value),
/// complex elements by their JSON.
pub fn item_equal(a: &Item<'_>, b: &Item<'_>) -> bool {
    match (a.primitive(), b.primitive()) {
        (Some(x), Some(y)) => compare(&x, &y).map_or(x == y, |o| o == Ordering::Equal),
        (None, None) => a.json().is_some() && a.json() == b.json(),
        _ => false,
    }
}

/// `=`: empty when either side is empty, false for different sizes, else item-wise equality.
pub fn equal(l: &[Item<'_>], r: &[Item<'_>]) -> Option<bool> {
    if l.is_empty() || r.is_empty() {
        return None;
    }
    if l.len() != r.len() {
        return Some(false);
    }
    Some(l.iter().zip(r).all(|(a, b)| item_equal(a, b)))
}

fn equivalent(l: &[Item<'_>], r: &[Item<'_>]) -> bool {
    if l.len() != r.len() {
        return false;
    }
    l.iter()
        .zip(r)
        .all(|(a, b)| match (a.primitive(), b.primitive()) {
            (Some(Primitive::Str(x)), Some(Primitive::Str(y))) => {
                let normalise = |s: &str| {
                    s.split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_lowercase()
                };
                normalise(&x) == normalise(&y)
            }
            _ => item_equal(a, b),
        })
}

/// `|`: both collections without duplicates.
pub fn union<'a>(l: Collection<'a>, r: Collection<'a>) -> Collection<'a> {
    let mut out: Collection<'a> = Vec::with_capacity(l.len() + r.len());
    for item in l.into_iter().chain(r) {
        if !out
            .iter()
            .any(|seen| item_equal(seen, &item) || same_node(seen, &item))
        {
            out.push(item);
        }
    }
    out
}

fn same_node(a: &Item<'_>, b: &Item<'_>) -> bool {
    match (a, b) {
        (Item::Node(x), Item::Node(y)) => std::ptr::eq(x.value, y.value) && !x.value.is_null(),
        _ => false,
    }
}

fn membership<'a>(
    item: &[Item<'a>],
    collection: &[Item<'a>],
) -> Result<Collection<'a>, FhirPathError> {
    match item {
        [] => Ok(Vec::new()),
        [single] => Ok(vec![Item::Bool(
            collection.iter().any(|c| item_equal(single, c)),
        )]),
        _ => Err(FhirPathError::Eval(format!(
            "'in' needs a single item on the left, got {}",
            item.len()
        ))),
    }
}
