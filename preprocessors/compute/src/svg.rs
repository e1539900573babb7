//! The SVG a page may show inline: figures are held to an allow-list before the compute stage
//! puts them in a page. It lives in the stage, not in the runtime a book's program links, so
//! that the runtime keeps no dependency a book would have to download.

/// The SVG markup a page may show inline for `markup`, or why it may not.
///
/// The markup is parsed as XML, so that entities are decoded before anything is tested
/// (`jav&#x61;script:` is `javascript:`), then held to an allow-list: SVG's drawing elements
/// (no `<script>`, `<foreignObject>`, animation, or anything else), their geometric and
/// presentation attributes (no `on…` handler), links only to a fragment, a relative file or
/// a web page, images only from a fragment, a relative file or a raster `data:` URL, and CSS
/// (`style`) that fetches nothing. What is refused is named in the message. Elements and
/// attributes of other namespaces (an editor's metadata, such as Inkscape's) are dropped.
///
/// What passes is written anew from the parsed tree, not copied: the page gets exactly what
/// was checked, whatever an HTML parser would have made of the original, with every `{`
/// escaped so that no text of a figure reads as a directive.
///
/// ```
/// use coursebook_compute::svg::sanitized_svg;
/// let svg = sanitized_svg(r#"<svg viewBox="0 0 9 9"><circle r="4" fill="currentColor"/></svg>"#);
/// assert_eq!(
///     svg.unwrap(),
///     r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><circle r="4" fill="currentColor"/></svg>"#
/// );
/// assert!(sanitized_svg(r#"<svg><a href="jav&#x61;script:alert(1)"/></svg>"#).is_err());
/// ```
pub fn sanitized_svg(markup: &str) -> Result<String, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: 1_000_000,
        ..Default::default()
    };
    let document = roxmltree::Document::parse_with_options(markup, options)
        .map_err(|e| format!("not well-formed SVG: {e}"))?;
    let root = document.root_element();
    if !is_svg(root) || root.tag_name().name() != "svg" {
        return Err(format!(
            "not SVG: its root element is <{}>",
            root.tag_name().name()
        ));
    }
    let mut out = String::with_capacity(markup.len());
    write_element(root, &mut out)?;
    // The namespaces, so that the figure is a standalone SVG file too (copied, printed).
    let uses_xlink = document
        .descendants()
        .any(|n| n.attributes().any(|a| a.namespace() == Some(XLINK_NS)));
    let declarations = if uses_xlink {
        format!(" xmlns=\"{SVG_NS}\" xmlns:xlink=\"{XLINK_NS}\"")
    } else {
        format!(" xmlns=\"{SVG_NS}\"")
    };
    out.insert_str("<svg".len(), &declarations);
    Ok(out)
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// SVG's drawing vocabulary: shapes, text, structure, paint servers, clipping, masking and
/// filters. Not `script`, `foreignObject` (HTML inside), `animate`/`set` (which can rewrite
/// an `href` into a script), nor `iframe`, `video`, `audio`, `handler`, `listener`.
const ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "defs",
    "symbol",
    "use",
    "title",
    "desc",
    "metadata",
    "switch",
    "view",
    "style",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "textPath",
    "a",
    "image",
    "marker",
    "clipPath",
    "mask",
    "pattern",
    "linearGradient",
    "radialGradient",
    "stop",
    "filter",
    "feBlend",
    "feColorMatrix",
    "feComponentTransfer",
    "feComposite",
    "feConvolveMatrix",
    "feDiffuseLighting",
    "feDisplacementMap",
    "feDistantLight",
    "feDropShadow",
    "feFlood",
    "feFuncA",
    "feFuncB",
    "feFuncG",
    "feFuncR",
    "feGaussianBlur",
    "feImage",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feOffset",
    "fePointLight",
    "feSpecularLighting",
    "feSpotLight",
    "feTile",
    "feTurbulence",
];

/// Attributes that place, shape, paint or describe: nothing that runs or fetches (the URLs of
/// `href` and the `url(…)` of CSS values are checked apart).
const ATTRIBUTES: &[&str] = &[
    // core and accessibility
    "id",
    "class",
    "style",
    "lang",
    "tabindex",
    "role",
    "focusable",
    "version",
    "baseProfile",
    "requiredExtensions",
    "systemLanguage",
    "href",
    "target",
    // geometry
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "fr",
    "width",
    "height",
    "d",
    "points",
    "pathLength",
    "transform",
    "viewBox",
    "preserveAspectRatio",
    "dx",
    "dy",
    "rotate",
    "textLength",
    "lengthAdjust",
    "startOffset",
    "method",
    "spacing",
    "side",
    "path",
    "refX",
    "refY",
    "markerWidth",
    "markerHeight",
    "markerUnits",
    "orient",
    "patternUnits",
    "patternContentUnits",
    "patternTransform",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "offset",
    "clipPathUnits",
    "maskUnits",
    "maskContentUnits",
    "filterUnits",
    "primitiveUnits",
    "zoomAndPan",
    // filters
    "in",
    "in2",
    "result",
    "stdDeviation",
    "mode",
    "operator",
    "k1",
    "k2",
    "k3",
    "k4",
    "values",
    "type",
    "tableValues",
    "slope",
    "intercept",
    "amplitude",
    "exponent",
    "scale",
    "xChannelSelector",
    "yChannelSelector",
    "radius",
    "baseFrequency",
    "numOctaves",
    "seed",
    "stitchTiles",
    "kernelMatrix",
    "order",
    "divisor",
    "bias",
    "targetX",
    "targetY",
    "edgeMode",
    "preserveAlpha",
    "surfaceScale",
    "diffuseConstant",
    "specularConstant",
    "specularExponent",
    "kernelUnitLength",
    "azimuth",
    "elevation",
    "z",
    "pointsAtX",
    "pointsAtY",
    "pointsAtZ",
    "limitingConeAngle",
    "crossorigin",
    // presentation
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "opacity",
    "color",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "font-variant",
    "font-stretch",
    "font-size-adjust",
    "text-anchor",
    "dominant-baseline",
    "alignment-baseline",
    "baseline-shift",
    "text-decoration",
    "letter-spacing",
    "word-spacing",
    "writing-mode",
    "direction",
    "unicode-bidi",
    "visibility",
    "display",
    "overflow",
    "clip",
    "clip-path",
    "clip-rule",
    "mask",
    "filter",
    "marker-start",
    "marker-mid",
    "marker-end",
    "stop-color",
    "stop-opacity",
    "flood-color",
    "flood-opacity",
    "lighting-color",
    "shape-rendering",
    "text-rendering",
    "image-rendering",
    "color-interpolation",
    "color-interpolation-filters",
    "color-rendering",
    "vector-effect",
    "paint-order",
    "pointer-events",
    "cursor",
    "transform-origin",
    "mix-blend-mode",
    "isolation",
    "enable-background",
];

fn is_svg(node: roxmltree::Node) -> bool {
    matches!(node.tag_name().namespace(), None | Some(SVG_NS))
}

fn write_element(node: roxmltree::Node, out: &mut String) -> Result<(), String> {
    let name = node.tag_name().name();
    if !ELEMENTS.contains(&name) {
        return Err(format!("element <{name}> is not allowed in a figure"));
    }
    out.push('<');
    out.push_str(name);
    for attribute in node.attributes() {
        let written = match attribute.namespace() {
            None => attribute.name().to_owned(),
            Some(XLINK_NS) => format!("xlink:{}", attribute.name()),
            Some(XML_NS) => format!("xml:{}", attribute.name()),
            Some(_) => continue, // an editor's metadata
        };
        check_attribute(name, &written, attribute.value())?;
        out.push_str(&format!(" {written}=\"{}\"", escape_xml(attribute.value())));
    }
    let mut children = String::new();
    for child in node.children() {
        if child.is_element() && is_svg(child) {
            write_element(child, &mut children)?;
        } else if child.is_text() {
            let text = child.text().unwrap_or("");
            if name == "style" {
                check_css(name, "its style sheet", text)?;
            }
            children.push_str(&escape_xml(text));
        }
        // Comments, processing instructions and foreign elements are dropped.
    }
    if children.is_empty() {
        out.push_str("/>");
    } else {
        out.push('>');
        out.push_str(&children);
        out.push_str(&format!("</{name}>"));
    }
    Ok(())
}

fn check_attribute(element: &str, name: &str, value: &str) -> Result<(), String> {
    let local = name.rsplit(':').next().unwrap_or(name);
    let known = ATTRIBUTES.contains(&local)
        || name == "xml:space"
        || name == "xml:lang"
        || local.starts_with("aria-")
        || local.starts_with("data-");
    if local.to_ascii_lowercase().starts_with("on") || !known {
        return Err(format!(
            "attribute `{name}` on <{element}> is not allowed in a figure"
        ));
    }
    if local == "href" {
        check_url(element, name, value)?;
    }
    check_css(element, &format!("`{name}`"), value)
}

/// An `href` may point into the figure, at a relative file or, from a link, at a web page;
/// an image may also be a raster `data:` URL. Browsers ignore ASCII whitespace and control
/// characters inside a scheme, so they are dropped before the scheme is read.
fn check_url(element: &str, name: &str, value: &str) -> Result<(), String> {
    let url: String = value
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme = url
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.contains(['/', '?', '#']));
    let allowed = match scheme {
        None => true,
        Some("http" | "https" | "mailto") => element == "a",
        Some("data") => {
            matches!(element, "image" | "feImage")
                && ["png", "jpeg", "gif", "webp"]
                    .iter()
                    .any(|kind| url.starts_with(&format!("data:image/{kind};")))
        }
        Some(_) => false,
    };
    if allowed {
        Ok(())
    } else {
        let scheme = scheme.unwrap_or_default();
        Err(format!(
            "`{name}` on <{element}> holds a `{scheme}:` address, which a figure may not"
        ))
    }
}

/// CSS in a figure applies to the whole page: it may not fetch anything (`url(…)` other than
/// a fragment, `@import`) nor run anything (`expression(…)`, `javascript:`).
fn check_css(element: &str, what: &str, css: &str) -> Result<(), String> {
    let lower: String = css
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\\')
        .collect::<String>()
        .to_ascii_lowercase();
    let remote_url = lower.match_indices("url(").any(|(i, _)| {
        let target = lower[i + 4..].trim_start_matches(['"', '\'']);
        !target.starts_with('#')
    });
    if remote_url
        || lower.contains("@import")
        || lower.contains("expression(")
        || lower.contains("javascript:")
    {
        return Err(format!(
            "{what} on <{element}> fetches or runs something (`url(…)` other than `#id`, \
             `@import`, `expression(…)` or `javascript:`), which a figure may not"
        ));
    }
    Ok(())
}

/// Escapes text and attribute values for the page: XML's five characters, and `{`.
fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '{' => out.push_str("&#123;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(markup: &str) -> String {
        sanitized_svg(markup).expect_err(markup)
    }

    #[test]
    fn scripts_handlers_and_script_addresses_are_refused_however_spelt() {
        assert!(refusal("<svg><rect/onmouseover=alert(1)></svg>").contains("not well-formed"));
        assert!(refusal(r#"<svg><rect onmouseover="alert(1)"/></svg>"#).contains("`onmouseover`"));
        assert!(refusal(r#"<svg><rect ONLOAD="x"/></svg>"#).contains("`ONLOAD`"));
        assert!(refusal("<svg><script>alert(1)</script></svg>").contains("<script>"));
        assert!(
            refusal(r#"<svg><a href="jav&#x61;script:alert(1)"/></svg>"#).contains("`javascript:`")
        );
        assert!(refusal("<svg><a href=\"java&#x09;script:x\"/></svg>").contains("`javascript:`"));
        let xlink = r#"<svg xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href=" JavaScript:x"/></svg>"#;
        assert!(refusal(xlink).contains("`javascript:`"));
        let entity = r#"<!DOCTYPE svg [<!ENTITY j "javascript">]><svg><a href="&j;:x"/></svg>"#;
        assert!(refusal(entity).contains("`javascript:`"));
        assert!(refusal("<svg><foreignObject/></svg>").contains("<foreignObject>"));
        let animate = r#"<svg><a><animate attributeName="href" to="javascript:x"/></a></svg>"#;
        assert!(refusal(animate).contains("<animate>"));
        assert!(
            refusal(r#"<svg><image href="data:image/svg+xml;base64,AAAA"/></svg>"#)
                .contains("`data:`")
        );
        assert!(
            refusal(r#"<svg><rect style="fill:url(https://x.org/a)"/></svg>"#).contains("fetches")
        );
        assert!(refusal("<svg><style>@import 'x.css';</style></svg>").contains("fetches"));
        assert!(refusal("<html/>").contains("not SVG"));
    }

    #[test]
    fn drawings_pass_written_anew_without_comments_or_editor_metadata() {
        let svg = r##"<?xml version="1.0"?>
<!-- drawn by hand -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10" inkscape:version="1.2"><defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs><rect width="5" height="5" fill="url(#g)" style="stroke:currentColor"/><!-- note --><inkscape:grid/><use xlink:href="#g"/><a href="https://example.org/"><text x="1">a &lt; b {{#/answer}}</text></a><image href="data:image/png;base64,iVBORw=="/></svg>"##;
        assert_eq!(
            sanitized_svg(svg).unwrap(),
            r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs><rect width="5" height="5" fill="url(#g)" style="stroke:currentColor"/><use xlink:href="#g"/><a href="https://example.org/"><text x="1">a &lt; b &#123;&#123;#/answer}}</text></a><image href="data:image/png;base64,iVBORw=="/></svg>"##
        );
    }
}
