#!/usr/bin/env bash
# The mutation script's own test, on a small fixture (fixture/): a mutant the fixture's test
# notices is reported killed, one written down in fixture/tests/mutation-equivalents.txt is
# reported as equivalent, and with that entry gone the same mutant is a survivor that fails
# the run. Needs only python3 and a C++ compiler.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/fixture" "$work/tree"
git -C "$work/tree" init -q && git -C "$work/tree" add -A

mutate() {
    python3 "$here/../../scripts/mutate.py" --tree "$work/tree" --source-dirs src \
        --build-dir "$work/build" --build-cmd "c++ -std=c++20 -Isrc src/clamp.cpp clamp_test.cpp -o clamp_test" \
        --test-cmd "./clamp_test" "$@"
}
fail() { echo "mutate self-test: $*" >&2; exit 1; }

out=$(mutate --all --operators relational,negation) || fail "a run without survivors failed: $out"
echo "$out"
grep -q 'src/clamp.cpp:5: negation: if (!(n < low)) return low; -> killed' <<<"$out" ||
    fail "the negated lower bound was not reported killed"
grep -q 'src/clamp.cpp:5: relational: if (n <= low) return low; -> equivalent: n == low returns low either way' <<<"$out" ||
    fail "the equivalent mutant was not reported as equivalent"
grep -q 'score 100.0 % (2 of 2 non-equivalent mutants killed)' <<<"$out" || fail "wrong score"

# Without its entry the equivalent mutant survives, and the run says so and fails.
sed -i '/n <= low/d' "$work/tree/tests/mutation-equivalents.txt"
if out=$(mutate --all --operators relational); then fail "a run with a survivor succeeded: $out"; fi
grep -q 'src/clamp.cpp:5: relational: if (n < low) return low; => if (n <= low) return low;' <<<"$out" ||
    fail "the survivor was not listed with file:line: $out"
grep -q 'score 0.0 % (0 of 1 non-equivalent mutants killed)' <<<"$out" || fail "wrong score: $out"
echo "mutate self-test: passed"
