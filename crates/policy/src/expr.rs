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

use phiguard_model::kinds::{EnumDef, FactType};

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

/// An operand and the 0-based character column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Operand {
    pub kind: OperandKind,
    pub column: usize,
    /// Set by [`Expr::check`] on a path of enum type: its value is compared
    /// as the enum spells it (`PublicRead` as `public-read`).
    pub normalise: Option<&'static EnumDef>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OperandKind {
    Path(String),
    Literal(Literal),
    List(Vec<Operand>),
    Group(Box<Expr>),
}

impl Operand {
    pub fn new(kind: OperandKind, column: usize) -> Operand {
        Operand {
            kind,
            column,
            normalise: None,
        }
    }
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
        let column = self.column();
        let Some(token) = self.peek().cloned() else {
            return Err(self.error("expected a value"));
        };
        self.pos += 1;
        let kind = match token {
            Token::Str(s) => OperandKind::Literal(Literal::String(s)),
            Token::Num(n) => OperandKind::Literal(Literal::Number(n)),
            Token::Ident(w) if w == "true" => OperandKind::Literal(Literal::Bool(true)),
            Token::Ident(w) if w == "false" => OperandKind::Literal(Literal::Bool(false)),
            Token::Ident(w) if KEYWORDS.contains(&w.as_str()) => {
                self.pos -= 1;
                return Err(self.error(&format!("expected a value, found `{w}`")));
            }
            Token::Ident(w) => {
                if w.ends_with('.') || w.starts_with('.') || w.contains("..") {
                    self.pos -= 1;
                    return Err(self.error(&format!("`{w}` is not a valid path")));
                }
                OperandKind::Path(w)
            }
            Token::LParen => {
                let inner = self.or()?;
                self.expect(Token::RParen, "`)`")?;
                OperandKind::Group(Box::new(inner))
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
                OperandKind::List(items)
            }
            _ => {
                self.pos -= 1;
                return Err(self.error("expected a value"));
            }
        };
        Ok(Operand::new(kind, column))
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
        match &self.kind {
            OperandKind::Path(p) => out.push(p),
            OperandKind::Literal(_) => {}
            OperandKind::List(items) => items.iter().for_each(|i| i.collect_paths(out)),
            OperandKind::Group(e) => e.collect_paths(out),
        }
    }
}

/// A condition that does not type-check, with the 0-based character column
/// of the operand at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    pub column: usize,
    pub message: String,
}

/// What an operand is, for the checker: a fact's type, or a literal.
#[derive(Clone, Copy)]
enum Ty<'a> {
    Fact(&'a str, FactType),
    Str(&'a str),
    Number(f64),
    Bool(bool),
    List(&'a [Operand]),
    /// A parenthesised condition.
    Condition,
}

impl Ty<'_> {
    /// The operand as a message names it.
    fn describe(self) -> String {
        match self {
            Ty::Fact(path, ty) => format!("`{path}` ({})", ty.name()),
            Ty::Str(s) => format!("the string \"{s}\""),
            Ty::Number(n) => format!("the number {n}"),
            Ty::Bool(b) => format!("`{b}`"),
            Ty::List(_) => "a list".into(),
            Ty::Condition => "a condition".into(),
        }
    }

    /// The type a value of this operand has, when it is one a fact can have.
    fn fact_type(self) -> Option<FactType> {
        match self {
            Ty::Fact(_, ty) => Some(ty),
            Ty::Str(_) => Some(FactType::String),
            Ty::Number(_) => Some(FactType::Number),
            Ty::Bool(_) | Ty::Condition => Some(FactType::Bool),
            Ty::List(_) => None,
        }
    }
}

/// What to write instead, for a value compared with a fact of type `ty`.
fn hint(ty: FactType) -> String {
    match ty {
        FactType::Bool => "; write `true` or `false`, or use the fact as a condition".into(),
        FactType::Number => "; write a number".into(),
        FactType::String => "; write a string in quotes".into(),
        FactType::Enum(e) => format!("; write one of {}", one_of(e)),
        _ => String::new(),
    }
}

fn one_of(e: &EnumDef) -> String {
    e.values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Expr {
    /// Checks that every comparison and bare condition fits the types of the
    /// facts it reads, as `resolve` gives them (an unknown path is an error
    /// with `resolve`'s message), and marks paths of enum type so that their
    /// values are compared as the enum spells them.
    pub fn check(
        &mut self,
        resolve: &dyn Fn(&str) -> Result<FactType, String>,
    ) -> Result<(), TypeError> {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => {
                a.check(resolve)?;
                b.check(resolve)
            }
            Expr::Not(e) | Expr::Definitely(e) => e.check(resolve),
            Expr::Truthy(a) => match type_of(a, resolve)? {
                Ty::Fact(_, FactType::Bool) | Ty::Bool(_) | Ty::Condition => Ok(()),
                Ty::Fact(path, FactType::Presence) => Err(TypeError {
                    column: a.column,
                    message: format!(
                        "`{path}` is a presence fact, not a bool: write `{path} is present`"
                    ),
                }),
                Ty::Fact(path, ty) => Err(TypeError {
                    column: a.column,
                    message: format!(
                        "`{path}` is {} {}, not a bool: compare it with a value, or test `{path} is present`",
                        article(ty),
                        ty.name()
                    ),
                }),
                other => Err(TypeError {
                    column: a.column,
                    message: format!("{} is not a condition", other.describe()),
                }),
            },
            Expr::Is(a, _) => type_of(a, resolve).map(|_| ()),
            Expr::Eq(a, b) => {
                let (ea, eb) = {
                    let (ta, tb) = (type_of(a, resolve)?, type_of(b, resolve)?);
                    comparable((a.column, ta), (b.column, tb))?;
                    (enum_of(ta), enum_of(tb))
                };
                a.normalise = ea;
                b.normalise = eb;
                Ok(())
            }
            Expr::In(a, b) => {
                let ta = type_of(a, resolve)?;
                if matches!(ta, Ty::List(_)) {
                    return Err(TypeError {
                        column: a.column,
                        message: "the left side of `in` is one value, not a list".into(),
                    });
                }
                let mut marks = Vec::new();
                match type_of(b, resolve)? {
                    Ty::List(items) => {
                        for (index, item) in items.iter().enumerate() {
                            let ti = type_of(item, resolve)?;
                            comparable((a.column, ta), (item.column, ti))?;
                            marks.push((index, enum_of(ti)));
                        }
                    }
                    Ty::Fact(_, FactType::List(inner)) => {
                        comparable(
                            (a.column, ta),
                            (b.column, Ty::Fact("an item of the list", *inner)),
                        )?;
                    }
                    Ty::Fact(_, FactType::PolicyValue) => {}
                    other => {
                        return Err(TypeError {
                            column: b.column,
                            message: format!(
                                "`in` needs a list, like `[\"a\", \"b\"]`, not {}",
                                other.describe()
                            ),
                        })
                    }
                }
                let ea = enum_of(ta);
                a.normalise = ea;
                if let OperandKind::List(items) = &mut b.kind {
                    for (index, e) in marks {
                        if let Some(item) = items.get_mut(index) {
                            item.normalise = e;
                        }
                    }
                }
                Ok(())
            }
        }
    }
}

/// The enum a path of enum type is compared in.
fn enum_of(ty: Ty<'_>) -> Option<&'static EnumDef> {
    match ty {
        Ty::Fact(_, FactType::Enum(e)) => Some(e),
        _ => None,
    }
}

fn article(ty: FactType) -> &'static str {
    match ty {
        FactType::Enum(_) | FactType::Item(_) => "an",
        _ => "a",
    }
}

fn type_of<'a>(
    operand: &'a Operand,
    resolve: &dyn Fn(&str) -> Result<FactType, String>,
) -> Result<Ty<'a>, TypeError> {
    Ok(match &operand.kind {
        OperandKind::Path(path) => Ty::Fact(
            path,
            resolve(path).map_err(|message| TypeError {
                column: operand.column,
                message,
            })?,
        ),
        OperandKind::Literal(Literal::String(s)) => Ty::Str(s),
        OperandKind::Literal(Literal::Number(n)) => Ty::Number(*n),
        OperandKind::Literal(Literal::Bool(b)) => Ty::Bool(*b),
        OperandKind::List(items) => Ty::List(items),
        OperandKind::Group(_) => Ty::Condition,
    })
}

/// Whether two operands, each with its column, can be compared.
fn comparable(left: (usize, Ty<'_>), right: (usize, Ty<'_>)) -> Result<(), TypeError> {
    // The fact, if either side is one, decides; it goes first. Errors point
    // at the other side, the value that does not fit.
    let ((fact_column, fact), (column, other)) = match (left.1, right.1) {
        (Ty::Fact(..), _) => (left, right),
        (_, Ty::Fact(..)) => (right, left),
        _ => (left, right),
    };
    let error = |message: String| Err(TypeError { column, message });
    if let Ty::Fact(path, ty) = fact {
        let error = |message: String| {
            Err(TypeError {
                column: fact_column,
                message,
            })
        };
        match ty {
            FactType::Presence => {
                return error(format!(
                    "`{path}` is a presence fact: test it with `{path} is present` or `{path} is absent`"
                ))
            }
            FactType::Item(item) => {
                return error(format!(
                    "`{path}` is a whole {} item: compare one of its keys ({})",
                    item.name,
                    item.keys
                        .iter()
                        .map(|(k, _)| format!("`{path}.{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
            _ => {}
        }
    }
    match (fact, other) {
        (Ty::Fact(path, FactType::Enum(e)), Ty::Str(s)) => {
            if e.values.contains(&s) {
                return Ok(());
            }
            if let Some(alias) = e.alias_of_str(s) {
                return error(format!(
                    "`{s}` is {}; write `{}` (`{path}` spells each value one way)",
                    alias.whose, alias.value
                ));
            }
            error(format!(
                "\"{s}\" is not a value of `{path}` ({}){}",
                FactType::Enum(e).name(),
                hint(FactType::Enum(e))
            ))
        }
        (Ty::Fact(path, FactType::Enum(e)), Ty::Bool(b)) if e.alias_of_bool(b).is_some() => {
            let (whose, value) = e.alias_of_bool(b).map_or(("", ""), |a| (a.whose, a.value));
            error(format!(
                "`{b}` is {whose}; write `\"{value}\"` (`{path}` spells each value one way)"
            ))
        }
        (Ty::Fact(_, FactType::Enum(e)), Ty::Fact(_, FactType::Enum(f))) if e.name == f.name => {
            Ok(())
        }
        (Ty::Fact(_, FactType::PolicyValue), Ty::Str(_) | Ty::List(_)) => Ok(()),
        (
            Ty::Fact(_, FactType::PolicyValue),
            Ty::Fact(_, FactType::PolicyValue | FactType::String | FactType::List(_)),
        ) => Ok(()),
        (Ty::Fact(_, FactType::List(inner)), Ty::List(items)) => {
            for item in items {
                let OperandKind::Literal(literal) = &item.kind else {
                    continue;
                };
                let ti = match literal {
                    Literal::String(s) => Ty::Str(s),
                    Literal::Number(n) => Ty::Number(*n),
                    Literal::Bool(b) => Ty::Bool(*b),
                };
                comparable(
                    (column, Ty::Fact("an item of the list", *inner)),
                    (item.column, ti),
                )?;
            }
            Ok(())
        }
        (Ty::Fact(path, ty), other) => {
            let same = match (ty, other.fact_type()) {
                (FactType::Enum(_) | FactType::Item(_) | FactType::Presence, _) => false,
                (a, Some(b)) => a == b,
                (_, None) => false,
            };
            if same {
                Ok(())
            } else {
                error(format!(
                    "`{path}` is {} {} and cannot be compared with {}{}",
                    article(ty),
                    ty.name(),
                    other.describe(),
                    hint(ty)
                ))
            }
        }
        // Two literals: only alike ones.
        (a, b) => match (a.fact_type(), b.fact_type()) {
            (Some(x), Some(y)) if x == y => Ok(()),
            (None, None) => Ok(()),
            _ => error(format!(
                "{} cannot be compared with {}",
                a.describe(),
                b.describe()
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str, column: usize) -> Operand {
        Operand::new(OperandKind::Path(p.into()), column)
    }

    fn lit(literal: Literal, column: usize) -> Operand {
        Operand::new(OperandKind::Literal(literal), column)
    }

    #[test]
    fn parses_precedence_and_tests() {
        let e = parse("a is absent or not b.c and d in ['x', \"y\"]").unwrap();
        assert_eq!(
            e,
            Expr::Or(
                Box::new(Expr::Is(path("a", 0), Presence::Absent)),
                Box::new(Expr::And(
                    Box::new(Expr::Not(Box::new(Expr::Truthy(path("b.c", 19))))),
                    Box::new(Expr::In(
                        path("d", 27),
                        Operand::new(
                            OperandKind::List(vec![
                                lit(Literal::String("x".into()), 33),
                                lit(Literal::String("y".into()), 38),
                            ]),
                            32
                        )
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
                path("a", 0),
                lit(Literal::Bool(false), 5)
            )))
        );
        assert_eq!(
            parse("a not in [1]").unwrap(),
            Expr::Not(Box::new(Expr::In(
                path("a", 0),
                Operand::new(OperandKind::List(vec![lit(Literal::Number(1.0), 10)]), 9)
            )))
        );
        assert_eq!(
            parse("a is not present").unwrap(),
            Expr::Not(Box::new(Expr::Is(path("a", 0), Presence::Present)))
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
