#!/usr/bin/env python3
"""Golden tests of `gwc check` diagnostics.

Every tests/diagnostics/<name>.gw is checked with `gwc check --color never <name>.gw` from this
directory; the output must equal <name>.expected byte for byte. A first line
`# gwc-args: --flag ...` adds flags. The exit status must be 1 when the output reports errors
(or warnings under --werror), else 0. Each case is also rendered with --format json and
--format sarif, which must parse as JSON and agree with the text on the number of errors.

GW_UPDATE_GOLDEN=1 rewrites the .expected files instead of comparing.
usage: run_golden.py --gwc PATH [--dir DIR]
"""
import argparse
import difflib
import json
import os
import re
import subprocess
import sys


def extra_args(path):
    # Binary: some cases are deliberately not UTF-8 (E0008) or hold control bytes (E0009).
    with open(path, "rb") as f:
        first = f.readline().decode("utf-8", errors="replace")
    m = re.match(r"#\s*gwc-args:\s*(.*)", first)
    return m.group(1).split() if m else []


def run(gwc, args, cwd):
    p = subprocess.run([gwc, "check", *args], cwd=cwd, capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


def check_case(gwc, directory, name, update):
    gw = name + ".gw"
    flags = extra_args(os.path.join(directory, gw))
    rc, out, err = run(gwc, ["--color", "never", *flags, gw], directory)
    problems = []
    if err:
        problems.append("unexpected stderr: " + err)
    expected_path = os.path.join(directory, name + ".expected")
    if update:
        with open(expected_path, "w", encoding="utf-8") as f:
            f.write(out)
    else:
        try:
            with open(expected_path, encoding="utf-8") as f:
                expected = f.read()
        except FileNotFoundError:
            expected = None
            problems.append("missing " + name + ".expected (run with GW_UPDATE_GOLDEN=1)")
        if expected is not None and out != expected:
            diff = difflib.unified_diff(expected.splitlines(True), out.splitlines(True),
                                        name + ".expected", "actual")
            problems.append("output differs:\n" + "".join(diff))
    errors = len(re.findall(r"^\S.*: error\[E\d{4}\]", out, re.M))
    errors += len(re.findall(r"^error\[E\d{4}\]", out, re.M))
    warnings = len(re.findall(r"warning\[W\d{4}\]", out))
    want_rc = 1 if errors or ("--werror" in flags and warnings) else 0
    if rc != want_rc:
        problems.append(f"exit status {rc}, expected {want_rc}")
    for fmt in ("json", "sarif"):
        frc, fout, ferr = run(gwc, ["--format", fmt, *flags, gw], directory)
        if frc != rc:
            problems.append(f"--format {fmt} exit status {frc} differs from text ({rc})")
        try:
            doc = json.loads(fout)
        except json.JSONDecodeError as e:
            problems.append(f"--format {fmt} is not valid JSON: {e}")
            continue
        if fmt == "json" and doc.get("errors") != errors:
            problems.append(f"--format json reports {doc.get('errors')} errors, text {errors}")
        if fmt == "sarif":
            results = doc["runs"][0]["results"]
            n = sum(1 for r in results if r.get("level") == "error")
            if doc.get("version") != "2.1.0" or n != errors:
                problems.append(f"--format sarif: version {doc.get('version')}, {n} errors")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gwc", required=True)
    ap.add_argument("--dir", default=os.path.dirname(os.path.abspath(__file__)))
    a = ap.parse_args()
    update = os.environ.get("GW_UPDATE_GOLDEN") == "1"
    names = sorted(f[:-3] for f in os.listdir(a.dir) if f.endswith(".gw"))
    failed = 0
    for name in names:
        problems = check_case(os.path.abspath(a.gwc), a.dir, name, update)
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
    print(f"{len(names) - failed}/{len(names)} golden cases passed" +
          (" (expected files rewritten)" if update else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
