#!/usr/bin/env python3
"""Mutation testing for pixsync: plants one small fault at a time in the sources (a comparison
turned around, a condition negated, a constant off by one, a statement removed, ...), builds
it incrementally in a build folder of its own and runs the tests, stopping at the first one
that fails. A mutant no test notices "survives": either a test is missing or too loose, or the
mutant cannot change behaviour (an equivalent mutant), which is then written down with one
line why in tests/mutation-equivalents.txt. Run through scripts/mutate.sh; see --help."""

import argparse
import fnmatch
import hashlib
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_DIRS = ("libpixsync/src", "plugins", "apps", "compat")
EQUIVALENTS = "tests/mutation-equivalents.txt"

# Binary operators are matched with the spaces clang-format puts around them, which keeps
# template brackets, pointers and stream operators out.
SWAPS = {
    "relational": [(" <= ", " < "), (" < ", " <= "), (" >= ", " > "), (" > ", " >= "),
                   (" == ", " != "), (" != ", " == ")],
    "logical": [(" && ", " || "), (" || ", " && ")],
    "arithmetic": [(" + ", " - "), (" - ", " + "), (" * ", " / "), (" / ", " * ")],
}
OPERATORS = ("relational", "logical", "negation", "arithmetic", "constant", "statement", "return")


def code_part(line):
    """The line without a trailing // comment, and whether it is code worth mutating."""
    stripped = line.strip()
    if (not stripped or stripped.startswith(("//", "#", "*", "/*")) or "static_assert" in line
            or stripped.startswith(("case ", "default:"))):
        return None
    cut = line.find("//")
    return line if cut < 0 else line[:cut]


def outside_strings(code, start, end):
    """True when code[start:end] is not inside a string or character literal."""
    quotes = 0
    i = 0
    while i < start:
        if code[i] == "\\":
            i += 2
            continue
        if code[i] in "\"'":
            quotes += 1
        i += 1
    return quotes % 2 == 0


def matching_paren(code, open_at):
    depth = 0
    for i in range(open_at, len(code)):
        if code[i] == "(":
            depth += 1
        elif code[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def mutants_of(line):
    """(operator, mutated line) for every mutant of one source line."""
    code = code_part(line)
    if code is None:
        return []
    rest = line[len(code):]
    out = []
    for op, pairs in SWAPS.items():
        for old, new in pairs:
            for m in re.finditer(re.escape(old), code):
                if outside_strings(code, m.start(), m.end()):
                    out.append((op, code[:m.start()] + new + code[m.end():] + rest))
    for m in re.finditer(r"\b(if|while) \(", code):
        close = matching_paren(code, m.end() - 1)
        if close > 0 and outside_strings(code, m.start(), close):
            inner = code[m.end():close]
            out.append(("negation", code[:m.end()] + "!(" + inner + ")" + code[close:] + rest))
    for m in re.finditer(r"(?<![\w.'])(\d+)(?![\w.'])", code):
        if not outside_strings(code, m.start(), m.end()):
            continue
        n = int(m.group(1))
        for v in (n + 1, n - 1):
            if v >= 0:
                out.append(("constant", code[:m.start()] + str(v) + code[m.end():] + rest))
    for old, new in (("return true;", "return false;"), ("return false;", "return true;")):
        if old in code:
            out.append(("return", code.replace(old, new, 1) + rest))
    s = code.strip()
    # A whole statement on one line that is a call or an assignment (not a declaration,
    # not control flow): removed.
    if (s.endswith(";") and not s.startswith(("return", "break", "continue", "throw", "using",
                                              "namespace", "}", "{", "case", "goto"))
            and not re.match(r"^(const |static |auto |std::|[A-Z]\w*[<\w:>]* \w+)", s)
            and re.match(r"^[\w.\->:\[\]*()]+(\(|\s*[-+*/|&]?=\s|\+\+|--)", s)
            and s.count("(") == s.count(")")):
        indent = line[:len(line) - len(line.lstrip())]
        out.append(("statement", indent + ";\n"))
    return out


def source_files(tree, patterns):
    files = []
    for d in SOURCE_DIRS:
        base = os.path.join(tree, d)
        for dirpath, _, names in os.walk(base):
            for n in sorted(names):
                if n.endswith(".cpp"):
                    files.append(os.path.relpath(os.path.join(dirpath, n), tree))
    if patterns:
        files = [f for f in files if any(fnmatch.fnmatch(f, p) for p in patterns)]
    return sorted(files)


def changed_lines(tree, ref):
    """{file: {line numbers}} of the lines `git diff ref` adds or changes."""
    diff = subprocess.run(["git", "-C", tree, "diff", "-U0", ref, "--", *SOURCE_DIRS],
                          capture_output=True, text=True, check=True).stdout
    lines, current = {}, None
    for row in diff.splitlines():
        if row.startswith("+++ "):
            current = row[6:] if row.startswith("+++ b/") else None
        elif row.startswith("@@") and current and current.endswith(".cpp"):
            m = re.search(r"\+(\d+)(?:,(\d+))?", row)
            start, count = int(m.group(1)), int(m.group(2) or 1)
            lines.setdefault(current, set()).update(range(start, start + count))
    return lines


def candidates(tree, files, only_lines, operators):
    out = []
    for f in files:
        with open(os.path.join(tree, f), encoding="utf-8") as fh:
            text = fh.readlines()
        for number, line in enumerate(text, 1):
            if only_lines is not None and number not in only_lines.get(f, ()):
                continue
            for op, mutated in mutants_of(line):
                if op in operators and mutated != line:
                    out.append({"file": f, "line": number, "op": op, "original": line,
                                "mutant": mutated})
    return out


def load_equivalents(path):
    """{(file, original, mutant): why} from lines `file: original => mutant  # why`."""
    found = {}
    if not os.path.exists(path):
        return found
    with open(path, encoding="utf-8") as fh:
        for row in fh:
            row = row.rstrip("\n")
            if not row.strip() or row.startswith("#"):
                continue
            m = re.match(r"^(\S+): (.*?) => (.*?)\s+#\s+(.*)$", row)
            if not m:
                sys.exit(f"{path}: cannot read '{row}': expected 'file: original => mutant  # why'")
            found[(m.group(1), m.group(2).strip(), m.group(3).strip())] = m.group(4)
    return found


def run(cmd, cwd, log, timeout):
    with open(log, "w") as out:
        try:
            return subprocess.run(cmd, cwd=cwd, shell=True, stdout=out, stderr=subprocess.STDOUT,
                                  timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            return "timeout"


def copy_tree(src, dst):
    """Copies the checkout's files (tracked and new, as they are now) into dst, leaving files
    that did not change alone so that the build stays incremental."""
    listed = subprocess.run(["git", "-C", src, "ls-files", "-co", "--exclude-standard"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    for rel in listed:
        a, b = os.path.join(src, rel), os.path.join(dst, rel)
        if not os.path.isfile(a):
            continue
        if os.path.exists(b) and open(a, "rb").read() == open(b, "rb").read():
            continue
        os.makedirs(os.path.dirname(b), exist_ok=True)
        shutil.copy2(a, b)


def main():
    p = argparse.ArgumentParser(
        prog="scripts/mutate.sh",
        description="Plants one fault at a time and runs the tests against it; prints the "
                    "survivors (file:line, operator, the mutated line) and the score.")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--diff", metavar="REF", help="mutate the lines `git diff REF` touches")
    which.add_argument("--sample", type=int, metavar="N", help="a random sample of N mutants")
    which.add_argument("--all", action="store_true", help="every mutant of the files chosen")
    p.add_argument("--seed", type=int, default=1, help="the sample's seed (default 1)")
    p.add_argument("--files", nargs="*", default=[], metavar="GLOB",
                   help="only files matching these globs (relative to the tree)")
    p.add_argument("--operators", default=",".join(OPERATORS),
                   help=f"comma-separated, of {', '.join(OPERATORS)}")
    p.add_argument("--tests", default="-L 'unit|integration'",
                   help="ctest arguments choosing the tests (default: -L 'unit|integration')")
    p.add_argument("--build-dir", default=os.path.join(ROOT, "build-mutate"),
                   help="where the tree is copied and built (default build-mutate)")
    p.add_argument("--list", action="store_true", help="list the mutants, build nothing")
    p.add_argument("--timeout", type=int, default=1800, help="seconds per build or test run")
    # For the script's own test: another tree, with its own build and test commands.
    p.add_argument("--tree", default=ROOT, help=argparse.SUPPRESS)
    p.add_argument("--build-cmd", help=argparse.SUPPRESS)
    p.add_argument("--test-cmd", help=argparse.SUPPRESS)
    p.add_argument("--source-dirs", help=argparse.SUPPRESS)
    args = p.parse_args()

    global SOURCE_DIRS
    if args.source_dirs:
        SOURCE_DIRS = tuple(args.source_dirs.split(","))
    operators = set(args.operators.split(","))
    unknown = operators - set(OPERATORS)
    if unknown:
        p.error(f"unknown operator(s) {', '.join(sorted(unknown))}; known: {', '.join(OPERATORS)}")
    tree = os.path.abspath(args.tree)
    files = source_files(tree, args.files)
    only = changed_lines(tree, args.diff) if args.diff else None
    pool = candidates(tree, files, only, operators)
    if args.sample is not None:
        pool = random.Random(args.seed).sample(pool, min(args.sample, len(pool)))
    if not pool:
        print("mutate: no mutants (no code lines chosen)")
        return 0
    if args.list:
        for m in pool:
            print(f"{m['file']}:{m['line']}: {m['op']}: {m['mutant'].strip()}")
        print(f"mutate: {len(pool)} mutants")
        return 0

    work = os.path.abspath(args.build_dir)
    src = os.path.join(work, "src")
    build = os.path.join(work, "build")
    logs = os.path.join(work, "logs")
    os.makedirs(logs, exist_ok=True)
    copy_tree(tree, src)
    build_cmd = args.build_cmd or (
        f"cmake -S {shlex.quote(src)} -B {shlex.quote(build)} -G Ninja "
        "-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DPIXSYNC_BUILD_BENCH=OFF "
        "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null && "
        f"cmake --build {shlex.quote(build)} -j {os.cpu_count() or 2}")
    test_cmd = args.test_cmd or (
        f"ctest --test-dir {shlex.quote(build)} {args.tests} --stop-on-failure "
        f"-j {2 * (os.cpu_count() or 2)} --timeout 600")
    equivalents = load_equivalents(os.path.join(tree, EQUIVALENTS))

    print(f"mutate: {len(pool)} mutants; building the unmutated tree first")
    if run(build_cmd, src, os.path.join(logs, "baseline-build.log"), args.timeout) != 0:
        print(f"mutate: the unmutated tree does not build: {logs}/baseline-build.log")
        return 2
    if run(test_cmd, src, os.path.join(logs, "baseline-test.log"), args.timeout) != 0:
        print(f"mutate: the unmutated tree fails its tests: {logs}/baseline-test.log")
        return 2

    killed, survived, equivalent, broken = [], [], [], []
    for i, m in enumerate(pool, 1):
        path = os.path.join(src, m["file"])
        with open(path, encoding="utf-8") as fh:
            original = fh.readlines()
        mutated = list(original)
        mutated[m["line"] - 1] = m["mutant"]
        tag = hashlib.sha1(f"{m['file']}:{m['line']}:{m['mutant']}".encode()).hexdigest()[:8]
        where = f"{m['file']}:{m['line']}"
        started = time.monotonic()
        try:
            with open(path, "w", encoding="utf-8") as fh:
                fh.writelines(mutated)
            built = run(build_cmd, src, os.path.join(logs, f"{tag}-build.log"), args.timeout)
            if built != 0:
                outcome = "does not build"
                broken.append(m)
            else:
                tested = run(test_cmd, src, os.path.join(logs, f"{tag}-test.log"), args.timeout)
                key = (m["file"], m["original"].strip(), m["mutant"].strip())
                if tested != 0:
                    outcome = "killed" if tested != "timeout" else "killed (timeout)"
                    killed.append(m)
                elif key in equivalents:
                    outcome = f"equivalent: {equivalents[key]}"
                    equivalent.append(m)
                else:
                    outcome = "SURVIVED"
                    survived.append(m)
        finally:
            with open(path, "w", encoding="utf-8") as fh:
                fh.writelines(original)
            os.utime(path)  # the next build compiles the restored file again
        print(f"[{i}/{len(pool)}] {where}: {m['op']}: {m['mutant'].strip()} -> {outcome} "
              f"({time.monotonic() - started:.0f} s)", flush=True)

    scored = len(killed) + len(survived)
    print("\nsurvivors (kill each with a sharper test, or add it to "
          f"{EQUIVALENTS} with one line why):" if survived else "\nno survivors")
    for m in survived:
        print(f"  {m['file']}:{m['line']}: {m['op']}: "
              f"{m['original'].strip()} => {m['mutant'].strip()}")
    for m in equivalent:
        why = equivalents[(m["file"], m["original"].strip(), m["mutant"].strip())]
        print(f"  equivalent {m['file']}:{m['line']}: {m['mutant'].strip()}  # {why}")
    score = 100.0 * len(killed) / scored if scored else 100.0
    print(f"mutate: {len(killed)} killed, {len(survived)} survived, {len(equivalent)} "
          f"equivalent, {len(broken)} did not build; score {score:.1f} % "
          f"({len(killed)} of {scored} non-equivalent mutants killed)")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
