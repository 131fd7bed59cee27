//! The condition language of policy files: fact paths, literals, `==`, `!=`,
//! `in`, `is absent`, `is unknown`, `not`, `and`, `or` and parentheses.
//!
//! ```text
//! expr    := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | "definitely" unary | test
//! test    := operand (("==" | "!=") operand | "not"? "in" operand
//!                    | "is" "not"? ("absent" | "present" | "unknown"))?
//! operand := path | string | number | "true" | "false" | "[" operands "]" | "(" expr ")"
//! ```

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// True only when the inner condition is known to be true: unknown
    /// counts as false. For severities: a mitigation that cannot be known
    /// does not lower one.
    Definitely(Box<Expr>),
    Eq(Operand, Operand),
    In(Operand, Operand),
    Is(Operand, Presence),
    /// A bare operand: true when it is the boolean `true`.
    Truthy(Operand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Absent,
    Present,
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Path(String),
    Literal(Literal),
    List(Vec<Operand>),
    Group(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(String),
    Number(f64),
    Bool(bool),
}

/// A syntax error, with the 0-based character column where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column + 1, self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Num(f64),
    EqEq,
    NotEq,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
}

fn lex(text: &str) -> Result<Vec<(usize, Token)>, SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let error = |column: usize, message: &str| SyntaxError {
        column,
        message: message.to_string(),
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | ')' | '[' | ']' | ',' => {
                tokens.push((
                    start,
                    match c {
                        '(' => Token::LParen,
                        ')' => Token::RParen,
                        '[' => Token::LBracket,
                        ']' => Token::RBracket,
                        _ => Token::Comma,
                    },
                ));
                i += 1;
            }
            '=' | '!' => {
                if chars.get(i + 1) != Some(&'=') {
                    return Err(error(start, "expected `==` or `!=`"));
                }
                tokens.push((start, if c == '=' { Token::EqEq } else { Token::NotEq }));
                i += 2;
            }
            '"' | '\'' => {
                let mut value = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(error(start, "unterminated string")),
                        Some(&q) if q == c => break,
                        Some('\\') => {
                            match chars.get(i + 1) {
                                Some(&e) => value.push(e),
                                None => return Err(error(start, "unterminated string")),
                            }
                            i += 2;
                            continue;
                        }
                        Some(&other) => value.push(other),
                    }
                    i += 1;
                }
                i += 1;
                tokens.push((start, Token::Str(value)));
            }
            c if c.is_ascii_digit() || c == '-' => {
                while i < chars.len()
                    && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == '-')
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let number = text
                    .parse()
                    .map_err(|_| error(start, &format!("`{text}` is not a number")))?;
                tokens.push((start, Token::Num(number)));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '_' | '.'))
                {
                    i += 1;
                }
                tokens.push((start, Token::Ident(chars[start..i].iter().collect())));
            }
            other => return Err(error(start, &format!("unexpected character `{other}`"))),
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    pos: usize,
    end: usize,
}

pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let tokens = lex(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        end: text.chars().count(),
    };
    let expr = parser.or()?;
    match parser.peek() {
        None => Ok(expr),
        Some(_) => Err(parser.error("expected `and`, `or` or the end of the condition")),
    }
}

const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "definitely",
    "in",
    "is",
    "absent",
    "present",
    "unknown",
    "true",
    "false",
];

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn column(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |(c, _)| *c)
    }

    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            column: self.column(),
            message: message.to_string(),
        }
    }

    fn keyword(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Token::Ident(w)) if w == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: Token, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(&token) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        if self.keyword("not") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.keyword("definitely") {
            return Ok(Expr::Definitely(Box::new(self.unary()?)));
        }
        self.test()
    }

    fn test(&mut self) -> Result<Expr, SyntaxError> {
        let left = self.operand()?;
        match self.peek().cloned() {
            Some(Token::EqEq) => {
                self.pos += 1;
                Ok(Expr::Eq(left, self.operand()?))
            }
            Some(Token::NotEq) => {
                self.pos += 1;
                Ok(Expr::Not(Box::new(Expr::Eq(left, self.operand()?))))
            }
            _ if self.keyword("in") => Ok(Expr::In(left, self.operand()?)),
            _ if self.keyword("is") => {
                let negated = self.keyword("not");
                let presence = if self.keyword("absent") {
                    Presence::Absent
                } else if self.keyword("present") {
                    Presence::Present
                } else if self.keyword("unknown") {
                    Presence::Unknown
                } else {
                    return Err(self.error("expected `absent`, `present` or `unknown` after `is`"));
                };
                let test = Expr::Is(left, presence);
                Ok(if negated {
                    Expr::Not(Box::new(test))
                } else {
                    test
                })
            }
            Some(Token::Ident(ref w)) if w == "not" => {
                self.pos += 1;
                if !self.keyword("in") {
                    return Err(self.error("expected `in` after `not`"));
                }
                Ok(Expr::Not(Box::new(Expr::In(left, self.operand()?))))
            }
            _ => Ok(Expr::Truthy(left)),
        }
    }

    fn operand(&mut self) -> Result<Operand, SyntaxError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.error("expected a value"));
        };
        self.pos += 1;
        match token {
            Token::Str(s) => Ok(Operand::Literal(Literal::String(s))),
            Token::Num(n) => Ok(Operand::Literal(Literal::Number(n))),
            Token::Ident(w) if w == "true" => Ok(Operand::Literal(Literal::Bool(true))),
            Token::Ident(w) if w == "false" => Ok(Operand::Literal(Literal::Bool(false))),
            Token::Ident(w) if KEYWORDS.contains(&w.as_str()) => {
                self.pos -= 1;
                Err(self.error(&format!("expected a value, found `{w}`")))
            }
            Token::Ident(w) => {
                if w.ends_with('.') || w.starts_with('.') || w.contains("..") {
                    self.pos -= 1;
                    return Err(self.error(&format!("`{w}` is not a valid path")));
                }
                Ok(Operand::Path(w))
            }
            Token::LParen => {
                let inner = self.or()?;
                self.expect(Token::RParen, "`)`")?;
                Ok(Operand::Group(Box::new(inner)))
            }
            Token::LBracket => {
                let mut items = Vec::new();
                if self.peek() != Some(&Token::RBracket) {
                    loop {
                        items.push(self.operand()?);
                        if self.peek() == Some(&Token::Comma) {
                            self.pos += 1;
                            if self.peek() == Some(&Token::RBracket) {
                                break;
                            }
                        } else {
                            break;
                        }
                    }
                }
                self.expect(Token::RBracket, "`,` or `]`")?;
                Ok(Operand::List(items))
            }
            _ => {
                self.pos -= 1;
                Err(self.error("expected a value"))
            }
        }
    }
}

impl Expr {
    /// Every fact path the expression reads, for validation against the registry.
    pub fn paths(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_paths(&mut out);
        out
    }

    fn collect_paths<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => {
                a.collect_paths(out);
                b.collect_paths(out);
            }
            Expr::Not(e) | Expr::Definitely(e) => e.collect_paths(out),
            Expr::Eq(a, b) | Expr::In(a, b) => {
                a.collect_paths(out);
                b.collect_paths(out);
            }
            Expr::Is(a, _) | Expr::Truthy(a) => a.collect_paths(out),
        }
    }
}

impl Operand {
    fn collect_paths<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Operand::Path(p) => out.push(p),
            Operand::Literal(_) => {}
            Operand::List(items) => items.iter().for_each(|i| i.collect_paths(out)),
            Operand::Group(e) => e.collect_paths(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> Operand {
        Operand::Path(p.into())
    }

    #[test]
    fn parses_precedence_and_tests() {
        let e = parse("a is absent or not b.c and d in ['x', \"y\"]").unwrap();
        assert_eq!(
            e,
            Expr::Or(
                Box::new(Expr::Is(path("a"), Presence::Absent)),
                Box::new(Expr::And(
                    Box::new(Expr::Not(Box::new(Expr::Truthy(path("b.c"))))),
                    Box::new(Expr::In(
                        path("d"),
                        Operand::List(vec![
                            Operand::Literal(Literal::String("x".into())),
                            Operand::Literal(Literal::String("y".into())),
                        ])
                    ))
                ))
            )
        );
    }

    #[test]
    fn negated_forms() {
        assert_eq!(
            parse("a != false").unwrap(),
            Expr::Not(Box::new(Expr::Eq(
                path("a"),
                Operand::Literal(Literal::Bool(false))
            )))
        );
        assert_eq!(
            parse("a not in [1]").unwrap(),
            Expr::Not(Box::new(Expr::In(
                path("a"),
                Operand::List(vec![Operand::Literal(Literal::Number(1.0))])
            )))
        );
        assert_eq!(
            parse("a is not present").unwrap(),
            Expr::Not(Box::new(Expr::Is(path("a"), Presence::Present)))
        );
    }

    #[test]
    fn errors_name_the_column() {
        let err = parse("a == ").unwrap_err();
        assert_eq!(err.column, 5);
        let err = parse("a is missing").unwrap_err();
        assert_eq!(err.column, 5);
        assert!(parse("a = b").is_err());
        assert!(parse("'open").is_err());
        assert!(parse("a b").is_err());
        assert!(parse("(a").is_err());
        assert!(parse("a..b").is_err());
    }

    #[test]
    fn collects_paths() {
        let e = parse("x.y == z or (w is absent)").unwrap();
        assert_eq!(e.paths(), vec!["x.y", "z", "w"]);
    }
}
