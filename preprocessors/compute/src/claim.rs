//! The arguments of `{{#check}}` and `{{#value}}`: which published value, what is written,
//! and the rule that decides whether they agree.
//!
//! ```text
//! {{#check scores[0] = 0,46}}           digits written: rounds to 2 decimals
//! {{#check total = 82}}                 an integer: rounds to 82
//! {{#check h = 1.1 ± 0.05}}             explicit absolute tolerance
//! {{#check h = 1.1 ± 5%}}               explicit relative tolerance
//! {{#value keys[0] digits=1}}           shows a computed value
//! ```

use crate::written::{Locale, ParseError, Written};
use std::fmt;

/// A published name followed by indices: `scores`, `scores[0]`, `m[1][2]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuePath {
    /// The name given to `publish!`.
    pub name: String,
    /// The indices, outermost first.
    pub indices: Vec<usize>,
}

impl ValuePath {
    /// Reads `name`, `name[i]` or `name[i][j]`; spaces around the text are ignored.
    pub fn parse(text: &str) -> Result<ValuePath, ParseError> {
        let text = text.trim();
        let name_end = text.find('[').unwrap_or(text.len());
        let name = text[..name_end].trim();
        let is_ident = name
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !is_ident {
            return Err(ParseError(format!(
                "`{text}` does not name a published value (expected `name` or `name[0]`)"
            )));
        }
        let mut indices = Vec::new();
        let mut rest = &text[name_end..];
        while !rest.is_empty() {
            let close = rest.find(']').filter(|_| rest.starts_with('['));
            let index = close.and_then(|close| rest[1..close].trim().parse::<usize>().ok());
            match (close, index) {
                (Some(close), Some(index)) => {
                    indices.push(index);
                    rest = rest[close + 1..].trim_start();
                }
                _ => {
                    return Err(ParseError(format!(
                        "`{text}`: an index is written `[0]`, a whole number in brackets"
                    )))
                }
            }
        }
        Ok(ValuePath {
            name: name.to_owned(),
            indices,
        })
    }
}

impl fmt::Display for ValuePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        for i in &self.indices {
            write!(f, "[{i}]")?;
        }
        Ok(())
    }
}

/// How close a computed number must be to the written one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// The default: the computed value, rounded to the digits written, equals what is written.
    Digits,
    /// `± 0,05`: the difference is at most this much.
    Absolute(f64),
    /// `± 5%`: the difference is at most this fraction of the written value.
    Relative(f64),
}

/// The arguments of a `{{#check}}` directive.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// What is checked.
    pub path: ValuePath,
    /// The written value exactly as the reader will see it.
    pub text: String,
    /// The written value, parsed.
    pub written: Written,
    /// How close the computed value must be.
    pub tolerance: Tolerance,
}

impl Claim {
    /// Parses `path = written [± tolerance]`, numbers written the French way.
    pub fn parse(args: &str) -> Result<Claim, ParseError> {
        Claim::parse_in(args, Locale::French)
    }

    /// Parses `path = written [± tolerance]`, numbers written as `locale` writes them.
    pub fn parse_in(args: &str, locale: Locale) -> Result<Claim, ParseError> {
        let (path, rest) = args.split_once('=').ok_or_else(|| {
            ParseError(format!(
                "`{args}`: a check is written `{{{{#check name = value}}}}`"
            ))
        })?;
        let path = ValuePath::parse(path)?;
        let (text, tolerance) = match rest.split_once('±') {
            Some((text, tol)) => (text, parse_tolerance(tol)?),
            None => (rest, Tolerance::Digits),
        };
        let text = text.trim().to_owned();
        let written = Written::parse_in(&text, locale)?;
        if tolerance != Tolerance::Digits && !matches!(written, Written::Number { .. }) {
            return Err(ParseError(format!(
                "a tolerance applies to a number, and `{text}` is {}",
                written.kind()
            )));
        }
        Ok(Claim {
            path,
            text: display_text(&text),
            written,
            tolerance,
        })
    }
}

/// What the reader sees of a written value: without the quotes that mark a string.
fn display_text(text: &str) -> String {
    match Written::parse(text) {
        Ok(Written::Str(s)) => s,
        _ => text.to_owned(),
    }
}

fn parse_tolerance(text: &str) -> Result<Tolerance, ParseError> {
    let text = text.trim();
    let bad = || {
        ParseError(format!(
            "`± {text}`: a tolerance is a positive number, or a percentage"
        ))
    };
    let (number, relative) = match text.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (text, false),
    };
    let value: f64 = number.replace(',', ".").parse().map_err(|_| bad())?;
    if !(value.is_finite() && value >= 0.0) {
        return Err(bad());
    }
    Ok(if relative {
        Tolerance::Relative(value / 100.0)
    } else {
        Tolerance::Absolute(value)
    })
}

/// The arguments of a `{{#value}}` directive.
#[derive(Debug, Clone, PartialEq)]
pub struct Show {
    /// What is shown.
    pub path: ValuePath,
    /// Fixed number of decimals; `None` prints the shortest exact form.
    pub digits: Option<usize>,
}

impl Show {
    /// Reads `name` and an optional `digits=N`.
    pub fn parse(args: &str) -> Result<Show, ParseError> {
        let mut parts = args.split_whitespace();
        let path = parts.next().ok_or_else(|| {
            ParseError("`{{#value}}` needs the name of a published value: `{{#value name}}`".into())
        })?;
        let path = ValuePath::parse(path)?;
        let mut digits = None;
        for option in parts {
            let value = option.strip_prefix("digits=").ok_or_else(|| {
                ParseError(format!("unknown option `{option}` (expected `digits=N`)"))
            })?;
            digits = Some(value.parse().ok().filter(|d| *d <= 15).ok_or_else(|| {
                ParseError(format!(
                    "`digits={value}`: a number of decimals from 0 to 15"
                ))
            })?);
        }
        Ok(Show { path, digits })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_with_indices() {
        let p = ValuePath::parse("m[1][ 2 ]").unwrap();
        assert_eq!((p.name.as_str(), p.indices.as_slice()), ("m", &[1, 2][..]));
        assert!(ValuePath::parse("scores[-1]").is_err());
        assert!(ValuePath::parse("2x").is_err());
        assert!(ValuePath::parse("a[0").is_err());
    }

    #[test]
    fn claims_with_and_without_tolerance() {
        let c = Claim::parse("scores[0] = 0,46").unwrap();
        assert_eq!(c.text, "0,46");
        assert_eq!(c.tolerance, Tolerance::Digits);
        let c = Claim::parse("h = 1.1 ± 5%").unwrap();
        assert_eq!(c.tolerance, Tolerance::Relative(0.05));
        assert_eq!(c.text, "1.1");
        let c = Claim::parse("kind = \"many-to-one\"").unwrap();
        assert_eq!(c.text, "many-to-one");
        assert!(Claim::parse("kind = many ± 1").is_err());
        assert!(Claim::parse("total 82").is_err());
    }

    #[test]
    fn value_options() {
        assert_eq!(Show::parse("keys[0] digits=2").unwrap().digits, Some(2));
        assert!(Show::parse("keys precision=2").is_err());
    }
}
