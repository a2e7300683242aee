#!/usr/bin/env python3
"""Every test docs/testing.md names must exist.
   testing_doc_check.py SOURCE_DIR
Names are backticked `Suite.Name` (a gtest TEST/TEST_F/TEST_P in tests/), `e2e.<scenario>` (a
scenario of tests/e2e/scenarios/scenarios.py) or another ctest name given by add_test(NAME …)."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
doc = (root / "docs" / "testing.md").read_text()
named = set(re.findall(r"`([A-Za-z_]\w*\.\w+)`", doc))

known = set()
for source in (root / "tests").rglob("*.cpp"):
    for suite, name in re.findall(r"\bTEST(?:_F|_P)?\(\s*(\w+)\s*,\s*(\w+)\s*\)", source.read_text()):
        known.add(f"{suite}.{name}")
scenarios = (root / "tests" / "e2e" / "scenarios" / "scenarios.py").read_text()
known.update("e2e." + s for s in re.findall(r'^\s*"(\w+)": \(\w+,', scenarios, re.M))
for cmake in (root / "tests").rglob("CMakeLists.txt"):
    known.update(re.findall(r"add_test\(NAME\s+([\w.]+)", cmake.read_text()))

# `command_run.cpp` and the like are file names, not tests.
FILES = (".cpp", ".hpp", ".md", ".py", ".sh", ".txt", ".json", ".jsonl", ".so", ".db")
named = {n for n in named if not n.endswith(FILES)}
missing = sorted(n for n in named if n not in known)
if len(named) < 50:
    sys.exit(f"docs/testing.md names only {len(named)} tests; is the table there?")
if missing:
    sys.exit("docs/testing.md names tests that do not exist (renamed or removed?):\n  " +
             "\n  ".join(missing))
print(f"docs/testing.md: all {len(named)} named tests exist")
