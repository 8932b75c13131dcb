"""Trunk post-build step of the dashboard: build the wasm, cut it into chunks, boot it.

Trunk cannot split a wasm (the cut happens between cargo and wasm-bindgen; see
../shared/TOOLCHAIN.md), so index.html has no rust link and this script does what
Trunk's rust pipeline did, with the split in the middle:

1. `cargo build --bin call-dashboard` for wasm32 with `--emit-relocs` (the splitter
   needs the relocations) and `--cfg dashboard_split` (src/parts.rs marks the split
   points only then), in its own target directory so other builds keep their cache;
2. `wasm-split-cli`: the main module plus one chunk per split point and shared chunks,
   and the loader `__wasm_split.js` that fetches them;
3. `wasm-bindgen --target web --keep-lld-exports` on the main module (the chunks link
   to its exports);
4. `wasm-opt` on every wasm file (release builds);
5. every output is named `<name>-<hash>` (one hash over all of them, so a name never
   stands for two contents and hashed files can be cached for ever), references inside
   the JS follow, and index.html gets the boot script (a file: the CSP forbids inline
   scripts) with a modulepreload of the glue and a preload of the main wasm, under
   Trunk's public URL.

Environment: TRUNK_STAGING_DIR, TRUNK_PROFILE (release or debug), TRUNK_PUBLIC_URL;
WASM_OPT_PARAMS overrides the wasm-opt flags.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "call-dashboard"
TARGET_DIR = os.path.join(ROOT, "target", "split")
# The features every browser the dashboard supports has; the same list Trunk used.
WASM_OPT = (
    "-Oz --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int "
    "--enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue "
    "--enable-call-indirect-overlong"
)


def run(cmd, **kw):
    print("build_wasm: " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)


def main():
    staging = os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        sys.exit("build_wasm: TRUNK_STAGING_DIR is not set (run me from Trunk)")
    release = os.environ.get("TRUNK_PROFILE", "debug") == "release"
    public = os.environ.get("TRUNK_PUBLIC_URL", "/")
    if not public.endswith("/"):
        public += "/"

    env = dict(os.environ)
    # RUSTFLAGS replaces .cargo/config.toml's rustflags, so `erase_components` is repeated.
    env["RUSTFLAGS"] = "-Clink-args=--emit-relocs --cfg dashboard_split --cfg erase_components"
    profile = ["--release"] if release else []
    run(
        ["cargo", "build", *profile, "--target", "wasm32-unknown-unknown", "--bin", NAME,
         "--target-dir", TARGET_DIR],
        cwd=ROOT, env=env,
    )
    built = os.path.join(TARGET_DIR, "wasm32-unknown-unknown", "release" if release else "debug",
                         NAME + ".wasm")

    with tempfile.TemporaryDirectory(prefix="build_wasm-") as work:
        split_dir = os.path.join(work, "split")
        out = os.path.join(work, "out")
        os.makedirs(split_dir)
        os.makedirs(out)
        run(["wasm-split-cli", "--target", "web", "--out-name", NAME, built, split_dir])
        run(["wasm-bindgen", "--target", "web", "--keep-lld-exports", "--no-demangle",
             "--no-typescript", "--out-name", NAME, "--out-dir", out,
             os.path.join(split_dir, NAME + ".wasm")])
        for f in os.listdir(split_dir):
            if f != NAME + ".wasm":
                shutil.copy(os.path.join(split_dir, f), out)
        if release:
            params = os.environ.get("WASM_OPT_PARAMS", WASM_OPT).split()
            for f in sorted(os.listdir(out)):
                if f.endswith(".wasm"):
                    p = os.path.join(out, f)
                    run(["wasm-opt", *params, p, "-o", p])
        place(out, staging, public)


def place(out, staging, public):
    """Names every file of `out` by one hash, fixes the references, writes the boot."""
    files = sorted(os.listdir(out))
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.encode() + b"\0" + open(os.path.join(out, f), "rb").read())
    h = digest.hexdigest()[:16]

    def hashed(f):
        if f == "__wasm_split.js":
            return f"wasm-split-{h}.js"
        if f == NAME + "_bg.wasm":
            return f"{NAME}-{h}_bg.wasm"
        stem, ext = f.rsplit(".", 1)
        return f"{stem}-{h}.{ext}"

    names = {f: hashed(f) for f in files}
    for f in files:
        data = open(os.path.join(out, f), "rb").read()
        if f.endswith(".js"):
            text = data.decode("utf-8")
            for old, new in names.items():
                # Only module specifiers (`from "./x.js"`) and fetched URLs
                # (`new URL("./x.wasm", …)`); the same text as an import-object key
                # names the wasm's import module and must stay.
                text = re.sub(r"""(\bfrom\s*|\bURL\(\s*)(['"])\./""" + re.escape(old) + r"""\2""",
                              lambda m: f"{m.group(1)}{m.group(2)}./{new}{m.group(2)}", text)
            data = text.encode("utf-8")
        with open(os.path.join(staging, names[f]), "wb") as w:
            w.write(data)

    glue, wasm = names[NAME + ".js"], names[NAME + "_bg.wasm"]
    boot = (
        f"import init from '{public}{glue}';\n"
        f"await init({{ module_or_path: '{public}{wasm}' }});\n"
    )
    boot_name = f"boot-{hashlib.sha256(boot.encode()).hexdigest()[:16]}.js"
    with open(os.path.join(staging, boot_name), "w", encoding="utf-8") as w:
        w.write(boot)

    index = os.path.join(staging, "index.html")
    html = open(index, encoding="utf-8").read()
    tags = (
        f'<link rel="modulepreload" href="{public}{glue}" crossorigin="anonymous">\n'
        f'    <link rel="modulepreload" href="{public}{names["__wasm_split.js"]}" crossorigin="anonymous">\n'
        f'    <link rel="preload" href="{public}{wasm}" as="fetch" type="application/wasm" crossorigin="anonymous">\n'
        f'    <script type="module" src="{public}{boot_name}"></script>\n'
        "  </head>"
    )
    if html.count("</head>") != 1:
        sys.exit("build_wasm: index.html must have one </head>")
    html = html.replace("</head>", tags)
    # The skipped rust link (index.html) has done its job: keep it out of the page.
    html = re.sub(r'\s*<link data-trunk rel="rust"[^>]*>', "", html)
    html = re.sub(r'\s*<!-- Skipped: .*?-->', "", html, flags=re.S)
    # Trunk bakes a fixed nonce into its tags; our CSP uses none, so drop them.
    html = re.sub(r' nonce="[^"]*"', "", html)
    open(index, "w", encoding="utf-8").write(html)
    sizes = ", ".join(f"{names[f]} {os.path.getsize(os.path.join(staging, names[f]))} B" for f in files)
    print(f"build_wasm: wrote {boot_name}, {sizes}")


if __name__ == "__main__":
    main()
