#!/usr/bin/env bash
# Benchmark: the whole `vouch check` on ../shared/corpus (841 files, 3.2 MB)
# and on a larger generated tree, wall time and peak memory, with ripgrep
# running the same key patterns as a yardstick when it is installed.
#
#   bash bench/run.sh            # 10 runs each; prints a Markdown table
#   RUNS=30 bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
CORPUS=${CORPUS:-../shared/corpus}

cargo build --release --quiet
VOUCH=target/release/vouch

# A larger tree: the corpus copied 8 times into a temporary folder (about 6,700 files).
BIG=$(mktemp -d)
trap 'rm -rf "$BIG"' EXIT
for i in 1 2 3 4 5 6 7 8; do cp -r "$CORPUS" "$BIG/copy$i"; done

# Median wall seconds and peak RSS (MiB) of a command over $RUNS runs.
measure() {
  local times=() rss=0 t r
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o /tmp/vouch-bench.time "$@" >/dev/null 2>&1 || true
    read -r t r < /tmp/vouch-bench.time
    times+=("$t")
    (( r > rss )) && rss=$r
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%s s | %d MiB' "$median" $((rss / 1024))
}

KEYS='sk-(proj|svcacct|admin|ant-api03|ant-admin01)-[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|hf_[A-Za-z]{34}|gh[pousr]_[A-Za-z0-9]{36}'

echo "| what | tree | median wall | peak memory |"
echo "| --- | --- | --- | --- |"
echo "| vouch check (all rules, JSON out) | corpus, $(find "$CORPUS" -type f | wc -l) files | $(measure "$VOUCH" check "$CORPUS" --format json --fail-on never) |"
echo "| vouch check (all rules, JSON out) | corpus x8, $(find "$BIG" -type f | wc -l) files | $(measure "$VOUCH" check "$BIG" --format json --fail-on never) |"
if command -v rg >/dev/null; then
  echo "| rg, key patterns only | corpus | $(measure rg -c -P "$KEYS" "$CORPUS") |"
  echo "| rg, key patterns only | corpus x8 | $(measure rg -c -P "$KEYS" "$BIG") |"
else
  echo "| rg (not installed: apt-get install ripgrep) | | | |"
fi
