//! Keeping each block inside its chapter's function.
//!
//! The blocks of a chapter are pasted into one generated function. A block whose braces do
//! not balance could close that function and open another (`Ok(()) } fn f() -> … {`), so that
//! the blocks after it never run while the build still succeeds. Each block must therefore
//! close every delimiter it opens, and nothing it did not open. Strings, characters and
//! comments are skipped, as the compiler would.

/// A delimiter that breaks out of the block, with its 1-based line and column in the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakout {
    /// Its 1-based line in the block.
    pub line: usize,
    /// Its 1-based column, in characters.
    pub column: usize,
    /// What it breaks, and how to write it instead.
    pub message: String,
}

/// Checks that the delimiters of `code` balance; returns the first one that does not.
///
/// ```
/// use coursebook_compute::scope::check;
/// assert!(check("let s = \"}\"; if a { b() }").is_none());
/// assert_eq!(check("Ok(())\n}\nfn f() {").unwrap().line, 2);
/// ```
pub fn check(code: &str) -> Option<Breakout> {
    let chars: Vec<char> = code.chars().collect();
    let mut open: Vec<(char, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        i = match c {
            '/' if next == Some('/') => skip_line(&chars, i),
            '/' if next == Some('*') => skip_block_comment(&chars, i),
            '"' => skip_string(&chars, i + 1),
            'r' | 'b' if raw_string_start(&chars, i).is_some() => {
                skip_raw_string(&chars, raw_string_start(&chars, i)?)
            }
            '\'' => skip_char(&chars, i),
            '(' | '[' | '{' => {
                open.push((c, i));
                i + 1
            }
            ')' | ']' | '}' => {
                let expected = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                match open.pop() {
                    Some((o, _)) if o == expected => i + 1,
                    _ => {
                        return Some(breakout(
                            &chars,
                            i,
                            format!(
                                "this block closes a `{c}` it did not open: a block stays inside \
                                 its chapter, whose blocks run one after the other"
                            ),
                        ))
                    }
                }
            }
            c if is_ident_char(c) => skip_ident(&chars, i),
            _ => i + 1,
        };
    }
    open.first().map(|&(c, at)| {
        breakout(
            &chars,
            at,
            format!("this block opens a `{c}` it does not close: each block closes what it opens"),
        )
    })
}

fn breakout(chars: &[char], at: usize, message: String) -> Breakout {
    let before = &chars[..at];
    let line = before.iter().filter(|&&c| c == '\n').count() + 1;
    let column = before.iter().rev().take_while(|&&c| c != '\n').count() + 1;
    Breakout {
        line,
        column,
        message,
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Skips an identifier or number whole, so that the `r` of `bar"` is not a raw string.
fn skip_ident(chars: &[char], i: usize) -> usize {
    let mut j = i;
    while j < chars.len() && is_ident_char(chars[j]) {
        j += 1;
    }
    j
}

fn skip_line(chars: &[char], i: usize) -> usize {
    chars[i..]
        .iter()
        .position(|&c| c == '\n')
        .map_or(chars.len(), |p| i + p + 1)
}

/// Block comments nest in Rust.
fn skip_block_comment(chars: &[char], i: usize) -> usize {
    let mut depth = 0;
    let mut j = i;
    while j < chars.len() {
        match (chars[j], chars.get(j + 1)) {
            ('/', Some('*')) => {
                depth += 1;
                j += 2;
            }
            ('*', Some('/')) => {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    j
}

/// Skips a string whose opening quote is just before `i`, honouring escapes.
fn skip_string(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// For `r"`, `r#"`, `br##"`…: the position of the opening quote and the number of hashes.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
        if chars.get(j) == Some(&'"') {
            return Some((j, usize::MAX)); // a plain byte string
        }
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    (chars.get(j + hashes) == Some(&'"')).then_some((j + hashes, hashes))
}

fn skip_raw_string(chars: &[char], (quote, hashes): (usize, usize)) -> usize {
    if hashes == usize::MAX {
        return skip_string(chars, quote + 1);
    }
    let mut j = quote + 1;
    while j < chars.len() {
        if chars[j] == '"'
            && chars[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return j + 1 + hashes;
        }
        j += 1;
    }
    j
}

/// Skips a character literal (`'a'`, `'\n'`, `'\u{7b}'`), or just the quote of a lifetime.
fn skip_char(chars: &[char], i: usize) -> usize {
    match (chars.get(i + 1), chars.get(i + 2)) {
        (Some('\\'), _) => {
            let mut j = i + 2;
            while j < chars.len() && chars[j] != '\'' {
                j += 1;
            }
            j + 1
        }
        (Some(_), Some('\'')) => i + 3,
        _ => i + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_blocks_pass_whatever_their_strings_and_comments_hold() {
        for code in [
            "let a = [1, 2]; let f = |x: i32| { x + 1 };",
            "let s = \"}{\"; let c = '}'; let d = '\\'';",
            "let r = r#\"}\"# ; let b = b\"{\"; let br = br##\"\")\"##;",
            "// } closes nothing\n/* { /* nested } */ ( */ let x = 1;",
            "fn f<'a>(x: &'a str) -> &'a str { x }",
            "if total > 0 { return Ok(()); }",
            "let number = 1; let br = 2; let r = (br, number);",
        ] {
            assert_eq!(check(code), None, "{code}");
        }
    }

    #[test]
    fn a_block_that_closes_the_function_is_caught_where_it_does() {
        let b = check("let x = 1;\nOk(())\n}\nfn detour() -> R {\n").unwrap();
        assert_eq!((b.line, b.column), (3, 1));
        assert!(b.message.contains("closes a `}`"), "{}", b.message);
        let b = check("fn open() {\n  let x = (1;\n").unwrap();
        assert_eq!((b.line, b.column), (1, 11));
        assert!(b.message.contains("opens a `{`"), "{}", b.message);
        assert_eq!(check("let v = vec![1, 2);").unwrap().column, 18);
    }
}
