"""Trunk post-build hook: move Trunk's inline boot script into a hashed file.

Trunk writes a <script type="module"> into index.html that imports the wasm-bindgen
glue and starts the app. A Content-Security-Policy of script-src 'self' (no
'unsafe-inline') blocks that script, so this hook writes it to boot-<hash>.js in the
staging directory and points index.html at it. Paths inside stay as Trunk made them.
"""

import hashlib
import os
import re
import sys

staging = os.environ.get("TRUNK_STAGING_DIR")
if not staging:
    sys.exit("externalize_boot: TRUNK_STAGING_DIR is not set (run me from Trunk)")
index = os.path.join(staging, "index.html")
html = open(index, encoding="utf-8").read()
pattern = re.compile(r'<script type="module"(?: nonce="[^"]*")?>(.*?)</script>', re.S)
scripts = pattern.findall(html)
if len(scripts) != 1:
    sys.exit(f"externalize_boot: expected one inline module script, found {len(scripts)}")
body = scripts[0].strip() + "\n"
digest = hashlib.sha256(body.encode()).hexdigest()[:16]
name = f"boot-{digest}.js"
with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
    f.write(body)
# The boot file sits beside index.html, so reference it like the other assets.
href_match = re.search(r'<link rel="modulepreload" href="([^"]*?)[^"/]*\.js"', html)
prefix = href_match.group(1) if href_match else ""
tag = f'<script type="module" src="{prefix}{name}"></script>'
html = pattern.sub(lambda _: tag, html, count=1)
# Trunk also bakes a fixed nonce into tags; a nonce that never changes protects
# nothing, and our CSP does not use nonces, so drop them.
html = re.sub(r' nonce="[^"]*"', "", html)
open(index, "w", encoding="utf-8").write(html)
print(f"externalize_boot: wrote {name}")
