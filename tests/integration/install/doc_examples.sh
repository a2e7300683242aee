#!/usr/bin/env bash
# doc_examples.sh PREFIX WORK_DIR DOCS_DIR [CMAKE_ARGS...]
# The documentation's code, built and run: every fenced block right after a line
# `<!-- file: DIR/NAME -->` in DOCS_DIR/*.md is written to WORK_DIR/DIR/NAME; each DIR is built
# against the pixsync installed at PREFIX (find_package only), and what it built is run — the
# hello sink and the shoebox source by the installed pixsync, run-config on its own.
set -euo pipefail
prefix=$1 work=$2 docs=$3
shift 3
rm -rf "$work"
mkdir -p "$work"
python3 - "$work" "$docs"/*.md <<'PY'
import os, re, sys
out, docs = sys.argv[1], sys.argv[2:]
for md in docs:
    lines = open(md, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = re.fullmatch(r"<!-- file: (\S+) -->", lines[i])
        i += 1
        if not m:
            continue
        if i >= len(lines) or not lines[i].startswith("```"):
            sys.exit(f"{md}:{i}: no code block after the file marker")
        end = lines.index("```", i + 1)
        path = os.path.join(out, m.group(1))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines[i + 1:end]) + "\n")
        print(f"{os.path.basename(md)}: {m.group(1)}")
        i = end + 1
PY
for dir in "$work"/*/; do
  cmake -S "$dir" -B "$dir/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" "$@" >/dev/null
  cmake --build "$dir/build" >/dev/null
done
pixsync=("$prefix/bin/pixsync" --plugin-dir "$work/hello-sink/build" --plugin-dir "$work/shoebox/build")

# --- the hello sink and the shoebox source are found --------------------------------------
env -u PIXSYNC_PLUGIN_PATH "${pixsync[@]}" plugins | tee "$work/plugins.out"
grep -q "^hello sink 0.1.0 $work/hello-sink/build/pixsync-hello.so$" "$work/plugins.out"
grep -q "^shoebox source 0.1.0 $work/shoebox/build/pixsync-shoebox.so$" "$work/plugins.out"

# --- the shoebox source feeds the installed folder sink, from the files where they lie ----
run=$work/run
mkdir -p "$run/pictures" "$run/frames"
vips black "$run/pictures/beach.jpg" 1600 1200 --bands 3
vips black "$run/pictures/garden.png" 900 1200 --bands 3
touch -d '2 hours ago' "$run/pictures/beach.jpg" "$run/pictures/garden.png"
cat > "$run/pixsync.json" <<'CONFIG'
{
  "state": {"plugin": "sqlite", "options": {"path": "state.db"}},
  "sources": [{"name": "pictures", "plugin": "shoebox", "options": {"folder": "pictures"}}],
  "sinks": [
    {"name": "frames", "plugin": "folder", "options": {"root": "frames"}},
    {"name": "greeter", "plugin": "hello", "options": {"greeting": "hi"}},
  ],
  "routes": [
    {"id": "pictures", "source": "pictures", "sink": "frames", "destinations": ["kitchen"]},
    {"id": "greetings", "source": "pictures", "sink": "greeter", "destinations": ["anyone"]},
  ],
}
CONFIG
once() { env -u PIXSYNC_PLUGIN_PATH -u PIXSYNC_CONFIG "${pixsync[@]}" --config "$run/pixsync.json" "$@"; }
once check | tee "$run/check.out"
grep -q "shoebox: .*pictures.*a readable folder" "$run/check.out"
originals=$(md5sum "$run/pictures/"*)
once once
test "$(find "$run/frames/kitchen" -name '*.jpg' | wc -l)" = 2
[ "$(md5sum "$run/pictures/"*)" = "$originals" ]  # read in place, left as they were
# The cursor: a new picture is listed incrementally and is the only one delivered.
vips black "$run/pictures/night.jpg" 800 600 --bands 3
once once 2>"$run/second.err"
cat "$run/second.err"
test "$(find "$run/frames/kitchen" -name '*.jpg' | wc -l)" = 3
[ "$(grep -c "hi anyone: " "$run/second.err")" = 1 ]
grep -q "hi anyone: night.jpg" "$run/second.err"

# --- run-config: the same configuration through the library, with its errors -------------
rm -rf "$run/frames/kitchen" "$run/state.db"*
PIXSYNC_PLUGIN_PATH="$work/hello-sink/build:$work/shoebox/build" \
  "$work/run-config/build/run-config" "$run/pixsync.json" 2>"$run/run-config.err"
cat "$run/run-config.err"
grep -q "hi anyone: beach.jpg" "$run/run-config.err"   # the hello sink logs through the Logger
grep -q "delivered 6, failed 0, still queued 0" "$run/run-config.err"  # 3 pictures, 2 routes
test "$(find "$run/frames/kitchen" -name '*.jpg' | wc -l)" = 3
# A misspelt key: exit 2, naming the file and the key.
sed 's/"greeting"/"greting"/' "$run/pixsync.json" > "$run/typo.json"
rc=0
PIXSYNC_PLUGIN_PATH="$work/hello-sink/build:$work/shoebox/build" \
  "$work/run-config/build/run-config" "$run/typo.json" 2>"$run/typo.err" || rc=$?
cat "$run/typo.err"
[ "$rc" = 2 ]
grep -q "typo.json.*greting" "$run/typo.err"
# A plugin nowhere to be found: exit 2, naming the folders searched.
rc=0
env -u PIXSYNC_PLUGIN_PATH "$work/run-config/build/run-config" "$run/pixsync.json" \
  2>"$run/missing.err" || rc=$?
cat "$run/missing.err"
[ "$rc" = 2 ]
grep -q "no sink plugin named 'hello'.*searched $prefix/lib/pixsync/plugins" "$run/missing.err"
echo "documentation examples: ok"
