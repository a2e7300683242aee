#!/usr/bin/env bash
# install_and_embed.sh BUILD_DIR EXAMPLES_DIR WORK_DIR TEST_PLUGINS_DIR [COMPILER_FLAGS]
# Installs the build into a scratch prefix; builds examples/embed and examples/custom-sink
# against it with find_package(pixsync) only; runs the installed pixsync with the custom sink,
# the folder sink and a test source; checks that a plugin built for another ABI is refused.
set -euo pipefail
build=$1 examples=$2 work=$3 test_plugins=$4 flags=${5:-}
# In the sanitizer build the examples get the same instrumentation as the library they link.
example_flags=()
if [ -n "$flags" ]; then
  example_flags=("-DCMAKE_CXX_FLAGS=$flags" "-DCMAKE_EXE_LINKER_FLAGS=$flags"
                 "-DCMAKE_SHARED_LINKER_FLAGS=$flags" "-DCMAKE_MODULE_LINKER_FLAGS=$flags")
  # LeakSanitizer's exit-time scan crashes once libvips' threads exist (apps/pixsync/main.cpp).
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/pixsync"
test -f "$prefix/lib/pkgconfig/pixsync.pc"
test -f "$prefix/include/pixsync/host/engine.hpp"
# The installed binary finds the installed plugins with no environment set.
plugins=$(env -u PIXSYNC_PLUGIN_PATH "$prefix/bin/pixsync" plugins)
echo "$plugins"
echo "$plugins" | grep -q "^sqlite state .* $prefix/lib/pixsync/plugins/pixsync-sqlite.so$"
echo "$plugins" | grep -q "^folder sink .* $prefix/lib/pixsync/plugins/pixsync-folder.so$"
# pkg-config sees the package, and its paths follow the prefix it was installed to (this
# scratch prefix is not the one the build was configured with).
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --modversion pixsync
cat > "$work/pc.cpp" <<'CPP'
#include <pixsync/version.hpp>
#include <cstdio>
int main() { std::printf("pixsync %s\n", pixsync::kVersion); }
CPP
# shellcheck disable=SC2046,SC2086 # pkg-config prints a list of flags
c++ "$work/pc.cpp" -o "$work/pc" $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs pixsync) $flags
LD_LIBRARY_PATH="$prefix/lib" "$work/pc" | grep -q "^pixsync "
# No installed header reaches into the library's sources.
if grep -rn '#include "\.\./\|src/' "$prefix/include/pixsync"; then exit 1; fi

# --- embedding: another project builds against the installed package only ----------------
cmake -S "$examples/embed" -B "$work/embed" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" "${example_flags[@]}" >/dev/null
cmake --build "$work/embed" >/dev/null
out=$(env -u PIXSYNC_PLUGIN_PATH LD_LIBRARY_PATH="$prefix/lib" "$work/embed/pixsync-embed")
echo "$out"
echo "$out" | grep -q "^libpixsync "
echo "$out" | grep -q "^plugin sqlite (state)"
echo "$out" | grep -q "^plugin folder (sink)"
# One pass over a folder of pictures into the installed folder sink; the second pass sends nothing.
mkdir -p "$work/pictures" "$work/frames"   # the sink never creates its root
vips black "$work/pictures/garden.png" 2400 1600 --bands 3
vips black "$work/pictures/portrait.jpg" 600 900 --bands 3
run_embed() {
  (cd "$work" && env -u PIXSYNC_PLUGIN_PATH LD_LIBRARY_PATH="$prefix/lib" \
    "$work/embed/pixsync-embed" "$work/pictures" "$work/frames" "$work/embed.db")
}
originals=$(md5sum "$work/pictures/"*)
out=$(run_embed)
echo "$out"
echo "$out" | grep -q "^poll pictures: 2 listed, 2 queued$"
# The source lends its files (Source::localMedia): read in place, left as they were.
[ "$(md5sum "$work/pictures/"*)" = "$originals" ]
echo "$out" | grep -q "^delivered 2 "
test "$(ls "$work/frames/frame" | grep -c '\.jpg$')" = 2
out=$(run_embed)
echo "$out" | grep -q "^poll pictures: 2 listed, 0 queued$"
echo "$out" | grep -q "^delivered 0 "

# --- the plugin SDK: an out-of-tree sink built against the installed package only ----------
cmake -S "$examples/custom-sink" -B "$work/custom-sink" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" "${example_flags[@]}" >/dev/null
cmake --build "$work/custom-sink" >/dev/null
listed=$(env -u PIXSYNC_PLUGIN_PATH "$prefix/bin/pixsync" plugins --plugin-dir "$work/custom-sink")
echo "$listed"
echo "$listed" | grep -q "^jsonl-log sink 1.0.0 $work/custom-sink/pixsync-jsonl-log.so$"

# The installed pixsync runs it from a native config, beside the folder sink, fed by the test
# source that reads a JSON-lines listing.
mkdir -p "$work/run"
cat > "$work/run/listing.jsonl" <<'LISTING'
{"id": "vid-0001", "file": "holiday.mp4", "kind": "video"}
{"id": "vid-0002", "file": "party.mp4", "kind": "video"}
LISTING
cat > "$work/run/pixsync.json" <<'CONFIG'
{
  // Paths are relative to this file.
  "state": {"plugin": "sqlite", "options": {"path": "state.db"}},
  "sources": [{"name": "listing", "plugin": "test-listing", "options": {"listing_file": "listing.jsonl"}}],
  "sinks": [
    {"name": "share", "plugin": "folder", "options": {"root": "share"}},
    {"name": "audit", "plugin": "jsonl-log", "options": {"file": "deliveries.jsonl"}},
  ],
  "routes": [
    {"id": "to-share", "source": "listing", "sink": "share", "destinations": ["living-room"]},
    {"id": "to-audit", "source": "listing", "sink": "audit", "destinations": ["audit-trail"]},
  ],
  "log": {"file": "pixsync.log"},
}
CONFIG
mkdir -p "$work/run/share"
run_once() {
  env -u PIXSYNC_PLUGIN_PATH -u PIXSYNC_CONFIG "$prefix/bin/pixsync" --config "$work/run/pixsync.json" \
    --plugin-dir "$test_plugins" --plugin-dir "$work/custom-sink" once
}
run_once
test "$(wc -l < "$work/run/deliveries.jsonl")" = 2
grep -q '"route":"to-audit","asset":"vid-0001","file":"holiday.mp4","destination":"audit-trail","bytes":' \
  "$work/run/deliveries.jsonl"
grep -q '"asset":"vid-0002","file":"party.mp4"' "$work/run/deliveries.jsonl"
test -f "$work/run/share/living-room/undated_holiday_vid-0001.mp4"
test -f "$work/run/share/living-room/undated_party_vid-0002.mp4"
# A second pass delivers nothing again.
run_once
test "$(wc -l < "$work/run/deliveries.jsonl")" = 2

# --- ABI versioning: a copy built for another major version is refused, with both versions --
major=$(sed -n 's/.*kPluginAbiMajor = \([0-9]*\);.*/\1/p' "$prefix/include/pixsync/plugin.hpp")
minor=$(sed -n 's/.*kPluginAbiMinor = \([0-9]*\);.*/\1/p' "$prefix/include/pixsync/plugin.hpp")
bumped=$((major + 1))
cmake -S "$examples/custom-sink" -B "$work/custom-sink-abi" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DPIXSYNC_TEST_ABI_MAJOR="$bumped" "${example_flags[@]}" >/dev/null
cmake --build "$work/custom-sink-abi" >/dev/null
env -u PIXSYNC_PLUGIN_PATH "$prefix/bin/pixsync" plugins --plugin-dir "$work/custom-sink-abi" \
  >"$work/abi.out" 2>"$work/abi.err"
cat "$work/abi.err"
if grep "^jsonl-log " "$work/abi.out"; then exit 1; fi
grep -q "pixsync-jsonl-log.so: plugin ABI version $bumped.$minor found, expected $major.x" "$work/abi.err"

# --- the documentation's examples, from the text of docs/*.md -----------------------------
bash "$(dirname "${BASH_SOURCE[0]}")/doc_examples.sh" "$prefix" "$work/doc-examples" "$examples/../docs" \
  "${example_flags[@]}"

echo "install and embed: ok"
