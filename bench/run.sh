#!/usr/bin/env bash
# Benchmark: the whole `vouch check` on ../shared/corpus (841 files, 3.2 MB)
# and on that corpus copied 8 times (about 6,700 files), wall time and peak
# memory; the secret detectors alone; ripgrep running the very key patterns
# of policies/secrets.yaml as a yardstick (it uses the same regex engine); and,
# with --competitors, Checkov and detect-secrets on the same trees.
#
#   bash bench/run.sh                 # 5 runs each; prints a Markdown table
#   RUNS=15 bash bench/run.sh
#   bash bench/run.sh --competitors   # also installs (pip, into target/bench-venv)
#                                     # and times Checkov and detect-secrets, 1 run each
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
CORPUS=${CORPUS:-../shared/corpus}
COMPETITORS=${1:-}

[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS (set CORPUS=...)" >&2; exit 2; }
cargo build --release --quiet
VOUCH=target/release/vouch

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
BIG="$WORK/big"
mkdir "$BIG"
for i in 1 2 3 4 5 6 7 8; do cp -r "$CORPUS" "$BIG/copy$i"; done

# The key patterns of the secret catalogue (the pattern entries' own `regex:`,
# not their `near:` context), one a line, for rg -f; rg joins them into one
# regex, so named groups become plain groups.
PATTERNS="$WORK/patterns.txt"
sed -n "s/^        regex: '\(.*\)'$/\1/p" policies/secrets.yaml \
  | sed -e "s/''/'/g" -e 's/(?P<[a-z_]*>/(?:/g' > "$PATTERNS"

# Median wall seconds and peak RSS (MiB) of a command over $1 runs.
measure() {
  local runs=$1 times=() rss=0 t r
  shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null 2>&1 || true
    read -r t r < "$WORK/time"
    times+=("$t")
    (( r > rss )) && rss=$r
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%s s | %d MiB' "$median" $((rss / 1024))
}

# One run of a competitor: wall seconds, peak RSS, and its exit status when not 0.
once() {
  local status=0 t r
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || status=$?
  read -r t r < <(tail -1 "$WORK/time")
  printf '%s s | %d MiB' "$t" $((r / 1024))
  [ "$status" = 0 ] || printf ' (exit %s: %s)' "$status" "$(grep -m1 -oE '[A-Za-z]+Error: .{0,60}' "$WORK/stderr" || echo failed)"
}

files() { find "$1" -type f | wc -l | tr -d ' '; }
SMALL="corpus, $(files "$CORPUS") files"
LARGE="corpus x8, $(files "$BIG") files"
SECRETS=(--no-builtin --policy policies/secrets.yaml --policy policies/key-isolation.yaml)

echo "Machine: $(nproc) cores, $(uname -m); median of $RUNS runs (competitors: 1 run)."
echo
echo "| what | tree | median wall | peak memory |"
echo "| --- | --- | --- | --- |"
for tree in "$CORPUS:$SMALL" "$BIG:$LARGE"; do
  dir=${tree%%:*} label=${tree#*:}
  echo "| vouch check, all $("$VOUCH" policies --format json | grep -c '"id"') rules, JSON out | $label | $(measure "$RUNS" "$VOUCH" check "$dir" --format json --fail-on never) |"
done
for tree in "$CORPUS:$SMALL" "$BIG:$LARGE"; do
  dir=${tree%%:*} label=${tree#*:}
  echo "| vouch check, key-isolation rules only | $label | $(measure "$RUNS" "$VOUCH" check "$dir" "${SECRETS[@]}" --format json --fail-on never) |"
done
if command -v rg >/dev/null; then
  for tree in "$CORPUS:$SMALL" "$BIG:$LARGE"; do
    dir=${tree%%:*} label=${tree#*:}
    echo "| rg -f, the catalogue's $(wc -l < "$PATTERNS") key patterns | $label | $(measure "$RUNS" rg -c -f "$PATTERNS" "$dir") |"
  done
else
  echo "| rg (not installed: apt-get install ripgrep) | | | |"
fi

# The worst case for the key search: one minified file of 10,000 invented
# GitHub-shaped tokens on a single line, each a finding.
KEYS="$WORK/keys"
mkdir "$KEYS"
python3 -c "
import random, string
random.seed(1)
a = string.ascii_letters + string.digits
print(' '.join('ghp_' + ''.join(random.choice(a) for _ in range(36)) for _ in range(10000)))
" > "$KEYS/bundle.min.js"
echo "| vouch check, one line holding 10,000 keys | 1 file, $(($(wc -c < "$KEYS/bundle.min.js") / 1024)) KiB | $(measure "$RUNS" "$VOUCH" check "$KEYS" --no-config --format json --fail-on never) |"

if [ "$COMPETITORS" = "--competitors" ]; then
  VENV=$PWD/target/bench-venv
  if [ ! -x "$VENV/bin/checkov" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet checkov detect-secrets
  fi
  CHECKOV_VERSION=$("$VENV/bin/checkov" --version 2>/dev/null | tail -1)
  DS_VERSION=$("$VENV/bin/detect-secrets" --version 2>/dev/null)
  # Checkov's parallel runner hangs once a worker raises (it does on this corpus's
  # CloudFormation templates), so it runs serially; its exit status is reported.
  echo "| Checkov $CHECKOV_VERSION, all checks, serial | $SMALL | $(once env CHECKOV_PARALLELIZATION_TYPE=none "$VENV/bin/checkov" -d "$CORPUS" --quiet --compact -o json --skip-download) |"
  # detect-secrets silently scans nothing when given a path outside its working
  # folder, so it runs inside the tree.
  echo "| detect-secrets $DS_VERSION scan --all-files | $SMALL | $(once env -C "$CORPUS" "$VENV/bin/detect-secrets" scan --all-files .) |"
  echo "| detect-secrets $DS_VERSION scan --all-files | $LARGE | $(once env -C "$BIG" "$VENV/bin/detect-secrets" scan --all-files .) |"
fi
