//! FHIRPath tokenizer.

use super::FhirPathError;

/// One token of a FHIRPath expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// An identifier, keyword or `` `delimited` `` identifier.
    Ident(String),
    /// A `'string'` literal with escapes resolved.
    Str(String),
    /// An integer literal.
    Int(i64),
    /// A decimal literal.
    Dec(f64),
    /// `$this`, `$index` or `$total`.
    Special(String),
    /// `%name` (external constant).
    Env(String),
    /// Punctuation and operators: `. ( ) [ ] , | = != < <= > >= + - * / & ~ !~ { }`.
    Symbol(&'static str),
}

const SYMBOLS: [&str; 21] = [
    "!=", "<=", ">=", "!~", ".", "(", ")", "[", "]", ",", "|", "=", "<", ">", "+", "-", "*", "/",
    "&", "~", "{",
];

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Result<Vec<Token>, FhirPathError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '\'' {
            let (value, next) = string_literal(&chars, i + 1)?;
            tokens.push(Token::Str(value));
            i = next;
        } else if c == '`' {
            let start = i + 1;
            let end = chars[start..]
                .iter()
                .position(|&ch| ch == '`')
                .ok_or_else(|| FhirPathError::Syntax("unterminated `identifier`".into()))?;
            tokens.push(Token::Ident(chars[start..start + end].iter().collect()));
            i = start + end + 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let is_decimal =
                chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit);
            if is_decimal {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let digits: String = chars[start..i].iter().collect();
            let invalid = |_| FhirPathError::Syntax(format!("invalid number {digits}"));
            tokens.push(if is_decimal {
                Token::Dec(digits.parse().map_err(|_| invalid(()))?)
            } else {
                Token::Int(digits.parse().map_err(|_| invalid(()))?)
            });
        } else if c == '$' || c == '%' || c.is_alphabetic() || c == '_' {
            let start = if c.is_alphabetic() || c == '_' {
                i
            } else {
                i + 1
            };
            let mut end = start;
            if c == '%' && chars.get(start) == Some(&'\'') {
                let (value, next) = string_literal(&chars, start + 1)?;
                tokens.push(Token::Env(value));
                i = next;
                continue;
            }
            while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            let word: String = chars[start..end].iter().collect();
            tokens.push(match c {
                '$' => Token::Special(word),
                '%' => Token::Env(word),
                _ => Token::Ident(word),
            });
            i = end;
        } else if c == '}' {
            tokens.push(Token::Symbol("}"));
            i += 1;
        } else {
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let symbol = SYMBOLS
                .iter()
                .find(|symbol| rest.starts_with(**symbol))
                .ok_or_else(|| FhirPathError::Syntax(format!("unexpected character {c:?}")))?;
            tokens.push(Token::Symbol(symbol));
            i += symbol.len();
        }
    }
    Ok(tokens)
}

/// Reads a string literal body starting after the opening quote; returns the value and the
/// index after the closing quote.
fn string_literal(chars: &[char], mut i: usize) -> Result<(String, usize), FhirPathError> {
    let mut value = String::new();
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(FhirPathError::Syntax("unterminated string literal".into()));
        };
        i += 1;
        match c {
            '\'' => return Ok((value, i)),
            '\\' => {
                let Some(&escaped) = chars.get(i) else {
                    return Err(FhirPathError::Syntax("unterminated string literal".into()));
                };
                i += 1;
                match escaped {
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    'f' => value.push('\u{c}'),
                    'u' => {
                        let hex: String = chars.get(i..i + 4).unwrap_or_default().iter().collect();
                        let code = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| FhirPathError::Syntax(format!("invalid \\u{hex}")))?;
                        value.push(code);
                        i += 4;
                    }
                    // \' \" \` \/ \\ stand for the character itself. Any other escape is kept
                    // with its backslash so regex escapes such as \d and \. reach the regex.
                    '\'' | '"' | '`' | '/' | '\\' => value.push(escaped),
                    other => {
                        value.push('\\');
                        value.push(other);
                    }
                }
            }
            other => value.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenize_mixed_expression() {
        let tokens = tokenize("Bundle.total.toInteger() <= 2.5 and $this != 'a\\'b' | %x").unwrap();
        assert_eq!(
            tokens,
            vec![
                Token::Ident("Bundle".into()),
                Token::Symbol("."),
                Token::Ident("total".into()),
                Token::Symbol("."),
                Token::Ident("toInteger".into()),
                Token::Symbol("("),
                Token::Symbol(")"),
                Token::Symbol("<="),
                Token::Dec(2.5),
                Token::Ident("and".into()),
                Token::Special("this".into()),
                Token::Symbol("!="),
                Token::Str("a'b".into()),
                Token::Symbol("|"),
                Token::Env("x".into()),
            ]
        );
    }

    #[test]
    fn regex_escapes_survive() {
        let tokens = tokenize(r"matches('^urn:oid:[0-2](\\.(0|[1-9]\\d*))*$')").unwrap();
        assert_eq!(
            tokens[2],
            Token::Str(r"^urn:oid:[0-2](\.(0|[1-9]\d*))*$".into())
        );
    }

    #[test]
    fn integer_followed_by_member() {
        let tokens = tokenize("1.exists()").unwrap();
        assert_eq!(tokens[0], Token::Int(1));
        assert_eq!(tokens[1], Token::Symbol("."));
    }

    #[test]
    fn unterminated_string_fails() {
        assert!(tokenize("'abc").is_err());
    }
}
