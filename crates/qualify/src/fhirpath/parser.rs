//! FHIRPath parser: tokens to an expression tree, with the operator precedence of FHIRPath N1.

use super::FhirPathError;
use super::lexer::{Token, tokenize};

/// A parsed FHIRPath expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `{}`.
    Empty,
    /// `true` / `false`.
    Bool(bool),
    /// A string literal.
    Str(String),
    /// An integer literal.
    Int(i64),
    /// A decimal literal.
    Dec(f64),
    /// `$this`.
    This,
    /// `$index`.
    Index,
    /// `%name`.
    Env(String),
    /// A member name, on `target` or (when `None`) on the focus.
    Member(Option<Box<Expr>>, String),
    /// A function call, on `target` or (when `None`) on the focus.
    Call(Option<Box<Expr>>, String, Vec<Expr>),
    /// `expr[index]`.
    Indexer(Box<Expr>, Box<Expr>),
    /// A binary operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// Unary minus.
    Negate(Box<Expr>),
    /// `expr is Type` (true) or `expr as Type` (false).
    TypeOp(bool, Box<Expr>, String),
}

/// The binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `implies`.
    Implies,
    /// `or`.
    Or,
    /// `xor`.
    Xor,
    /// `and`.
    And,
    /// `in`.
    In,
    /// `contains` (membership).
    Contains,
    /// `=`.
    Equal,
    /// `!=`.
    NotEqual,
    /// `~`.
    Equivalent,
    /// `!~`.
    NotEquivalent,
    /// `<`.
    Less,
    /// `<=`.
    LessOrEqual,
    /// `>`.
    Greater,
    /// `>=`.
    GreaterOrEqual,
    /// `|`.
    Union,
    /// `+`.
    Add,
    /// `-`.
    Subtract,
    /// `&`.
    Concat,
    /// `*`.
    Multiply,
    /// `/`.
    Divide,
    /// `div`.
    Div,
    /// `mod`.
    Mod,
}

/// Parses a FHIRPath expression.
pub fn parse(text: &str) -> Result<Expr, FhirPathError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, pos: 0 };
    let expr = parser.expression(0)?;
    match parser.tokens.get(parser.pos) {
        None => Ok(expr),
        Some(token) => Err(FhirPathError::Syntax(format!(
            "unexpected {token:?} in {text:?}"
        ))),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

/// Precedence levels from loosest (0) to tightest; a binary operator of level n takes operands
/// of level n + 1 (all left-associative).
const LEVELS: usize = 9;

fn binary_at(level: usize, token: &Token) -> Option<BinaryOp> {
    let op = match (level, token) {
        (0, Token::Ident(w)) if w == "implies" => BinaryOp::Implies,
        (1, Token::Ident(w)) if w == "or" => BinaryOp::Or,
        (1, Token::Ident(w)) if w == "xor" => BinaryOp::Xor,
        (2, Token::Ident(w)) if w == "and" => BinaryOp::And,
        (3, Token::Ident(w)) if w == "in" => BinaryOp::In,
        (3, Token::Ident(w)) if w == "contains" => BinaryOp::Contains,
        (4, Token::Symbol("=")) => BinaryOp::Equal,
        (4, Token::Symbol("!=")) => BinaryOp::NotEqual,
        (4, Token::Symbol("~")) => BinaryOp::Equivalent,
        (4, Token::Symbol("!~")) => BinaryOp::NotEquivalent,
        (5, Token::Symbol("<")) => BinaryOp::Less,
        (5, Token::Symbol("<=")) => BinaryOp::LessOrEqual,
        (5, Token::Symbol(">")) => BinaryOp::Greater,
        (5, Token::Symbol(">=")) => BinaryOp::GreaterOrEqual,
        (6, Token::Symbol("|")) => BinaryOp::Union,
        (7, Token::Symbol("+")) => BinaryOp::Add,
        (7, Token::Symbol("-")) => BinaryOp::Subtract,
        (7, Token::Symbol("&")) => BinaryOp::Concat,
        (8, Token::Symbol("*")) => BinaryOp::Multiply,
        (8, Token::Symbol("/")) => BinaryOp::Divide,
        (8, Token::Ident(w)) if w == "div" => BinaryOp::Div,
        (8, Token::Ident(w)) if w == "mod" => BinaryOp::Mod,
        _ => return None,
    };
    Some(op)
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn eat(&mut self, symbol: &str) -> bool {
        if matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn expect(&mut self, symbol: &str) -> Result<(), FhirPathError> {
        if self.eat(symbol) {
            return Ok(());
        }
        Err(FhirPathError::Syntax(format!(
            "expected {symbol:?}, found {:?}",
            self.peek()
        )))
    }

    fn expression(&mut self, level: usize) -> Result<Expr, FhirPathError> {
        if level == LEVELS {
            return self.type_expression();
        }
        let mut left = self.expression(level + 1)?;
        while let Some(op) = self.peek().and_then(|token| binary_at(level, token)) {
            self.pos += 1;
            let right = self.expression(level + 1)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// `is` / `as` bind tighter than `|` and looser than the arithmetic operators in FHIRPath N1,
    /// but every use in the qualification scripts is `path as Type` or `path is Type`, so they
    /// are parsed directly above unary expressions here.
    fn type_expression(&mut self) -> Result<Expr, FhirPathError> {
        let mut expr = self.unary()?;
        loop {
            let is = match self.peek() {
                Some(Token::Ident(w)) if w == "is" => true,
                Some(Token::Ident(w)) if w == "as" => false,
                _ => break,
            };
            self.pos += 1;
            let type_name = self.type_specifier()?;
            expr = Expr::TypeOp(is, Box::new(expr), type_name);
        }
        Ok(expr)
    }

    fn type_specifier(&mut self) -> Result<String, FhirPathError> {
        let mut name = match self.next() {
            Some(Token::Ident(name)) => name,
            other => {
                return Err(FhirPathError::Syntax(format!(
                    "expected a type, found {other:?}"
                )));
            }
        };
        while self.eat(".") {
            match self.next() {
                Some(Token::Ident(part)) => {
                    name.push('.');
                    name.push_str(&part);
                }
                other => {
                    return Err(FhirPathError::Syntax(format!(
                        "expected a type, found {other:?}"
                    )));
                }
            }
        }
        Ok(name)
    }

    fn unary(&mut self) -> Result<Expr, FhirPathError> {
        if self.eat("-") {
            return Ok(Expr::Negate(Box::new(self.unary()?)));
        }
        if self.eat("+") {
            return self.unary();
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, FhirPathError> {
        let mut expr = self.term()?;
        loop {
            if self.eat(".") {
                let name = match self.next() {
                    Some(Token::Ident(name)) => name,
                    other => {
                        return Err(FhirPathError::Syntax(format!(
                            "expected a name after '.', found {other:?}"
                        )));
                    }
                };
                expr = self.invocation(Some(Box::new(expr)), name)?;
            } else if self.eat("[") {
                let index = self.expression(0)?;
                self.expect("]")?;
                expr = Expr::Indexer(Box::new(expr), Box::new(index));
            } else {
                return Ok(expr);
            }
        }
    }

    fn invocation(
        &mut self,
        target: Option<Box<Expr>>,
        name: String,
    ) -> Result<Expr, FhirPathError> {
        if !self.eat("(") {
            return Ok(Expr::Member(target, name));
        }
        let mut args = Vec::new();
        if !self.eat(")") {
            loop {
                // Type arguments of is(), as() and ofType() are plain names and parse as members.
                args.push(self.expression(0)?);
                if self.eat(")") {
                    break;
                }
                self.expect(",")?;
            }
        }
        Ok(Expr::Call(target, name, args))
    }

    fn term(&mut self) -> Result<Expr, FhirPathError> {
        match self.next() {
            Some(Token::Str(s)) => Ok(Expr::Str(s)),
            Some(Token::Int(i)) => Ok(Expr::Int(i)),
            Some(Token::Dec(d)) => Ok(Expr::Dec(d)),
            Some(Token::Env(name)) => Ok(Expr::Env(name)),
            Some(Token::Special(name)) => match name.as_str() {
                "this" => Ok(Expr::This),
                "index" => Ok(Expr::Index),
                other => Err(FhirPathError::Unsupported(format!("${other}"))),
            },
            Some(Token::Symbol("(")) => {
                let inner = self.expression(0)?;
                self.expect(")")?;
                Ok(inner)
            }
            Some(Token::Symbol("{")) => {
                self.expect("}")?;
                Ok(Expr::Empty)
            }
            Some(Token::Ident(word)) => match word.as_str() {
                "true" => Ok(Expr::Bool(true)),
                "false" => Ok(Expr::Bool(false)),
                _ => self.invocation(None, word),
            },
            other => Err(FhirPathError::Syntax(format!("unexpected {other:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(target: Option<Expr>, name: &str) -> Expr {
        Expr::Member(target.map(Box::new), name.into())
    }

    #[test]
    fn path_and_comparison() {
        let expr = parse("Bundle.type = 'searchset'").unwrap();
        let path = member(Some(member(None, "Bundle")), "type");
        assert_eq!(
            expr,
            Expr::Binary(
                BinaryOp::Equal,
                Box::new(path),
                Box::new(Expr::Str("searchset".into()))
            )
        );
    }

    #[test]
    fn precedence_and_binds_tighter_than_or() {
        let Expr::Binary(op, _, right) = parse("a or b and c").unwrap() else {
            panic!("expected a binary expression")
        };
        assert_eq!(op, BinaryOp::Or);
        assert!(matches!(*right, Expr::Binary(BinaryOp::And, _, _)));
    }

    #[test]
    fn implies_is_loosest() {
        let expr = parse("a.exists() implies (b <= c.count())").unwrap();
        assert!(matches!(expr, Expr::Binary(BinaryOp::Implies, _, _)));
    }

    #[test]
    fn as_with_indexer() {
        let expr = parse("Bundle.entry.select(resource as DocumentReference)[0].content").unwrap();
        let Expr::Member(Some(target), name) = expr else {
            panic!("expected a member")
        };
        assert_eq!(name, "content");
        assert!(matches!(*target, Expr::Indexer(_, _)));
    }

    #[test]
    fn membership_with_union() {
        let expr = parse("x.count() in (1 | 2)").unwrap();
        let Expr::Binary(BinaryOp::In, _, right) = expr else {
            panic!("expected in")
        };
        assert!(matches!(*right, Expr::Binary(BinaryOp::Union, _, _)));
    }

    #[test]
    fn syntax_errors() {
        assert!(parse("a.").is_err());
        assert!(parse("a(b").is_err());
        assert!(parse("a b").is_err());
    }
}
