//! The rules of French typography, applied to one run of prose.
//!
//! A run is text as the reader sees it (no code, math or markup: [`crate::prose`] finds the
//! runs). Each rule only turns an ordinary space into a no-break one, inserts one where none
//! was typed, or curls an apostrophe, so a run never loses a visible character, and a run
//! already typeset is left as it is (the rules are idempotent).

/// NARROW NO-BREAK SPACE, before `;`, `!` and `?`.
pub const NNBSP: char = '\u{202F}';
/// NO-BREAK SPACE, before `:`, inside « », between a number and its unit.
pub const NBSP: char = '\u{A0}';

/// Units written after a number, which must not wrap away from it.
const UNITS: &[&str] = &[
    "%", "‰", "€", "$", "°C", "°", "h", "min", "s", "ms", "µs", "ns", "Hz", "kHz", "MHz", "GHz",
    "dB", "px", "pt", "cm", "mm", "m", "km", "g", "kg", "o", "Ko", "Mo", "Go", "To", "kB", "MB",
    "GB", "points", "point", "pts", "pt", "Go/s", "Mo/s",
];

/// What [`typeset`] changed in a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// No-break spaces put in place of an ordinary space or inserted.
    pub spaces: usize,
    /// Straight apostrophes curled.
    pub apostrophes: usize,
    /// Chapters left as written because typesetting would have changed their code or math
    /// (see [`crate::french`]); the rules are meant to keep this at 0.
    pub kept: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.spaces += other.spaces;
        self.apostrophes += other.apostrophes;
        self.kept += other.kept;
    }
}

/// Typesets `run`, whose neighbours in the source are `before` (the character just before the
/// run, if any) and `after` (just after it). Returns the new text and what changed.
///
/// ```
/// use coursebook_typography::rules::typeset;
/// let (text, counts) = typeset("Pourquoi ? Voici : « oui » à 30 %.", None, None);
/// assert_eq!(text, "Pourquoi\u{202F}? Voici\u{A0}: «\u{A0}oui\u{A0}» à 30\u{A0}%.");
/// assert_eq!(counts.spaces, 5);
/// ```
pub fn typeset(run: &str, before: Option<char>, after: Option<char>) -> (String, Counts) {
    let chars: Vec<char> = run.chars().collect();
    let mut out = String::with_capacity(run.len() + 8);
    let mut counts = Counts::default();
    let skip = untouchable(&chars);
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i == 0 { before } else { Some(chars[i - 1]) };
        let next = chars.get(i + 1).copied().or(after);
        // Next to a `$`, whitespace decides what is math: leave it as typed.
        if skip[i] || prev == Some('$') || next == Some('$') {
            out.push(c);
            continue;
        }
        // A space that a rule turns into a no-break one.
        if c == ' ' {
            if let Some(space) = space_kind(&chars, i, prev, next) {
                out.push(space);
                counts.spaces += 1;
                continue;
            }
        }
        // A no-break space that a rule wants before `c`, where none was typed.
        if let Some(space) = missing_before(c, prev, next) {
            out.push(space);
            counts.spaces += 1;
        }
        if c == '\''
            && prev.is_some_and(char::is_alphabetic)
            && next.is_some_and(char::is_alphabetic)
        {
            out.push('’');
            counts.apostrophes += 1;
            continue;
        }
        out.push(c);
        // « then a letter: the no-break space inside the guillemet.
        if c == '«' && next.is_some_and(|n| !n.is_whitespace()) {
            out.push(NBSP);
            counts.spaces += 1;
        }
    }
    (out, counts)
}

/// The no-break space that the ordinary space at `i` must become, if any.
fn space_kind(chars: &[char], i: usize, prev: Option<char>, next: Option<char>) -> Option<char> {
    let next = next?;
    match next {
        ';' | '!' | '?' if !matches!(chars.get(i + 2), Some(c) if c.is_alphanumeric()) => {
            Some(NNBSP)
        }
        ':' if !matches!(chars.get(i + 2), Some(':' | '/')) => Some(NBSP),
        '»' => Some(NBSP),
        _ if prev == Some('«') => Some(NBSP),
        _ if prev.is_some_and(|p| p.is_ascii_digit()) && unit_at(chars, i + 1) => Some(NBSP),
        _ => None,
    }
}

/// The no-break space to insert before `c` when the author typed none.
fn missing_before(c: char, prev: Option<char>, next: Option<char>) -> Option<char> {
    let prev = prev?;
    let word_before = prev.is_alphanumeric() || matches!(prev, ')' | ']' | '*' | '_' | '’' | '"');
    let ends_clause =
        next.is_none_or(|n| n.is_whitespace() || matches!(n, ')' | ']' | '»' | '*' | '_'));
    match c {
        // `?!` and `!!` keep together; `a;b` and `x!` inside a word are not prose punctuation.
        ';' | '!' | '?' if word_before && ends_clause => Some(NNBSP),
        // `10:30`, `1:2` and `a:b` are not a colon of prose.
        ':' if word_before && ends_clause && !prev.is_ascii_digit() => Some(NBSP),
        '»' if !prev.is_whitespace() && prev != '«' => Some(NBSP),
        _ => None,
    }
}

/// Whether a unit (followed by the end of the word) starts at `i`.
fn unit_at(chars: &[char], i: usize) -> bool {
    UNITS.iter().any(|unit| {
        let n = unit.chars().count();
        chars.len() >= i + n
            && chars[i..i + n].iter().copied().eq(unit.chars())
            && chars.get(i + n).is_none_or(|c| !c.is_alphanumeric())
    })
}

/// Marks what is left as typed: URL-like words (`https://…`, `www.…`, `a@b.c`) and character
/// references (`&#91;`, `&amp;`), whose `;` is not punctuation.
fn untouchable(chars: &[char]) -> Vec<bool> {
    let mut skip = vec![false; chars.len()];
    for (i, _) in chars.iter().enumerate().filter(|(_, &c)| c == '&') {
        let name = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
            .count();
        if name > 0 && chars.get(i + 1 + name) == Some(&';') {
            skip[i..=i + 1 + name].iter_mut().for_each(|s| *s = true);
        }
    }
    let mut start = 0;
    for end in 0..=chars.len() {
        if end == chars.len() || chars[end].is_whitespace() {
            let word: String = chars[start..end].iter().collect();
            if word.contains("://") || word.starts_with("www.") || word.contains('@') {
                skip[start..end].iter_mut().for_each(|s| *s = true);
            }
            start = end + 1;
        }
    }
    skip
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> String {
        typeset(s, None, None).0
    }

    #[test]
    fn high_punctuation_gets_a_narrow_no_break_space() {
        assert_eq!(t("many-to-many ?"), "many-to-many\u{202F}?");
        assert_eq!(t("Vrai!"), "Vrai\u{202F}!");
        assert_eq!(t("a ; b"), "a\u{202F}; b");
        assert_eq!(t("Quoi ?!"), "Quoi\u{202F}?!");
    }

    #[test]
    fn colon_guillemets_and_units_get_a_no_break_space() {
        assert_eq!(t("Réponse : 82"), "Réponse\u{A0}: 82");
        assert_eq!(t("Note: oui"), "Note\u{A0}: oui");
        assert_eq!(t("«oui»"), "«\u{A0}oui\u{A0}»");
        assert_eq!(t("« oui »"), "«\u{A0}oui\u{A0}»");
        assert_eq!(t("30 % et 12 ms"), "30\u{A0}% et 12\u{A0}ms");
        assert_eq!(t("Examen de 2 points."), "Examen de 2\u{A0}points.");
    }

    #[test]
    fn what_is_not_prose_punctuation_stays() {
        for s in [
            "10:30",
            "ratio 1:2",
            "voir https://exemple.fr/a?b=1;c",
            "a::b",
            "x!=y",
            "2 ms?x",
            "Il a 3 sœurs",
            "a &amp; b",
            "&#91;1&#93;",
        ] {
            assert_eq!(t(s), s.replace("2 ms", "2\u{A0}ms"), "{s}");
        }
    }

    #[test]
    fn list_separators_get_their_space_and_references_stay_whole() {
        assert_eq!(t("&#91;0,46; 0,17&#93;"), "&#91;0,46\u{202F}; 0,17&#93;");
    }

    #[test]
    fn apostrophes_between_letters_curl() {
        assert_eq!(t("l'attention d'un modèle"), "l’attention d’un modèle");
        assert_eq!(t("'cité'"), "'cité'");
    }

    #[test]
    fn typesetting_twice_changes_nothing_more() {
        for s in ["Pourquoi ? « oui » : 30 % !", "«a»;b", "x ? y:z ! « »"] {
            let once = t(s);
            assert_eq!(t(&once), once, "{s:?}");
        }
    }
}
