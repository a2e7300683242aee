#!/usr/bin/env bash
# The rules the folder names promise, each failing with the offending lines.
#
# The core (libpixsync/src) knows interfaces, never a particular plugin or the original
# service's files: those live in plugins/ and compat/original. Even a comment counts.
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

# The plugin SDK (libpixsync/include/pixsync/*.hpp) stands alone: it includes neither the host
# API (pixsync/host/) nor the internal helpers (pixsync/util/), whose promises are weaker.
if hits=$(grep -nE '#include [<"]pixsync/(host|util)/' "$root"/libpixsync/include/pixsync/*.hpp); then
    echo "$hits" >&2
    echo "a plugin SDK header includes a host or helper header (above); see docs/library.md" >&2
    exit 1
fi
echo "the plugin SDK headers include only the SDK"
