//! The detailed barème of a question, as data next to it:
//!
//! ```text
//! {{#rubric}}
//! - 1 : la longueur de la séquence, 200 (la largeur de l'image).
//! - 1 : la taille du plongement, 100 (sa hauteur).
//! - accepté : many-to-one, si la réponse parle de la génération.
//! {{#/rubric}}
//! ```
//!
//! Each item starts with the points of a part (`1`, `0,5`) or with `accepté` (`accepted`)
//! for an answer to accept besides the expected one, then ` : ` and the text. The parts of a
//! question must add up to its points: the build checks it. A rubric is the corrigé's, like an
//! answer; the corrigé shows it in a labelled box.

use crate::syntax::Points;
use std::ops::Range;

/// One item of a rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The points of the part; `None` for an accepted alternative.
    pub points: Option<Points>,
    /// The byte range, in the page, of the item's head (`1 :`, `accepté :`).
    pub head: Range<usize>,
}

const ACCEPTED: &[&str] = &["accepté", "acceptée", "accepted"];

/// Reads the items of the rubric whose inside is `source[inner]`. An error names the byte
/// range of the line that is not an item.
pub fn parse(source: &str, inner: Range<usize>) -> Result<Vec<Part>, (String, Range<usize>)> {
    let mut parts = Vec::new();
    let mut at = inner.start;
    for line in source[inner.clone()].split_inclusive('\n') {
        let start = at;
        at += line.len();
        let text = line.trim_end();
        let body = text.trim_start_matches(['>', ' ', '\t']);
        if body.is_empty() {
            continue;
        }
        let indent = text.len() - body.len();
        let Some(item) = body.strip_prefix("- ").or_else(|| body.strip_prefix("* ")) else {
            if indent >= 2 && !parts.is_empty() {
                continue; // the item's text goes on
            }
            return Err((
                "a rubric is a list of `- POINTS : text` (or `- accepté : text`) items".into(),
                start..start + text.len(),
            ));
        };
        let head_start = start + indent + 2;
        let Some((head, _)) = item.split_once(':') else {
            return Err((
                "this item has no `:` after its points (write `- 1 : text`)".into(),
                start..start + text.len(),
            ));
        };
        let word = head.trim();
        let points = if ACCEPTED.contains(&word.to_lowercase().as_str()) {
            None
        } else {
            let points = Points::parse(word).map_err(|e| (e, start..start + text.len()))?;
            Some(points)
        };
        parts.push(Part {
            points,
            head: head_start..head_start + head.len() + 1,
        });
    }
    if parts.is_empty() {
        return Err(("this rubric has no item".into(), inner));
    }
    Ok(parts)
}

/// The points of the parts together.
pub fn sum(parts: &[Part]) -> Points {
    parts.iter().filter_map(|p| p.points).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_accepted_answers() {
        let src = "X\n- 1 : longueur\n  suite du texte\n- 0,5 : plongement\n- accepté : autre\n";
        let parts = parse(src, 2..src.len()).expect("a rubric");
        assert_eq!(parts.len(), 3);
        assert_eq!(sum(&parts), Points(1500));
        assert_eq!(&src[parts[0].head.clone()], "1 :");
        assert_eq!(&src[parts[2].head.clone()], "accepté :");
        assert_eq!(parts[2].points, None);
    }

    #[test]
    fn what_is_not_an_item_is_refused_with_its_line() {
        let src = "- 1 : a\nTexte libre\n";
        let (message, range) = parse(src, 0..src.len()).expect_err("not an item");
        assert!(message.contains("a list of"), "{message}");
        assert_eq!(&src[range], "Texte libre");
        let src = "- un : a\n";
        let (message, _) = parse(src, 0..src.len()).expect_err("bad points");
        assert!(
            message.contains("`un` is not a number of points"),
            "{message}"
        );
        assert!(parse("\n", 0..1).is_err());
    }
}
