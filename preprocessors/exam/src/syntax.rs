//! The arguments of the exam directives: `{{#question 3 points=1,5 title="…"}}`,
//! `{{#note title="…"}}`, and the argument-less ones.
//!
//! Arguments are a positional number then `key=value` pairs separated by spaces; a value with
//! spaces is quoted (`title="Deux mots"`, `\"` for a quote inside). Anything else — an unknown
//! key, a repeated key, a malformed number — is an error rather than a silent default, because
//! the book author writes against this syntax and a typo must not change the barème.

use common::args::{tokenize, Arg as Token};
use std::fmt;

/// Points of a question, in thousandths so that sums of decimal points (`1,5`) are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Points(pub u64);

impl Points {
    /// Parses `2`, `1.5` or `1,5` (at most three decimals, positive).
    pub fn parse(text: &str) -> Result<Points, String> {
        let bad = || format!("`{text}` is not a number of points (write 2, 1.5 or 1,5)");
        let (whole, frac) = match text.split_once(['.', ',']) {
            Some((w, f)) => (w, f),
            None => (text, ""),
        };
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty()
            || !digits(whole)
            || !digits(frac)
            || (text.len() > whole.len() && frac.is_empty())
        {
            return Err(bad());
        }
        if frac.len() > 3 {
            return Err(format!("`{text}`: points have at most three decimals"));
        }
        let whole: u64 = whole.parse().map_err(|_| bad())?;
        let frac: u64 = format!("{frac:0<3}").parse().map_err(|_| bad())?;
        let milli = whole
            .checked_mul(1000)
            .and_then(|w| w.checked_add(frac))
            .ok_or_else(bad)?;
        Ok(Points(milli))
    }

    /// Converts a number read from book.toml; `None` if it is not a non-negative multiple of
    /// a thousandth.
    pub fn from_f64(value: f64) -> Option<Points> {
        let milli = (value * 1000.0).round();
        let exact = (milli / 1000.0 - value).abs() < 1e-9;
        (value.is_finite() && value >= 0.0 && exact && milli < 1e15).then_some(Points(milli as u64))
    }

    /// The number as a reader writes it: `2`, `1,5` with a French comma, `1.5` otherwise.
    pub fn display(self, decimal: char) -> String {
        let whole = self.0 / 1000;
        let frac = self.0 % 1000;
        if frac == 0 {
            return whole.to_string();
        }
        let frac = format!("{frac:03}");
        format!("{whole}{decimal}{}", frac.trim_end_matches('0'))
    }

    /// French uses the plural from 2 on (« 1,5 point »), English for anything but 1.
    pub fn is_plural(self, french: bool) -> bool {
        if french {
            self.0 >= 2000
        } else {
            self.0 != 1000
        }
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display('.'))
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).fold(0, u64::saturating_add))
    }
}

/// The arguments of `{{#question N points=P title="…"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionArgs {
    /// The question's number.
    pub number: u32,
    /// What it is worth (`points=`).
    pub points: Points,
    /// Its title (`title="…"`), if any.
    pub title: Option<String>,
}

/// Parses the arguments of a question directive.
pub fn question(args: &str) -> Result<QuestionArgs, String> {
    let tokens = tokenize(args)?;
    let mut number = None;
    let mut points = None;
    let mut title = None;
    for token in tokens {
        match token {
            Token::Bare(word) if number.is_none() => {
                number = Some(parse_number(&word)?);
            }
            Token::Bare(word) => {
                return Err(format!(
                    "unexpected `{word}`: a question has one number, then key=value arguments"
                ))
            }
            Token::Pair(key, value) => match key.as_str() {
                "points" => {
                    if points.is_some() {
                        return Err("`points` is given twice".into());
                    }
                    let parsed = Points::parse(&value)?;
                    if parsed.0 == 0 {
                        return Err("a question is worth more than 0 points".into());
                    }
                    points = Some(parsed);
                }
                "title" => {
                    if title.is_some() {
                        return Err("`title` is given twice".into());
                    }
                    title = Some(value);
                }
                other => return Err(unknown(other, &["points", "title"])),
            },
        }
    }
    let number = number.ok_or("a question needs its number: `{{#question 3 points=2}}`")?;
    let points = points.ok_or("a question needs its points: `{{#question 3 points=2}}`")?;
    Ok(QuestionArgs {
        number,
        points,
        title: title.filter(|t| !t.trim().is_empty()),
    })
}

/// Parses the arguments of a directive that takes only an optional `title` (`note`).
pub fn title_only(args: &str) -> Result<Option<String>, String> {
    let mut title = None;
    for token in tokenize(args)? {
        match token {
            Token::Pair(key, value) if key == "title" && title.is_none() => title = Some(value),
            Token::Pair(key, _) if key == "title" => return Err("`title` is given twice".into()),
            Token::Pair(key, _) => return Err(unknown(&key, &["title"])),
            Token::Bare(word) => return Err(format!("unexpected `{word}`: write title=\"…\"")),
        }
    }
    Ok(title.filter(|t| !t.trim().is_empty()))
}

/// Checks that a directive without arguments (`answer`, `bareme`, …) got none.
pub fn none(args: &str) -> Result<(), String> {
    if args.trim().is_empty() {
        Ok(())
    } else {
        Err(format!(
            "this directive takes no arguments, found `{}`",
            args.trim()
        ))
    }
}

fn parse_number(word: &str) -> Result<u32, String> {
    match word.parse::<u32>() {
        Ok(0) => Err("questions are numbered from 1".into()),
        Ok(n) if word.chars().all(|c| c.is_ascii_digit()) => Ok(n),
        _ => Err(format!(
            "`{word}` is not a question number (a whole number from 1)"
        )),
    }
}

fn unknown(key: &str, known: &[&str]) -> String {
    format!("unknown argument `{key}` (known: {})", known.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_accept_both_decimal_separators_and_add_exactly() {
        assert_eq!(Points::parse("1,5"), Points::parse("1.5"));
        assert_eq!(Points::parse("2").map(|p| p.0), Ok(2000));
        let sum: Points = ["0.1", "0.2", "0,7"]
            .iter()
            .filter_map(|p| Points::parse(p).ok())
            .sum();
        assert_eq!(sum, Points(1000));
        assert_eq!(Points(1500).display(','), "1,5");
        assert_eq!(Points(20_000).display(','), "20");
    }

    #[test]
    fn malformed_points_are_refused() {
        for bad in ["abc", "", "1.", ".5", "-1", "1.2345", "1,5,2", "1e3"] {
            assert!(Points::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn plural_follows_the_language() {
        assert!(!Points(1500).is_plural(true));
        assert!(Points(1500).is_plural(false));
        assert!(Points(2000).is_plural(true));
        assert!(!Points(1000).is_plural(false));
    }

    #[test]
    fn a_question_with_title_and_decimal_points() {
        let q = question(r#"4 points=1,5 title="La \"température\" T""#).expect("parses");
        assert_eq!(q.number, 4);
        assert_eq!(q.points, Points(1500));
        assert_eq!(q.title.as_deref(), Some("La \"température\" T"));
    }

    #[test]
    fn question_errors_name_the_problem() {
        let err = |args: &str| question(args).expect_err(args);
        assert!(err("1 points=abc").contains("`abc` is not a number"));
        assert!(err("1 pts=2").contains("unknown argument `pts`"));
        assert!(err("points=2").contains("needs its number"));
        assert!(err("2").contains("needs its points"));
        assert!(err("0 points=1").contains("from 1"));
        assert!(err("x points=1").contains("not a question number"));
        assert!(err("1 2 points=1").contains("unexpected `2`"));
        assert!(err("1 points=1 points=2").contains("twice"));
        assert!(err("1 points=1 title=\"open").contains("not closed"));
        assert!(err("1 points=0").contains("more than 0"));
    }

    #[test]
    fn other_directives() {
        assert_eq!(
            title_only(r#"title="Convention""#),
            Ok(Some("Convention".into()))
        );
        assert_eq!(title_only(""), Ok(None));
        assert!(title_only("kind=x").is_err());
        assert!(none("").is_ok());
        assert!(none("1").is_err());
    }
}
