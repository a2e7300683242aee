#!/usr/bin/env bash
# install_and_embed.sh BUILD_DIR EXAMPLE_DIR WORK_DIR
set -euo pipefail
build=$1 example=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/pixsync"
test -f "$prefix/lib/pkgconfig/pixsync.pc"
test -f "$prefix/include/pixsync/engine.hpp"
# The installed binary finds the installed plugins with no environment set.
plugins=$(env -u PIXSYNC_PLUGIN_PATH "$prefix/bin/pixsync" plugins)
echo "$plugins"
echo "$plugins" | grep -q "^sqlite state .* $prefix/lib/pixsync/plugins/pixsync-sqlite.so$"
# pkg-config sees the package.
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --modversion pixsync
# Another project builds against the installed package only.
cmake -S "$example" -B "$work/embed" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/embed" >/dev/null
out=$(env -u PIXSYNC_PLUGIN_PATH LD_LIBRARY_PATH="$prefix/lib" "$work/embed/pixsync-embed")
echo "$out"
echo "$out" | grep -q "^libpixsync "
echo "$out" | grep -q "^plugin sqlite (state)"
echo "install and embed: ok"
