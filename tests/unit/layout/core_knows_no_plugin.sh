#!/usr/bin/env bash
# The core (libpixsync/src) knows interfaces, never a particular plugin or the original
# service's files: those live in plugins/ and compat/original. Fails naming each line that
# mentions one, even in a comment.
set -euo pipefail
root="$1"
pattern='immich|pixstar|sqlite|state-json|mapping\.json|\.env\b'
if hits=$(grep -rniE "$pattern" "$root/libpixsync/src" "$root/libpixsync/CMakeLists.txt"); then
    echo "$hits" >&2
    echo "libpixsync/src names a plugin or the original's files (above): move that knowledge to" \
         "the plugin or to compat/original" >&2
    exit 1
fi
echo "libpixsync/src names no plugin"
