//! Diagrams of the exam's figures, drawn as SVG ([`crate::svg`]) from the computations they
//! illustrate.
//!
//! - Figure 2, [`char_model`]: a character-level LSTM reading `"Hello "` and predicting
//!   `"ello w"`;
//! - Figure 6, [`multi_head_attention`]: a multi-head attention layer, each dense block
//!   labelled with its parameter count from [`MultiHeadAttention::parameters`];
//! - Figure 7, [`architectures`]: the three Transformer architectures, drawn from one
//!   description ([`exam_architectures`]), with the attention masks from [`causal_mask`] and
//!   [`full_mask`];
//! - Figure 8, [`mixmatch_pipeline`]: MixMatch's label guessing on computed predictions, with or
//!   without the four ideas of semi-supervised learning placed on it.

use crate::attention::{causal_mask, full_mask};
use crate::figure::Figure;
use crate::mixmatch::{average, sharpen};
use crate::params::MultiHeadAttention;
use crate::svg::{fr, Anchor, Svg};
use crate::terms;
use ndarray::{Array1, Array2};

/// Shows a space as `␣` so that it can be seen in a box.
fn visible_char(c: char) -> String {
    if c == ' ' {
        "␣".into()
    } else {
        c.to_string()
    }
}

/// Figure 2: a character-level LSTM unrolled over `input`, trained to output `target` (the
/// input shifted by one character, from [`shift_for_next_char`](crate::sequence::shift_for_next_char)).
/// Input characters at the bottom, one LSTM cell per time step passing its state to the
/// right, the predicted characters on top. Spaces are drawn as `␣`.
///
/// # Panics
/// If `input` and `target` do not have the same number of characters, or are empty.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let (x, y) = shift_for_next_char("Hello w");
/// let fig = char_model(&x, &y);
/// assert_eq!(fig.data.matches(">LSTM</text>").count(), 6);
/// ```
pub fn char_model(input: &str, target: &str) -> Figure {
    let xs: Vec<char> = input.chars().collect();
    let ys: Vec<char> = target.chars().collect();
    assert!(
        !xs.is_empty() && xs.len() == ys.len(),
        "char_model: input and target must have the same, non-zero length ({} and {})",
        xs.len(),
        ys.len()
    );
    let (left, step, cell_w) = (150.0, 92.0, 64.0);
    let width = left + step * xs.len() as f64 + 10.0;
    let mut svg = Svg::new(width, 270.0);
    let (y_out, y_cell, y_in) = (20.0, 105.0, 210.0);
    svg.text(
        10.0,
        y_out + 20.0,
        "sortie attendue\n(caractère suivant)",
        13.0,
        Anchor::Start,
    );
    svg.text(
        10.0,
        y_cell + 25.0,
        "cellules LSTM\n(mêmes poids)",
        13.0,
        Anchor::Start,
    );
    svg.text(
        10.0,
        y_in + 20.0,
        "entrée\n(un caractère par pas)",
        13.0,
        Anchor::Start,
    );
    for (t, (&x, &y)) in xs.iter().zip(&ys).enumerate() {
        let cx = left + step * t as f64 + cell_w / 2.0;
        let x0 = cx - cell_w / 2.0;
        svg.boxed(
            x0 + 10.0,
            y_out,
            cell_w - 20.0,
            40.0,
            &visible_char(y),
            Some(0),
        );
        svg.boxed(x0, y_cell, cell_w, 50.0, "LSTM", Some(1));
        svg.boxed(
            x0 + 10.0,
            y_in,
            cell_w - 20.0,
            40.0,
            &visible_char(x),
            Some(2),
        );
        svg.arrow(cx, y_in, cx, y_cell + 50.0);
        svg.arrow(cx, y_cell, cx, y_out + 40.0);
        svg.text(
            cx,
            y_in + 52.0,
            &format!("t = {}", t + 1),
            11.0,
            Anchor::Middle,
        );
        if t + 1 < xs.len() {
            svg.arrow(x0 + cell_w, y_cell + 25.0, x0 + step, y_cell + 25.0);
        }
    }
    svg.finish(&format!(
        "{} caractère par caractère : {} déroulé sur {} pas lit « {} » et doit prédire à chaque pas le caractère suivant, soit « {} ».",
        terms::capitalised(terms::LANGUAGE_MODEL),
        terms::AN_LSTM,
        xs.len(),
        input,
        target
    ))
}

/// Figure 6: a multi-head attention layer. `X` (the input sequence) gives the keys `K` and
/// values `V` of every head, `Y` (the beginning of the output sequence) gives the queries
/// `Q`; each head attends, the heads' outputs are concatenated and go through the output dense
/// layer.
///
/// With `counted`, every dense block shows its size and its parameter count from
/// [`MultiHeadAttention::parameters`] (12 per projection and head, 10 for the output layer in
/// the exam), and the total is written below: the answer's figure. Without it, the figure
/// shows only what the statement gives (the projections' sizes), for the question itself: the
/// size of the output layer is a convention the answer chooses, and counts are the answer.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let fig = multi_head_attention(&MultiHeadAttention::exam(5, 2, 2), true);
/// assert_eq!(fig.data.matches("12 param.").count(), 6);
/// assert!(fig.data.contains("10 param."));
/// assert!(fig.data.contains("= 82 paramètres"));
/// let statement = multi_head_attention(&MultiHeadAttention::exam(5, 2, 2), false);
/// assert!(!statement.data.contains("param") && !statement.alt.contains("82"));
/// ```
pub fn multi_head_attention(mha: &MultiHeadAttention, counted: bool) -> Figure {
    let count = mha.parameters();
    let heads = mha.num_heads.max(1);
    let (box_w, gap, head_pad) = (92.0, 10.0, 14.0);
    let head_w = 3.0 * box_w + 2.0 * gap + 2.0 * head_pad;
    let left = 20.0;
    let width = left * 2.0 + heads as f64 * head_w + (heads - 1) as f64 * 20.0;
    let height = 560.0;
    let mut svg = Svg::new(width, height);
    let head_x = |h: usize| left + h as f64 * (head_w + 20.0);
    // Rows (top of each element).
    let (y_out, y_dense, y_concat, y_head, y_att, y_proj) =
        (14.0, 64.0, 140.0, 196.0, 222.0, 300.0);
    let (y_bus_x, y_bus_y, y_in) = (400.0, 430.0, 470.0);
    let center = width / 2.0;

    // Inputs.
    let x_in = (head_x(0) + 40.0, "X\n(séquence d’entrée)");
    let y_inp = (width - 40.0 - 150.0, "Y\n(début de la sortie)");
    for (x, label) in [x_in, y_inp] {
        svg.boxed(x, y_in, 150.0, 46.0, label, Some(2));
    }
    let k_of = |h: usize, j: usize| head_x(h) + head_pad + j as f64 * (box_w + gap) + box_w / 2.0;
    // Buses: X feeds K and V of every head, Y feeds Q.
    let x_mid = x_in.0 + 75.0;
    let y_mid = y_inp.0 + 75.0;
    let kv: Vec<f64> = (0..heads).flat_map(|h| [k_of(h, 0), k_of(h, 1)]).collect();
    let qs: Vec<f64> = (0..heads).map(|h| k_of(h, 2)).collect();
    let bus = |svg: &mut Svg, from: f64, y: f64, targets: &[f64]| {
        let lo = targets.iter().copied().fold(from, f64::min);
        let hi = targets.iter().copied().fold(from, f64::max);
        svg.line(from, y_in, from, y, false);
        svg.line(lo, y, hi, y, false);
        for &t in targets {
            svg.arrow(t, y, t, y_proj + 58.0);
        }
    };
    bus(&mut svg, x_mid, y_bus_x, &kv);
    bus(&mut svg, y_mid, y_bus_y, &qs);

    let per_value = count.value_projection;
    let concat = mha.concat_dim();
    for h in 0..heads {
        let hx = head_x(h);
        svg.rect(
            hx,
            y_head,
            head_w,
            y_proj + 58.0 + 14.0 - y_head,
            None,
            true,
        );
        svg.bold(
            hx + 10.0,
            y_head + 13.0,
            &format!("tête {}", h + 1),
            13.0,
            Anchor::Start,
        );
        let att_x = hx + head_w / 2.0 - 80.0;
        svg.boxed(att_x, y_att, 160.0, 40.0, "attention", Some(3));
        for (j, (name, out_dim, params)) in [
            ("K", mha.key_dim, count.per_projection),
            ("V", mha.value_dim, per_value),
            ("Q", mha.key_dim, count.per_projection),
        ]
        .into_iter()
        .enumerate()
        {
            let bx = k_of(h, j) - box_w / 2.0;
            let count = if counted {
                format!("\n{params} param.")
            } else {
                String::new()
            };
            svg.boxed(
                bx,
                y_proj,
                box_w,
                58.0,
                &format!("dense {name}\n{} → {out_dim}{count}", mha.input_dim),
                Some(1),
            );
            svg.arrow(
                k_of(h, j),
                y_proj,
                att_x + 30.0 + 50.0 * j as f64,
                y_att + 40.0,
            );
        }
        svg.arrow(hx + head_w / 2.0, y_att, center, y_concat + 36.0);
    }
    let concatenation = if counted {
        format!("concaténation ({heads} × {} = {concat})", mha.value_dim)
    } else {
        "concaténation des têtes".to_owned()
    };
    svg.boxed(center - 110.0, y_concat, 220.0, 36.0, &concatenation, None);
    match mha.output_dim {
        Some(d) => {
            // The statement's figure names the layer; the answer's adds its size and count.
            let label = if counted {
                format!("dense de sortie {concat} → {d}\n{} param.", count.output)
            } else {
                "dense de sortie".to_owned()
            };
            svg.arrow(center, y_concat, center, y_dense + 50.0);
            svg.boxed(center - 110.0, y_dense, 220.0, 50.0, &label, Some(0));
            svg.arrow(center, y_dense, center, y_out + 30.0);
        }
        None => svg.arrow(center, y_concat, center, y_out + 30.0),
    }
    svg.text(center, y_out + 14.0, "sortie", 13.0, Anchor::Middle);
    if !counted {
        return svg.finish(&format!(
            "Couche d’attention multi-têtes : X donne les clés K et les valeurs V, Y les requêtes Q, pour {heads} têtes ; chaque projection est une couche dense {} → {} ; les résultats des têtes sont concaténés puis passent par une couche dense de sortie.",
            mha.input_dim, mha.key_dim
        ));
    }
    svg.text(
        center,
        height - 20.0,
        &format!(
            "{heads} × ({} + {} + {}) + {} = {} paramètres",
            count.per_projection, per_value, count.per_projection, count.output, count.total
        ),
        14.0,
        Anchor::Middle,
    );
    svg.finish(&format!(
        "Couche d’attention multi-têtes : X donne les clés K et les valeurs V, Y les requêtes Q, pour {heads} têtes ; chaque projection dense {} → {} compte {} paramètres ; les têtes sont concaténées ({concat} valeurs) puis passent par une couche dense de sortie de {} paramètres ; total {}.",
        mha.input_dim, mha.key_dim, count.per_projection, count.output, count.total
    ))
}

/// A layer of a Transformer stack, for [`architectures`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// Self-attention; `masked` means a causal mask (each token sees only itself and the
    /// tokens before it), otherwise every token sees every token.
    SelfAttention {
        /// Whether a causal mask hides the tokens after each one.
        masked: bool,
    },
    /// Attention whose queries come from this stack and keys and values from the other stack
    /// (the encoder's output).
    CrossAttention,
    /// The position-wise feed-forward layer.
    FeedForward,
}

impl Layer {
    fn label(self) -> &'static str {
        match self {
            Layer::SelfAttention { masked: true } => "auto-attention\nmasquée",
            Layer::SelfAttention { masked: false } => "auto-attention",
            Layer::CrossAttention => "attention\n(K, V de l’encodeur)",
            Layer::FeedForward => "couche dense\n(feed-forward)",
        }
    }
}

/// One stack of identical blocks (repeated N times), read bottom to top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    /// What enters the stack (drawn below it).
    pub input: String,
    /// The layers of one block, bottom to top.
    pub layers: Vec<Layer>,
}

/// One architecture: one stack, or two (an encoder then a decoder whose
/// [`Layer::CrossAttention`] reads the encoder's output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Architecture {
    /// The name shown when names are asked for (it gives Q9's answer away).
    pub name: String,
    /// One or two stacks; with two, the first is the encoder.
    pub stacks: Vec<Stack>,
    /// What comes out (drawn above the last stack).
    pub output: String,
}

/// The three architectures of Figure 7, in the exam's order: 1. decoder only with masked
/// self-attention (GPT-like), 2. encoder only with full self-attention (BERT-like),
/// 3. encoder-decoder (the original Transformer, "Attention is all you need").
pub fn exam_architectures() -> Vec<Architecture> {
    let stack = |input: &str, layers: Vec<Layer>| Stack {
        input: input.into(),
        layers,
    };
    use Layer::*;
    vec![
        Architecture {
            name: "GPT (décodeur seul)".into(),
            stacks: vec![stack(
                terms::TOKENS,
                vec![SelfAttention { masked: true }, FeedForward],
            )],
            output: "sortie".into(),
        },
        Architecture {
            name: "BERT (encodeur seul)".into(),
            stacks: vec![stack(
                terms::TOKENS,
                vec![SelfAttention { masked: false }, FeedForward],
            )],
            output: "sortie".into(),
        },
        Architecture {
            name: "Transformer original\n(encodeur-décodeur)".into(),
            stacks: vec![
                stack("X", vec![SelfAttention { masked: false }, FeedForward]),
                stack(
                    "Y",
                    vec![SelfAttention { masked: true }, CrossAttention, FeedForward],
                ),
            ],
            output: "sortie".into(),
        },
    ]
}

/// Draws an attention mask as a small matrix (row = query position, column = key position),
/// visible cells filled, hidden cells empty. Returns the width drawn.
fn draw_mask(svg: &mut Svg, x: f64, y: f64, mask: &Array2<bool>, cell: f64) -> f64 {
    for ((i, j), &on) in mask.indexed_iter() {
        svg.cell(x + j as f64 * cell, y + i as f64 * cell, cell, on, 4);
    }
    mask.ncols() as f64 * cell
}

/// Figure 7: several Transformer architectures drawn side by side from one description (see
/// [`exam_architectures`]), numbered 1, 2, 3… in the order given. Next to each self-attention
/// layer, its mask as an `mask_size × mask_size` matrix ([`causal_mask`] when masked,
/// [`full_mask`] otherwise): a filled cell (row `i`, column `j`) means that token `i` sees
/// token `j`. With `names`, each architecture's name is written under its number (that is
/// Q9's answer: leave it out of the statement).
///
/// ```
/// use coursebook_calc::prelude::*;
/// let fig = architectures(&exam_architectures(), 4, false);
/// // 2 causal masks of 4·5/2 visible cells, 2 full masks of 16.
/// assert_eq!(fig.data.matches("cb-cell-on").count(), 2 * 10 + 2 * 16);
/// assert!(!fig.data.contains("GPT"));
/// ```
pub fn architectures(archs: &[Architecture], mask_size: usize, names: bool) -> Figure {
    let cell = 9.0;
    let mask_w = mask_size as f64 * cell;
    let (box_w, box_h, layer_gap) = (150.0, 44.0, 16.0);
    let stack_w = box_w + mask_w + 34.0;
    let col_gap = 30.0;
    let max_layers = archs
        .iter()
        .flat_map(|a| a.stacks.iter().map(|s| s.layers.len()))
        .max()
        .unwrap_or(1);
    let stack_h = max_layers as f64 * (box_h + layer_gap) + layer_gap + 10.0;
    let columns: usize = archs.iter().map(|a| a.stacks.len()).sum();
    let width = 20.0
        + columns as f64 * stack_w
        + (archs.len() as f64 - 1.0) * col_gap
        + (columns - archs.len()) as f64 * 20.0
        + 20.0;
    let top = 60.0;
    let stack_bottom = top + stack_h;
    let height = stack_bottom + 60.0 + if names { 60.0 } else { 30.0 };
    let mut svg = Svg::new(width, height);
    let mut x = 20.0;
    let mut alt = Vec::new();
    for (a, arch) in archs.iter().enumerate() {
        let arch_left = x;
        let mut tops = Vec::new();
        let mut cross_targets = Vec::new();
        for stack in &arch.stacks {
            let sx = x;
            svg.rect(sx, top, stack_w, stack_h, None, true);
            svg.text(sx + stack_w - 8.0, top + 12.0, "× N", 12.0, Anchor::End);
            let bx = sx + 12.0;
            let cx = bx + box_w / 2.0;
            svg.text(cx, stack_bottom + 40.0, &stack.input, 13.0, Anchor::Middle);
            svg.arrow(cx, stack_bottom + 30.0, cx, stack_bottom - layer_gap);
            for (l, layer) in stack.layers.iter().enumerate() {
                let by = stack_bottom - (l as f64 + 1.0) * (box_h + layer_gap);
                let fill = match layer {
                    Layer::SelfAttention { .. } | Layer::CrossAttention => 3,
                    Layer::FeedForward => 1,
                };
                svg.boxed(bx, by, box_w, box_h, layer.label(), Some(fill));
                if l + 1 < stack.layers.len() {
                    svg.arrow(cx, by, cx, by - layer_gap);
                }
                match layer {
                    Layer::SelfAttention { masked } => {
                        let mask = if *masked {
                            causal_mask(mask_size)
                        } else {
                            full_mask(mask_size)
                        };
                        draw_mask(
                            &mut svg,
                            bx + box_w + 10.0,
                            by + (box_h - mask_w) / 2.0,
                            &mask,
                            cell,
                        );
                    }
                    Layer::CrossAttention => cross_targets.push((bx, by + box_h / 2.0)),
                    Layer::FeedForward => {}
                }
            }
            let top_layer = stack_bottom - stack.layers.len() as f64 * (box_h + layer_gap);
            tops.push((cx, top_layer));
            x += stack_w + 20.0;
        }
        x += col_gap - 20.0;
        // Encoder → decoder: the encoder's output feeds the cross-attention.
        if let (Some(&(ex, ey)), Some(&(tx, ty))) = (tops.first(), cross_targets.first()) {
            if arch.stacks.len() > 1 {
                svg.path_arrow(&[
                    (ex, ey),
                    (ex, top - 14.0),
                    (tx - 22.0, top - 14.0),
                    (tx - 22.0, ty),
                    (tx, ty),
                ]);
            }
        }
        let &(ox, oy) = tops.last().expect("an architecture needs a stack");
        let out_y = if arch.stacks.len() > 1 {
            top - 30.0
        } else {
            top - 22.0
        };
        svg.arrow(ox, oy, ox, out_y + 8.0);
        svg.text(ox, out_y, &arch.output, 13.0, Anchor::Middle);
        let arch_right = x - col_gap;
        let mid = (arch_left + arch_right) / 2.0;
        svg.bold(
            mid,
            stack_bottom + 70.0,
            &format!("{}", a + 1),
            16.0,
            Anchor::Middle,
        );
        if names {
            svg.text(mid, stack_bottom + 100.0, &arch.name, 13.0, Anchor::Middle);
        }
        let layers: Vec<String> = arch
            .stacks
            .iter()
            .map(|s| {
                s.layers
                    .iter()
                    .map(|l| l.label().replace('\n', " "))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        let mut desc = format!("{} : {}", a + 1, layers.join(" ; puis "));
        if names {
            desc.push_str(&format!(" ({})", arch.name.replace('\n', " ")));
        }
        alt.push(desc);
    }
    svg.finish(&format!(
        "Trois architectures de Transformer, blocs lus de bas en haut ; à côté de chaque auto-attention, son masque (case pleine : le {} de la ligne voit celui de la colonne). {}.",
        terms::TOKEN,
        alt.join(". ")
    ))
}

/// Figure 8: MixMatch's label guessing on an unlabelled image, drawn on actual numbers:
/// `predictions` are the model's distributions on the `K` augmentations (`K =
/// predictions.len()`), averaged with [`average`] and sharpened with [`sharpen`] at
/// temperature `t`; small bar charts show each distribution. The labelled batch is augmented
/// too, and MixUp mixes both before the loss.
///
/// With `ideas`, the four ideas of semi-supervised learning are placed on the pipeline (data
/// augmentation, consistency, entropy minimisation, pseudo-labels): that is Q13's answer, so
/// the statement shows the figure with `ideas = false`.
///
/// # Panics
/// If `predictions` is empty or its distributions differ in length.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let preds = [array![0.5, 0.3, 0.2], array![0.3, 0.5, 0.2]];
/// let statement = mixmatch_pipeline(&preds, MIXMATCH_T, false);
/// let answer = mixmatch_pipeline(&preds, MIXMATCH_T, true);
/// assert!(!statement.data.contains("minimisation"));
/// assert!(answer.data.contains("minimisation de l’entropie"));
/// ```
pub fn mixmatch_pipeline(predictions: &[Array1<f64>], t: f64, ideas: bool) -> Figure {
    let k = predictions.len();
    let avg = average(predictions);
    let sharp = sharpen(&avg, t);
    let row_h = 62.0;
    let top = if ideas { 70.0 } else { 20.0 };
    let aug_top = top;
    let rows_h = k as f64 * row_h + (k as f64 - 1.0) * 12.0;
    let mid_y = aug_top + rows_h / 2.0;
    let width = 1000.0;
    let lab_y = aug_top + rows_h + 50.0;
    let height = lab_y + 80.0 + if ideas { 30.0 } else { 10.0 };
    let mut svg = Svg::new(width, height);
    let row_y = |i: usize| aug_top + i as f64 * (row_h + 12.0);

    // Columns: image, augmentations, model, predictions, average, sharpening, pseudo-label.
    let (img_x, aug_x, model_x, pred_x, avg_x, sharp_x, pl_x) =
        (10.0, 150.0, 290.0, 400.0, 520.0, 660.0, 810.0);
    svg.boxed(
        img_x,
        mid_y - 30.0,
        110.0,
        60.0,
        "image non\nétiquetée u",
        Some(2),
    );
    for (i, p) in predictions.iter().enumerate() {
        let y = row_y(i);
        let cy = y + row_h / 2.0;
        svg.arrow(img_x + 110.0, mid_y, aug_x, cy);
        svg.boxed(
            aug_x,
            y + 8.0,
            110.0,
            row_h - 16.0,
            &format!("augmentation {}", i + 1),
            Some(1),
        );
        svg.arrow(aug_x + 110.0, cy, model_x, cy);
        svg.boxed(model_x, y + 8.0, 80.0, row_h - 16.0, "modèle", None);
        svg.arrow(model_x + 80.0, cy, pred_x, cy);
        svg.rect(pred_x, y, 90.0, row_h, None, false);
        svg.distribution(pred_x + 10.0, y + 16.0, 70.0, row_h - 24.0, p, 1);
        svg.text(
            pred_x + 45.0,
            y + 9.0,
            &format!("prédiction {}", i + 1),
            10.0,
            Anchor::Middle,
        );
        svg.arrow(pred_x + 90.0, cy, avg_x, mid_y);
    }
    let dist_box = |svg: &mut Svg, x: f64, title: &str, p: &Array1<f64>, fill: usize| {
        svg.rect(x, mid_y - 40.0, 110.0, 80.0, None, false);
        svg.text(x + 55.0, mid_y - 29.0, title, 11.0, Anchor::Middle);
        svg.distribution(x + 12.0, mid_y - 16.0, 86.0, 50.0, p, fill);
    };
    dist_box(&mut svg, avg_x, &format!("moyenne des {k}"), &avg, 1);
    svg.arrow(avg_x + 110.0, mid_y, sharp_x, mid_y);
    svg.boxed(
        sharp_x,
        mid_y - 28.0,
        110.0,
        56.0,
        &format!("affûtage\nT = {}", fr(t, 1)),
        Some(3),
    );
    svg.arrow(sharp_x + 110.0, mid_y, pl_x, mid_y);
    dist_box(&mut svg, pl_x, "pseudo-étiquette q", &sharp, 0);

    // Labelled batch and MixUp.
    svg.boxed(img_x, lab_y, 110.0, 50.0, "lot étiqueté\n(x, y)", Some(2));
    svg.arrow(img_x + 110.0, lab_y + 25.0, aug_x, lab_y + 25.0);
    svg.boxed(aug_x, lab_y, 110.0, 50.0, "augmentation", Some(1));
    svg.arrow(aug_x + 110.0, lab_y + 25.0, 600.0, lab_y + 25.0);
    svg.boxed(
        600.0,
        lab_y,
        150.0,
        50.0,
        "MixUp\n(étiquetés + non étiq.)",
        Some(4),
    );
    svg.path_arrow(&[
        (pl_x + 55.0, mid_y + 40.0),
        (pl_x + 55.0, lab_y + 25.0),
        (750.0, lab_y + 25.0),
    ]);
    svg.text(
        pl_x + 60.0,
        lab_y - 10.0,
        "augmentations de u\n+ pseudo-étiquette",
        10.0,
        Anchor::Start,
    );
    svg.arrow(675.0, lab_y + 50.0, 675.0, lab_y + 70.0);
    svg.text(
        675.0,
        lab_y + 80.0,
        "pertes : entropie croisée (étiquetés) + L2 (non étiquetés)",
        12.0,
        Anchor::Middle,
    );

    if ideas {
        // Each idea: a numbered tag above the part of the pipeline it names.
        let tags: [(&str, f64, f64); 4] = [
            ("augmentation de données", aug_x - 5.0, 120.0),
            ("cohérence", pred_x - 5.0, avg_x + 115.0 - pred_x),
            ("minimisation de l’entropie", sharp_x - 5.0, 120.0),
            ("pseudo-étiquettes", pl_x - 5.0, 120.0),
        ];
        for (i, (label, x, w)) in tags.into_iter().enumerate() {
            let y0 = 8.0 + (i % 2) as f64 * 26.0;
            svg.rect(x, aug_top - 8.0, w, rows_h + 16.0, None, true);
            svg.line(x + 10.0, y0 + 18.0, x + 10.0, aug_top - 8.0, true);
            svg.bold(
                x + 4.0,
                y0 + 9.0,
                &format!("{}. {label}", i + 1),
                12.0,
                Anchor::Start,
            );
        }
        svg.text(
            10.0,
            height - 12.0,
            "La même pseudo-étiquette sert de cible à toutes les augmentations de u (cohérence) ; l’affûtage baisse son entropie.",
            11.0,
            Anchor::Start,
        );
    }
    let mut alt = format!(
        "{} : une image non étiquetée est augmentée {k} fois, le modèle prédit une distribution pour chaque augmentation, les prédictions sont moyennées puis affûtées (T = {}) pour donner la pseudo-étiquette ; un lot étiqueté augmenté est mélangé avec elles par MixUp.",
        terms::capitalised(terms::MIXMATCH_STEPS),
        fr(t, 1)
    );
    if ideas {
        alt.push_str(" Idées placées : augmentation de données (les K augmentations), cohérence (moyenne des prédictions, même cible pour toutes), minimisation de l’entropie (affûtage), pseudo-étiquettes (la sortie).");
    }
    svg.finish(&alt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sequence::shift_for_next_char;
    use ndarray::array;

    #[test]
    fn char_model_shows_input_and_target() {
        let (x, y) = shift_for_next_char("Hello w");
        let svg = char_model(&x, &y).data;
        for c in ["H", "e", "l", "o", "␣", "w"] {
            assert!(svg.contains(&format!(">{c}</text>")), "{c}");
        }
        // 6 cells, 5 recurrent arrows + 12 vertical ones = 17 arrowheads.
        assert_eq!(svg.matches("<polygon").count(), 17);
        assert_eq!(svg.matches(">w</text>").count(), 1);
    }

    #[test]
    #[should_panic(expected = "same")]
    fn char_model_checks_lengths() {
        char_model("abc", "bc");
    }

    #[test]
    fn mha_labels_come_from_the_count() {
        let svg = multi_head_attention(&MultiHeadAttention::exam(5, 2, 2), true).data;
        assert_eq!(svg.matches("12 param.").count(), 6);
        assert_eq!(svg.matches(">10 param.<").count(), 1);
        assert!(svg.contains("2 × (12 + 12 + 12) + 10 = 82 paramètres"));
        assert!(svg.contains("concaténation (2 × 2 = 4)"));
        // Another configuration changes the numbers.
        let other = multi_head_attention(&MultiHeadAttention::exam(6, 3, 3), true).data;
        assert_eq!(other.matches("21 param.").count(), 9);
        assert!(other.contains("tête 3"));
        assert!(!other.contains("12 param."));
    }

    #[test]
    fn the_statement_figure_has_no_count() {
        let fig = multi_head_attention(&MultiHeadAttention::exam(5, 2, 2), false);
        // The text of the figure: what stands between tags.
        let text: String = fig
            .data
            .split('<')
            .filter_map(|part| part.split_once('>').map(|(_, t)| format!("{t} ")))
            .collect();
        assert_eq!(
            text.matches("5 → 2").count(),
            6,
            "the statement's sizes: {text}"
        );
        for answer in ["param", "82", "72", "12", "10", "4 → 2", "= 4"] {
            assert!(
                !text.contains(answer),
                "{answer} in the statement's figure: {text}"
            );
            assert!(
                !fig.alt.contains(answer),
                "{answer} in the statement's alt text"
            );
        }
    }

    #[test]
    fn architecture_masks_have_the_right_cells() {
        for n in [3, 5] {
            let svg = architectures(&exam_architectures(), n, false).data;
            let causal = n * (n + 1) / 2;
            assert_eq!(svg.matches("cb-cell-on").count(), 2 * causal + 2 * n * n);
            assert_eq!(svg.matches("cb-cell-off").count(), 2 * (n * n - causal));
        }
    }

    #[test]
    fn architecture_names_only_on_demand() {
        let statement = architectures(&exam_architectures(), 4, false);
        let answer = architectures(&exam_architectures(), 4, true);
        for name in ["GPT", "BERT", "original"] {
            assert!(!statement.data.contains(name) && !statement.alt.contains(name));
            assert!(answer.data.contains(name) && answer.alt.contains(name));
        }
        // Numbered 1, 2, 3 in the given order.
        let pos = |s: &str| {
            statement
                .data
                .find(&format!("font-weight=\"bold\">{s}<"))
                .unwrap()
        };
        assert!(pos("1") < pos("2") && pos("2") < pos("3"));
        // The only masked layers are in architectures 1 and 3.
        assert_eq!(statement.data.matches("masquée").count(), 2);
    }

    #[test]
    fn mixmatch_ideas_only_in_the_answer() {
        let preds = [array![0.6, 0.3, 0.1], array![0.4, 0.4, 0.2]];
        let statement = mixmatch_pipeline(&preds, 0.5, false);
        let answer = mixmatch_pipeline(&preds, 0.5, true);
        for idea in [
            "augmentation de données",
            "cohérence",
            "minimisation de l’entropie",
            "pseudo-étiquettes",
        ] {
            assert!(answer.data.contains(idea), "{idea}");
            assert!(!statement.data.contains(idea), "{idea}");
        }
        assert!(statement.data.contains("T = 0,5"));
        // K = 2 augmentations drawn.
        assert!(
            statement.data.contains("augmentation 2") && !statement.data.contains("augmentation 3")
        );
    }

    #[test]
    fn deterministic_and_safe() {
        let preds = [array![0.6, 0.3, 0.1], array![0.4, 0.4, 0.2]];
        let (x, y) = shift_for_next_char("Hello w");
        let figs = || {
            vec![
                char_model(&x, &y),
                multi_head_attention(&MultiHeadAttention::exam(5, 2, 2), true),
                multi_head_attention(&MultiHeadAttention::exam(5, 2, 2), false),
                architectures(&exam_architectures(), 5, true),
                mixmatch_pipeline(&preds, 0.5, true),
            ]
        };
        let (a, b) = (figs(), figs());
        assert_eq!(a, b);
        for f in a {
            assert!(f.size() < 30 * 1024, "{} bytes", f.size());
            assert!(!f.data.contains("<script") && !f.data.contains(" id="));
            assert!(f.data.contains("currentColor"));
        }
    }
}
