//! The string and list functions: `Fn::Join`, `Fn::Select`, `Fn::Split`,
//! `Fn::FindInMap`.

use phiguard_model::{Span, Value, ValueKind};

use super::Evaluator;
use crate::cloudformation::functions::{finish_string, same, text};
use crate::limits::{string_too_long, MAX_STRING};
use crate::partial::arn_prefix;

impl Evaluator<'_> {
    /// The evaluated arguments of a function taking a list, or why not.
    fn args(
        &mut self,
        arg: &Value,
        count: std::ops::RangeInclusive<usize>,
        name: &str,
        span: Span,
    ) -> Result<Vec<Value>, Value> {
        let items = match arg.as_list() {
            Some(items) if count.contains(&items.len()) => items,
            _ => {
                return Err(Value::unknown(
                    format!("`{name}` has the wrong arguments"),
                    span,
                ))
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let value = self
                .eval(item)
                .unwrap_or_else(|| Value::new(ValueKind::Null, item.span));
            if let Some(reason) = value.unknown_reason() {
                return Err(Value::unknown(reason, span));
            }
            out.push(value);
        }
        Ok(out)
    }

    pub(super) fn join(&mut self, arg: &Value, span: Span) -> Value {
        let args = match self.args(arg, 2..=2, "Fn::Join", span) {
            Ok(args) => args,
            Err(unknown) => return unknown,
        };
        let (Some(delimiter), Some(items)) = (args[0].as_str(), args[1].as_list()) else {
            return Value::unknown("`Fn::Join` needs a delimiter and a list", span);
        };
        if let Some(u) = items.iter().find_map(Value::first_unknown) {
            let reason = u.unknown_reason().unwrap_or_default();
            // The known text, the unknown parts left out (`!Join ["", ["arn:aws:kms:",
            // !Ref AWS::Region, ":", !Ref AWS::AccountId, ":alias/aws/s3"]]`),
            // when every other part is a string.
            let known: Option<Vec<String>> = items
                .iter()
                .map(|item| match &item.kind {
                    ValueKind::Unknown(u) => Some(u.known_text.clone().unwrap_or_default()),
                    _ => text(item),
                })
                .collect();
            let shape: Option<Vec<String>> = items
                .iter()
                .map(|item| match &item.kind {
                    ValueKind::Unknown(u) => Some(
                        u.shape
                            .as_deref()
                            .cloned()
                            .unwrap_or_else(|| phiguard_model::HOLE.to_string()),
                    ),
                    _ => text(item),
                })
                .collect();
            // The known text and the shape are strings built too.
            let too_long = |parts: &Option<Vec<String>>| {
                parts
                    .as_ref()
                    .is_some_and(|p| joined_len(p, delimiter) > MAX_STRING)
            };
            if too_long(&known) || too_long(&shape) {
                return Value::unknown(string_too_long(), span);
            }
            let value = match (known.map(|parts| parts.join(delimiter)), shape) {
                (Some(known), Some(shape)) if !known.is_empty() => {
                    Value::partly_known(reason, known, span).with_shape(shape.join(delimiter))
                }
                _ => Value::unknown(reason, span),
            };
            // `!Join ["", [!GetAtt Bucket.Arn, "/*"]]`: the bucket's ARN
            // and known text.
            let unknown_parts = items.iter().filter(|i| i.is_unknown()).count();
            let first = items.first().and_then(Value::stands_for);
            return match arn_prefix(first, unknown_parts, true) {
                Some(arn) => value.standing_for(arn),
                None => value,
            };
        }
        match items.iter().map(text).collect::<Option<Vec<_>>>() {
            Some(parts) => {
                if joined_len(&parts, delimiter) > MAX_STRING {
                    return Value::unknown(string_too_long(), span);
                }
                finish_string(parts.join(delimiter), span)
            }
            None => Value::unknown("`Fn::Join` needs a list of strings", span),
        }
    }

    pub(super) fn select(&mut self, arg: &Value, span: Span) -> Option<Value> {
        let args = match self.args(arg, 2..=2, "Fn::Select", span) {
            Ok(args) => args,
            Err(unknown) => return Some(unknown),
        };
        let index = text(&args[0]).and_then(|t| t.trim().parse::<usize>().ok());
        match (index, args[1].as_list()) {
            (Some(i), Some(items)) => Some(items.get(i).cloned().unwrap_or_else(|| {
                Value::unknown(format!("`Fn::Select` index {i} is out of range"), span)
            })),
            _ => Some(Value::unknown(
                "`Fn::Select` needs an index and a list",
                span,
            )),
        }
    }

    pub(super) fn split(&mut self, arg: &Value, span: Span) -> Value {
        let args = match self.args(arg, 2..=2, "Fn::Split", span) {
            Ok(args) => args,
            Err(unknown) => return unknown,
        };
        match (args[0].as_str(), text(&args[1])) {
            (Some(delimiter), Some(s)) if !delimiter.is_empty() => Value::new(
                ValueKind::List(s.split(delimiter).map(|p| Value::string(p, span)).collect()),
                span,
            ),
            _ => Value::unknown("`Fn::Split` needs a delimiter and a string", span),
        }
    }

    /// `Fn::FindInMap`. With the top key unknown (usually `AWS::Region`),
    /// the value is still known when every entry agrees on it.
    pub(super) fn find_in_map(&mut self, arg: &Value, span: Span) -> Option<Value> {
        let items = arg.as_list().unwrap_or_default();
        if !(3..=4).contains(&items.len()) {
            return Some(Value::unknown(
                "`Fn::FindInMap` has the wrong arguments",
                span,
            ));
        }
        let mut keys = Vec::with_capacity(3);
        for item in &items[..3] {
            keys.push(
                self.eval(item)
                    .unwrap_or_else(|| Value::new(ValueKind::Null, span)),
            );
        }
        let map = text(&keys[0]).and_then(|m| self.scope.mappings?.get(&m));
        let found = match (map, text(&keys[1]), text(&keys[2])) {
            (Some(map), Some(top), Some(second)) => {
                map.get(&top).and_then(|t| t.get(&second)).cloned()
            }
            (Some(map), None, Some(second)) if keys[1].is_unknown() => {
                let values: Vec<&Value> = map
                    .as_map()
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|(_, t)| t.get(&second))
                    .collect();
                match values.split_first() {
                    Some((first, rest)) if rest.iter().all(|v| same(first, v)) => {
                        Some((*first).clone())
                    }
                    _ => {
                        return Some(Value::unknown(
                            keys[1].unknown_reason().unwrap_or_default(),
                            span,
                        ))
                    }
                }
            }
            _ => None,
        };
        if let Some(mut value) = found {
            value.map_spans(&|_| span);
            return Some(value);
        }
        if let Some(u) = keys.iter().find_map(Value::first_unknown) {
            return Some(Value::unknown(u.unknown_reason().unwrap_or_default(), span));
        }
        match items.get(3).and_then(|d| d.get("DefaultValue")) {
            Some(default) => self.eval(default),
            None => Some(Value::unknown(
                format!(
                    "`Fn::FindInMap` finds no entry for {}",
                    keys.iter()
                        .map(Value::display)
                        .collect::<Vec<_>>()
                        .join("/")
                ),
                span,
            )),
        }
    }
}

/// The length of `parts` joined with `delimiter`, before joining them.
fn joined_len(parts: &[String], delimiter: &str) -> usize {
    parts.iter().map(String::len).sum::<usize>()
        + delimiter
            .len()
            .saturating_mul(parts.len().saturating_sub(1))
}
