#!/usr/bin/env bash
# Benchmark of the math stage on the halo2 book (about 4,100 formulas, macros.txt).
#
# In one run, on copies of the book in a scratch folder:
#   plain  mdBook 0.5.4 without the [preprocessor.katex] table (no math rendering at all)
#   katex  mdBook 0.5.4 with mdbook-katex 0.10.0 (the peer to beat)
#   cold   our build with an empty render cache
#   warm   our build with the cache filled by a previous build
# and prints the median wall time of each, and the ratios the issue sets as targets:
#   cold at least 2x faster than mdbook-katex; warm within 1.5x of plain mdBook.
#
# mdbook and mdbook-katex are installed with `cargo install --locked` into the scratch folder
# (skipped when already there). Our build is `target/release/coursebook build DIR`.
#
# Usage: tests/bench/math.sh [SCRATCH_DIR]     (env: RUNS=5, CORPUS=path of the halo2 book)
# Rerunnable: tools and the scratch folder are reused, book copies and caches are rebuilt.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCRATCH="${1:-${TMPDIR:-/tmp}/coursebook-bench-math}"
RUNS="${RUNS:-5}"
CORPUS="${CORPUS:-$REPO/../shared/corpus/halo2-book}"
TOOLS="$SCRATCH/tools"
BOOKS="$SCRATCH/books"
CACHE="$SCRATCH/cache"

[ -f "$CORPUS/book.toml" ] || { echo "error: no book at $CORPUS (set CORPUS)" >&2; exit 1; }
mkdir -p "$TOOLS" "$BOOKS"

install() { # crate version binary
  if [ -x "$TOOLS/bin/$3" ]; then
    echo "using $TOOLS/bin/$3 ($("$TOOLS/bin/$3" --version 2>/dev/null || echo "$1 $2"))"
  else
    echo "installing $1 $2 into $TOOLS (once) ..."
    cargo install --locked --quiet --root "$TOOLS" "$1" --version "$2"
  fi
}
install mdbook 0.5.4 mdbook
install mdbook-katex 0.10.0 mdbook-katex
export PATH="$TOOLS/bin:$PATH"

echo "building our binary (release) ..."
(cd "$REPO" && cargo build --release --quiet --bin coursebook)
OURS=("$REPO/target/release/coursebook" build)

# Fresh copies of the read-only corpus.
for v in plain katex ours; do
  rm -rf "${BOOKS:?}/$v"
  cp -R "$CORPUS" "$BOOKS/$v"
done
# plain: drop the [preprocessor.katex] table (up to the next table header).
awk '/^\[/{skip = ($0 == "[preprocessor.katex]")} !skip' "$CORPUS/book.toml" > "$BOOKS/plain/book.toml"
grep -q 'preprocessor.katex' "$BOOKS/plain/book.toml" && { echo "error: katex table still in plain" >&2; exit 1; }

now() { date +%s.%N; }

# measure NAME PREPARE CMD...: runs PREPARE then CMD, RUNS times; prints and records the median.
declare -A MEDIAN
measure() {
  local name="$1" prepare="$2"; shift 2
  local times=()
  for _ in $(seq "$RUNS"); do
    eval "$prepare"
    local t0 t1
    t0=$(now)
    "$@" >/dev/null 2>"$SCRATCH/$name.stderr" || { echo "error: $name failed:" >&2; tail -20 "$SCRATCH/$name.stderr" >&2; exit 1; }
    t1=$(now)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  local sorted median
  sorted=$(printf '%s\n' "${times[@]}" | sort -g)
  median=$(echo "$sorted" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
  MEDIAN[$name]=$median
  printf '%-6s median %7.3f s   min %7.3f s   max %7.3f s   (%s runs)\n' \
    "$name" "$median" "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)" "$RUNS"
}

echo
echo "halo2 book, $(nproc) cores, $RUNS runs each"
measure plain ":" mdbook build "$BOOKS/plain"
measure katex ":" mdbook build "$BOOKS/katex"
export COURSEBOOK_CACHE_DIR="$CACHE"
measure cold "rm -rf '$CACHE'" "${OURS[@]}" "$BOOKS/ours"
"${OURS[@]}" "$BOOKS/ours" >/dev/null 2>&1 # fill the cache
measure warm ":" "${OURS[@]}" "$BOOKS/ours"

# Sanity: both math builds rendered the formulas.
count() { grep -rho 'class="katex"' "$1" --include='*.html' | wc -l; }
echo
echo "class=\"katex\" in the HTML: mdbook-katex $(count "$BOOKS/katex/book"), ours $(count "$BOOKS/ours/book")"
if grep -rqE 'https?://[^"]*katex' "$BOOKS/ours/book" --include='*.html'; then
  echo "warning: our output links KaTeX over the network"
fi

ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo
echo "mdbook-katex / ours cold : $(ratio "${MEDIAN[katex]}" "${MEDIAN[cold]}")x   (target >= 2)"
echo "ours warm / plain mdBook : $(ratio "${MEDIAN[warm]}" "${MEDIAN[plain]}")x   (target <= 1.5)"
echo "ours cold / plain mdBook : $(ratio "${MEDIAN[cold]}" "${MEDIAN[plain]}")x"
