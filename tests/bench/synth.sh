#!/usr/bin/env bash
# A synthetic course book for the scale benchmark (issue « A 500-chapter book »), deterministic.
#
#   tests/bench/synth.sh CHAPTERS DIR [--plain]
#
# Each chapter holds prose, 10 formulas, two compute blocks that call the course library
# (arrays, softmax; a figure every tenth chapter), 10 checks and one question worth one point.
# With --plain the book has no coursebook stage at all: what plain mdBook builds, the floor.
# Every written value is computed here, from the chapter number, so that the book checks.
set -euo pipefail
n="${1:?usage: synth.sh CHAPTERS DIR [--plain]}"
dir="${2:?usage: synth.sh CHAPTERS DIR [--plain]}"
plain="${3:-}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$dir"
mkdir -p "$dir/src"

{
  printf '[book]\ntitle = "Synthetic course, %s chapters"\nlanguage = "en"\nsrc = "src"\n\n' "$n"
  if [[ "$plain" != --plain ]]; then
    printf '[preprocessor.compute]\nafter = ["links"]\ntimeout = 600\nlibrary = "%s/preprocessors/calc"\n\n' "$repo"
    printf '[preprocessor.exam]\nafter = ["links", "compute"]\ntotal = %s\n\n' "$n"
    printf '[preprocessor.math]\nafter = ["links", "compute", "exam"]\n\n'
  fi
  printf '[output.html.search]\nenable = true\n'
} > "$dir/book.toml"

{
  printf '# Summary\n\n'
  for ((i = 1; i <= n; i++)); do printf -- '- [Lecture %d](ch%03d.md)\n' "$i" "$i"; done
} > "$dir/src/SUMMARY.md"

for ((i = 1; i <= n; i++)); do
  f="$dir/src/ch$(printf '%03d' "$i").md"
  a=$((i * 7 + 3)); b=$((i * i)); s=$((3 * i + 3)); p=$((a * b)); m=$((i + 1))
  {
    printf '# Lecture %d\n\n' "$i"
    printf 'This lecture works through exercise %d: a short computation, its formulas and\n' "$i"
    printf 'its checked results. The model maps an input $x_{%d}$ to $f(x) = W x + b$.\n\n' "$i"
    for ((k = 1; k <= 8; k++)); do
      printf 'Formula %d: $\\sum_{j=1}^{%d} a_j^{%d} = S_{%d,%d}$.\n' "$k" "$i" "$k" "$i" "$k"
    done
    printf '\n$$\n\\mathrm{softmax}(z)_i = \\frac{e^{z_i}}{\\sum_{j=1}^{%d} e^{z_j}}\n$$\n\n' "$i"
    printf '$$\nL_{%d} = -\\sum_i y_i \\log p_i\n$$\n\n' "$i"
    if [[ "$plain" != --plain ]]; then
      printf '```rust,compute\nlet a: i64 = %d * 7 + 3;\nlet b: i64 = %d * %d;\nlet v = array![%d.0, %d.0, %d.0];\n' "$i" "$i" "$i" "$i" "$((i + 1))" "$((i + 2))"
      printf 'let s = v.sum();\nlet probs = softmax(&array![1.0, 1.0]);\npublish!(a, b, s, probs);\n```\n\n'
      printf '```rust,compute\nlet product = a * b;\nlet mean = s / 3.0;\nlet biggest = v[2];\nlet twice = 2 * a;\n'
      if ((i % 10 == 0)); then
        printf 'use coursebook_calc::plot::{line_plot, Series};\nlet series = [Series { label: "v".into(), points: vec![(0.0, v[0]), (1.0, v[1]), (2.0, v[2])] }];\n'
        printf 'let fig = line_plot(&series, "x", "y", "The three values of lecture %d");\npublish!(fig);\n' "$i"
      fi
      printf 'publish!(product, mean, biggest, twice);\n```\n\n'
      if ((i % 10 == 0)); then printf '{{#figure fig caption="The three values of lecture %d"}}\n\n' "$i"; fi
      printf '{{#question %d points=1}}\nWhat are a, b and their product for exercise %d?\n\n{{#answer}}\n' "$i" "$i"
      printf 'a = {{#check a = %d}}, b = {{#check b = %d}}, a × b = {{#check product = %d}}.\n' "$a" "$b" "$p"
      printf 'The sum is {{#check s = %d}}, the mean {{#check mean = %d}}, the largest {{#check biggest = %d}}.\n' "$s" "$m" "$((i + 2))"
      printf 'Twice a is {{#check twice = %d}}; the softmax of two equal logits is {{#check probs = [0.5; 0.5]}},\n' "$((2 * a))"
      printf 'its first value {{#check probs[0] = 0.50}}, and b again {{#check b = %d}}.\n{{#/answer}}\n' "$b"
    else
      printf 'a = %d, b = %d, a × b = %d. The sum is %d, the mean %d.\n' "$a" "$b" "$p" "$s" "$m"
    fi
    printf '\nMore prose closes the lecture, as notes do, with a remark on exercise %d.\n' "$i"
  } > "$f"
done
