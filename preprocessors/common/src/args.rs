//! Arguments of directives: a few bare words, then `key=value` pairs separated by spaces,
//! where a value with spaces is quoted (`caption="Deux mots"`, `\"` for a quote inside).
//!
//! ```
//! use coursebook_common::args::{tokenize, Arg};
//! let args = tokenize(r#"spectro caption="Un \"beau\" spectre" number=1"#).unwrap();
//! assert_eq!(args, [
//!     Arg::Bare("spectro".into()),
//!     Arg::Pair("caption".into(), "Un \"beau\" spectre".into()),
//!     Arg::Pair("number".into(), "1".into()),
//! ]);
//! ```

/// One argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A word alone: `6`, `sujet`.
    Bare(String),
    /// `name=value`, quotes removed: `points=2`, `title="Les réseaux"`.
    Pair(String, String),
}

/// Splits a directive's arguments. A quoted value needs a name (`title="…"`), a value must
/// be followed by a space, and a quote must close: anything else is an error rather than a
/// guess, since a typo in a directive must not silently change the book.
pub fn tokenize(args: &str) -> Result<Vec<Arg>, String> {
    let mut out = Vec::new();
    let mut chars = args.trim().chars().peekable();
    while chars.peek().is_some() {
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '=' || c == '"' {
                break;
            }
            key.push(c);
            chars.next();
        }
        match chars.peek() {
            Some('=') => {
                chars.next();
                if key.is_empty() {
                    return Err("`=` without a name before it".into());
                }
                let value = value(&mut chars, &key)?;
                if chars.peek().is_some_and(|c| !c.is_whitespace()) {
                    return Err(format!("put a space after the value of `{key}`"));
                }
                out.push(Arg::Pair(key, value));
            }
            Some('"') => return Err("a quoted value needs a name: title=\"…\"".into()),
            _ => out.push(Arg::Bare(key)),
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
    }
    Ok(out)
}

fn value(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    key: &str,
) -> Result<String, String> {
    let mut text = String::new();
    if chars.peek() != Some(&'"') {
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            text.push(c);
            chars.next();
        }
        return Ok(text);
    }
    chars.next();
    loop {
        match chars.next() {
            None => {
                return Err(format!(
                    "the value of `{key}` opens a quote that is not closed"
                ))
            }
            Some('"') => return Ok(text),
            Some('\\') if chars.peek() == Some(&'"') => {
                chars.next();
                text.push('"');
            }
            Some(c) => text.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors() {
        assert!(tokenize("caption=\"open").is_err());
        assert!(tokenize("=x").is_err());
        assert!(tokenize("a\"b\"").is_err());
        assert!(tokenize("\"bare\"").is_err());
        assert!(tokenize("title=\"a\"b").is_err());
    }

    #[test]
    fn empty_and_unquoted() {
        assert_eq!(tokenize("  ").unwrap(), []);
        assert_eq!(
            tokenize("n=3").unwrap(),
            [Arg::Pair("n".into(), "3".into())]
        );
    }
}
