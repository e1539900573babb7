#!/usr/bin/env bash
# Benchmark of the compute stage (issue 2). Rerunnable; prints wall times, compiler
# invocations and ratios. Usage: tests/bench/compute.sh [BOOK_DIR] (default: this repo's book).
#
#   cold check      empty cache: one rustc invocation for every block of the book
#   warm check      same sources: nothing compiled
#   prose edit      a sentence changed: nothing compiled
#   block edit      one block changed: one compilation
#   one block alone a book with a single block, cold: the baseline for "all blocks together"
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
book="${1:-$repo}"
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
bin="$repo/target/release/coursebook"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r "$book/src" "$book/book.toml" "$scratch/"
[ -d "$book/theme" ] && cp -r "$book/theme" "$scratch/"
export COURSEBOOK_CACHE_DIR="$scratch/cache"

calc() { python3 -c "print($1)"; }

# run LABEL: times one `check`, prints seconds and compiler invocations.
run() {
  local start end line
  start=$(date +%s.%N)
  line=$("$bin" check "$scratch" 2>&1 >/dev/null | grep '^computations:' || true)
  end=$(date +%s.%N)
  local secs; secs=$(calc "$end - $start")
  local n; n=$(echo "$line" | grep -o '[0-9]* compiler invocation' | grep -o '^[0-9]*' || echo 0)
  printf '%-16s %7.3f s  %s compiler invocation(s)\n' "$1" "$secs" "${n:-0}"
  echo "$secs" > "$scratch/last"
}

echo "book: $book ($(grep -rl 'rust,compute' "$scratch/src" | wc -l) chapters with blocks, $(grep -r '^```rust,compute' "$scratch/src" | wc -l) blocks, $(grep -ro '{{#check' "$scratch/src" | wc -l) checks)"
rm -rf "$COURSEBOOK_CACHE_DIR"
run "cold check"; cold=$(cat "$scratch/last")
run "warm check"; warm=$(cat "$scratch/last")
first=$(grep -rl 'rust,compute' "$scratch/src" | head -n 1)
printf '\nUne phrase ajoutée.\n' >> "$first"
run "prose edit"; prose=$(cat "$scratch/last")
python3 - "$first" <<'PY'
import sys, re
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = s.replace("```rust,compute\n", "```rust,compute\nlet _bench_edit = 1;\n", 1)
open(p, "w", encoding="utf-8").write(s)
PY
run "block edit"; block=$(cat "$scratch/last")

# Baseline: a book with one block only, cold.
one="$scratch/one"
mkdir -p "$one/src"
printf '[book]\ntitle = "one"\n[preprocessor.compute]\n' > "$one/book.toml"
printf -- '- [C](c.md)\n' > "$one/src/SUMMARY.md"
printf '# C\n\n```rust,compute\nlet p = softmax(&array![0.8, -0.2, 0.6]);\npublish!(p);\n```\n\n{{#check p[0] = 0.46}}\n' > "$one/src/c.md"
export COURSEBOOK_CACHE_DIR="$scratch/cache-one"
start=$(date +%s.%N); "$bin" check "$one" >/dev/null 2>&1; end=$(date +%s.%N)
single=$(calc "$end - $start")
printf '%-16s %7.3f s  1 compiler invocation(s)\n' "one block alone" "$single"
blocks=$(grep -r '^```rust,compute' "$scratch/src" | wc -l)
echo
printf 'warm / cold            %6.3f\n' "$(calc "$warm / $cold")"
printf 'prose edit / cold      %6.3f\n' "$(calc "$prose / $cold")"
printf 'block edit / cold      %6.3f\n' "$(calc "$block / $cold")"
printf 'all %s blocks together / one block alone  %6.3f  (one invocation per block would be ~%s x)\n' \
  "$blocks" "$(calc "$cold / $single")" "$blocks"
