#!/usr/bin/env python3
"""The count tables of docs/corpus.md, from vouch's JSON results.

Scans the corpus as one project (findings, passed and unknown per rule and
area) and each top-level folder on its own (findings per folder and area),
and prints the Markdown tables. Anyone can rerun it:

    cargo build --release
    python3 bench/corpus-counts.py [CORPUS]      # default ../shared/corpus
"""

import collections
import json
import pathlib
import subprocess
import sys

AREAS = ["key-isolation", "least-privilege", "rotation", "encryption", "retention", "monitoring"]
SHORT = ["ISO", "PRV", "ROT", "ENC", "RET", "MON"]
NOW = "2026-12-04"


def check(path, vouch):
    out = subprocess.run(
        [vouch, "check", str(path), "--format", "json", "--fail-on", "never", "--now", NOW],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    corpus = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else root / "../shared/corpus").resolve()
    vouch = str(root / "target/release/vouch")
    rules = json.loads(
        subprocess.run([vouch, "policies", "--format", "json"], check=True, capture_output=True, text=True).stdout
    )["rules"]

    whole = check(corpus, vouch)
    summary = whole["summary"]
    print(f"Totals (`vouch check corpus --now {NOW}`): **{summary['findings']} findings**, "
          f"{summary['passed']} passed, {summary['unknown']} unknown, {summary['errors']} files with errors.")
    print("By severity: " + ", ".join(
        f"{summary['by_severity'].get(s, 0)} {s}" for s in ["critical", "high", "medium", "low", "info"]) + ".")
    print()
    print("| area | findings |")
    print("| --- | ---: |")
    for area in AREAS:
        print(f"| {area} | {summary['by_area'].get(area, 0)} |")
    print()

    print("| folder, scanned on its own | " + " | ".join(SHORT) + " | total |")
    print("| --- | " + " | ".join("---:" for _ in SHORT) + " | ---: |")
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        by_area = check(folder, vouch)["summary"]["by_area"]
        counts = [by_area.get(a, 0) for a in AREAS]
        print(f"| {folder.name} | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |")
    print()

    count = {kind: collections.Counter(e["rule"] for e in whole[kind]) for kind in ["findings", "passed", "unknown"]}
    print("| rule | name | findings | passed | unknown |")
    print("| --- | --- | ---: | ---: | ---: |")
    for rule in sorted(rules, key=lambda r: (AREAS.index(r["area"]), r["id"])):
        rid = rule["id"]
        print(f"| {rid} | {rule['name']} | {count['findings'][rid]} | {count['passed'][rid]} | {count['unknown'][rid]} |")


if __name__ == "__main__":
    main()
