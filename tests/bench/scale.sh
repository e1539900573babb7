#!/usr/bin/env bash
# Scale benchmark (issue « A 500-chapter book »): how the tool's cost grows with the size of a
# book. Rerunnable; every figure of one run comes from the same machine state.
#
#   tests/bench/scale.sh [SIZES...]      (default: 50 150 500)
#
# For each size, a synthetic book (tests/bench/synth.sh) is timed with GNU time (wall seconds,
# CPU seconds of the tool and its children (user + system), peak RSS), HTML only (--no-pdf).
# On a shared machine the CPU seconds say what the wall seconds would be without the other
# jobs (a build runs mostly on one core):
#   cold check, cold build, warm build  the cache emptied first, then kept; a warm build
#                                       keeps the published pages (nothing they come from
#                                       changed)
#   warm re-render                      a warm build made to render every page again (its
#                                       records of the published pages removed)
#   prose edit / block edit             one chapter's sentence / one block changed, then build
#   check after block edit              the author's loop
#   serve rebuild                       `serve` running: a chapter saved, until the new page is served
#   plain mdBook                        the same book without any coursebook stage, built by the
#                                       official mdbook CLI (the floor)
# Then the ratios: warm build against plain mdBook, and each column at the largest size against
# the smallest.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
sizes=("$@")
((${#sizes[@]})) || sizes=(50 150 500)
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
bin="$repo/target/release/coursebook"
scratch="$(mktemp -d)"
serve_pid=""
trap '[[ -n "$serve_pid" ]] && kill "$serve_pid" 2>/dev/null; rm -rf "$scratch"' EXIT

# timed NAME COMMAND...: runs COMMAND, records "seconds peak-MiB cpu-seconds" under NAME.
timed() {
  local name="$1"
  shift
  /usr/bin/time -o "$scratch/time" -f '%e %M %U %S' "$@" >/dev/null 2>"$scratch/err" || {
    echo "failed: $name ($*)" >&2
    cat "$scratch/err" >&2
    exit 1
  }
  read -r secs kib user sys <"$scratch/time"
  printf '%s %s %s %s\n' "$name" "$secs" "$((kib / 1024))" "$(python3 -c "print(round($user + $sys, 2))")" >>"$scratch/results"
}

# measure NAME ARGS...: runs the tool quietly, timed as NAME.
measure() {
  local name="$1"
  shift
  timed "$name" "$bin" "$@" -q
}

# The floor: the official mdbook 0.5.4 (tests/run installs it into target/tools), and the tool
# itself on the plain book, its record of the published pages removed first so that it renders
# every page as mdbook does (mdBook's renderer in-process, without the CLI's start-up).
mdbook="${MDBOOK:-$repo/target/tools/bin/mdbook}"
[[ -x "$mdbook" ]] || mdbook="$(command -v mdbook || true)"
plain_builds() {
  local dir="$1"
  if [[ -n "$mdbook" ]]; then
    timed plain-mdbook "$mdbook" build "$dir"
    timed plain-mdbook-warm "$mdbook" build "$dir"
  fi
  measure plain-tool build "$dir" --no-pdf
  rm -rf "$COURSEBOOK_CACHE_DIR/pages"
  measure plain-tool-warm build "$dir" --no-pdf
}

# serve_rebuild SIZE DIR: seconds from saving a chapter to `serve` having the new build.
serve_rebuild() {
  local dir="$2" port status before t0 t1
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  (cd "$dir" && exec "$bin" serve -q -p "$port" >/dev/null 2>&1) &
  serve_pid=$!
  until status=$(curl -sf "http://127.0.0.1:$port/__coursebook/status") && [[ "$status" == *'"version":1'* ]]; do sleep 0.1; done
  before="$status"
  t0=$(date +%s.%N)
  printf '\nSaved again.\n' >>"$dir/src/ch001.md"
  until status=$(curl -sf "http://127.0.0.1:$port/__coursebook/status") && [[ "$status" != "$before" ]]; do sleep 0.05; done
  t1=$(date +%s.%N)
  kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=""
  printf 'serve-rebuild %s - -\n' "$(python3 -c "print(round($t1 - $t0, 2))")" >>"$scratch/results"
}

for n in "${sizes[@]}"; do
  book="$scratch/book-$n" plain="$scratch/plain-$n"
  "$repo/tests/bench/synth.sh" "$n" "$book"
  "$repo/tests/bench/synth.sh" "$n" "$plain" --plain
  export COURSEBOOK_CACHE_DIR="$scratch/cache-$n"
  : >"$scratch/results"
  rm -rf "$COURSEBOOK_CACHE_DIR"
  measure cold-check check "$book"
  rm -rf "$COURSEBOOK_CACHE_DIR"
  measure cold-build build "$book" --no-pdf
  measure warm-build build "$book" --no-pdf
  rm -rf "$COURSEBOOK_CACHE_DIR/pages"
  measure warm-rerender build "$book" --no-pdf
  middle="$book/src/ch$(printf '%03d' $((n / 2))).md"
  printf '\nOne more sentence of prose.\n' >>"$middle"
  measure prose-edit build "$book" --no-pdf
  sed -i 's/let twice = 2 \* a;/let twice = a + a;/' "$middle"
  measure block-edit-check check "$book"
  sed -i 's/let twice = a + a;/let twice = a * 2;/' "$middle"
  measure block-edit-build build "$book" --no-pdf
  serve_rebuild "$n" "$book"
  plain_builds "$plain"
  cp "$scratch/results" "$scratch/results-$n"
done

echo
echo "plain mdBook: ${mdbook:-not found (set MDBOOK)}; plain tool: the tool on the plain book, rendering every page"
printf '%-18s' column
for n in "${sizes[@]}"; do printf '%26s' "$n chapters"; done
echo
for column in cold-check cold-build warm-build warm-rerender prose-edit block-edit-check block-edit-build serve-rebuild plain-mdbook plain-mdbook-warm plain-tool plain-tool-warm; do
  grep -q "^$column " "$scratch/results-${sizes[0]}" || continue
  printf '%-18s' "$column"
  for n in "${sizes[@]}"; do
    read -r _ secs mib cpu < <(grep "^$column " "$scratch/results-$n")
    if [[ "$mib" == - ]]; then printf '%26s' "$secs s"; else printf '%26s' "$secs s (cpu $cpu) $mib MiB"; fi
  done
  echo
done
echo
first="${sizes[0]}" last="${sizes[${#sizes[@]} - 1]}"
for n in "${sizes[@]}"; do
  for floor_column in plain-mdbook-warm plain-tool-warm; do
    grep -q "^$floor_column " "$scratch/results-$n" || continue
    floor=$(grep "^$floor_column " "$scratch/results-$n" | cut -d' ' -f2)
    for column in warm-build warm-rerender; do
      warm=$(grep "^$column " "$scratch/results-$n" | cut -d' ' -f2)
      printf '%s / %s at %s chapters: %s\n' "$column" "$floor_column" "$n" "$(python3 -c "print(round($warm / $floor, 2))")"
    done
  done
done
if [[ "$first" != "$last" ]]; then
  for column in cold-check cold-build warm-build warm-rerender prose-edit block-edit-check block-edit-build serve-rebuild plain-tool; do
    a=$(grep "^$column " "$scratch/results-$first" | cut -d' ' -f2)
    b=$(grep "^$column " "$scratch/results-$last" | cut -d' ' -f2)
    printf '%-18s %s chapters / %s chapters: %s×\n' "$column" "$last" "$first" "$(python3 -c "print(round($b / max($a, 0.01), 1))")"
  done
fi
