#!/usr/bin/env bash
# Mutation testing: plants one fault at a time (a comparison turned around, a condition
# negated, a constant off by one, a statement removed, ...), builds it incrementally in
# build-mutate/ and runs the unit and integration tests, stopping at the first failure.
# Prints the survivors with file:line and the score. A development tool, not a CI step (a
# mutant takes minutes); its self-test (tests/mutate/self_test.sh) runs in CI.
#
#   scripts/mutate.sh --diff origin/main            # the lines a change touches
#   scripts/mutate.sh --sample 50 --seed 1          # a seeded sample of the whole tree
#   scripts/mutate.sh --sample 20 --files 'libpixsync/src/engine/*' --list
#   scripts/mutate.sh --help
set -euo pipefail
exec python3 "$(dirname "$0")/mutate.py" "$@"
