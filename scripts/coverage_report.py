#!/usr/bin/env python3
"""Sums gcovr's per-file summary into components and checks them against the minimums.
   coverage_report.py SUMMARY_JSON MINIMUMS_FILE"""
import json
import sys


def component(path):
    parts = path.split("/")
    if parts[0] == "libpixsync":
        return "libpixsync"
    if parts[0] == "plugins" and len(parts) > 2:
        return "plugin " + parts[1]
    if parts[0] == "compat" and len(parts) > 2:
        return "compat " + parts[1]
    if parts[0] == "apps":
        return "cli"
    return None


def main(summary_path, minimums_path):
    files = json.load(open(summary_path))["files"]
    totals = {}
    for f in files:
        name = component(f["filename"])
        if name is None:
            continue
        t = totals.setdefault(name, [0, 0, 0, 0])
        t[0] += f["line_covered"]
        t[1] += f["line_total"]
        t[2] += f["branch_covered"]
        t[3] += f["branch_total"]
    minimums = {}
    for line in open(minimums_path):
        line = line.split("#", 1)[0].strip()
        if line:
            *name, lines, branches = line.split()
            minimums[" ".join(name)] = (float(lines), float(branches))
    print(f"{'component':20} {'lines':>16} {'branches':>16}   minimum (lines / branches)")
    failed = []
    for name in sorted(totals):
        lc, lt, bc, bt = totals[name]
        lp = 100.0 * lc / lt if lt else 100.0
        bp = 100.0 * bc / bt if bt else 100.0
        low = minimums.get(name)
        mark = ""
        if low is None:
            failed.append(f"{name}: no minimum recorded in {minimums_path}")
            mark = "  no minimum"
        elif lp < low[0] or bp < low[1]:
            failed.append(f"{name}: {lp:.1f} % lines / {bp:.1f} % branches, below {low[0]} / {low[1]}")
            mark = "  BELOW"
        print(f"{name:20} {lp:6.1f} % {lc:5}/{lt:<5} {bp:6.1f} % {bc:5}/{bt:<5}   "
              f"{'' if low is None else f'{low[0]} / {low[1]}'}{mark}")
    for name in minimums:
        if name not in totals:
            failed.append(f"{name}: in {minimums_path} but no coverage data (was it built?)")
    if failed:
        print("coverage fell:\n  " + "\n  ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
