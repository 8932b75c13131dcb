#!/bin/sh
# Trunk's post-build hook. Trunk starts all hooks of a stage at once, so the steps that
# build on each other run here, in order, on the staging directory:
#  1. the dashboard (`post_build.sh split`): build the wasm, cut it into chunks and
#     write its boot script (tools/build_wasm.py); the floor app, built by Trunk's own
#     rust pipeline: move Trunk's inline boot script into a file (tools/externalize_boot.py);
#  2. copy index.html to 404.html, so a host without rewrite rules that answers unknown
#     paths with its 404.html (GitHub Pages and the like) still boots the app on a deep
#     link, with the deep link kept in the address bar and no inline script;
#  3. in release builds only, write the .gz and .br siblings (tools/precompress.mjs);
#     `trunk serve`'s debug builds skip it (brotli 11 on a debug wasm takes long).
# The floor app (end2end/bench/floor) runs it too, from its own directory.
set -eu
: "${TRUNK_STAGING_DIR:?run me from Trunk}"
tools=$(dirname "$0")
if [ "${1:-}" = split ]; then
  python3 "$tools/build_wasm.py"
else
  python3 "$tools/externalize_boot.py"
fi
cp "$TRUNK_STAGING_DIR/index.html" "$TRUNK_STAGING_DIR/404.html"
if [ "${TRUNK_PROFILE:-}" = release ]; then
  node "$tools/precompress.mjs" "$TRUNK_STAGING_DIR"
fi
