#!/usr/bin/env bash
# Formats every C++ file of the project with clang-format (.clang-format), or with --check
# lists the ones that differ and fails (scripts/test.sh runs the check first).
# Usage: scripts/format.sh [--check]
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find apps bench compat examples libpixsync plugins tests \
  \( -name '*.cpp' -o -name '*.hpp' \) -not -path '*/build*' | sort)
if [ "${1:-}" = "--check" ]; then
  bad=()
  for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if [ ${#bad[@]} -gt 0 ]; then
    printf '  %s\n' "${bad[@]}" >&2
    echo "format: ${#bad[@]} of ${#files[@]} C++ files differ from .clang-format; run scripts/format.sh" >&2
    exit 1
  fi
  echo "format: all ${#files[@]} C++ files match .clang-format"
else
  clang-format -i "${files[@]}"
fi
