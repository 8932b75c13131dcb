// Writes a gzip (level 9) and a brotli (quality 11) sibling beside every text asset of
// a built site, for servers that send precompressed files: `dashboard-server` (tower-http
// ServeDir), nginx's `gzip_static` / `brotli_static`, and static hosts that do the same.
//
//   node tools/precompress.mjs DIR
//
// Node's own zlib does both formats, so nothing beyond Node (already needed for
// wasm-opt and the tests) is installed for it. `config.json` is left alone: operators
// edit it after the build, and nginx would keep serving a stale `config.json.gz` beside
// the edited file. Old `.gz`/`.br` files are replaced, never left without their source.
import { readdirSync, readFileSync, writeFileSync, statSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Extensions of the files worth compressing (everything Trunk writes but images). */
export const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.svg', '.json', '.txt', '.xml', '.map']);
/** Files never precompressed, because they are meant to be edited where they are served. */
export const EDITABLE = new Set(['config.json']);

/** Whether `file` (a name relative to the site's root) gets precompressed siblings. */
export function wanted(file) {
  return TEXT.has(path.extname(file)) && !EDITABLE.has(file);
}

function* walk(dir, rel = '') {
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) yield* walk(dir, name);
    else if (entry.isFile()) yield name;
  }
}

/** Compresses every wanted file under `dir`; returns [file, raw, gzip, brotli] rows. */
export function precompress(dir) {
  const rows = [];
  for (const file of [...walk(dir)].sort()) {
    const full = path.join(dir, file);
    if (file.endsWith('.gz') || file.endsWith('.br')) {
      // A sibling whose source is gone (or is no longer compressed) would be served stale.
      const source = file.slice(0, -3);
      if (!existsSync(path.join(dir, source)) || !wanted(source)) rmSync(full);
      continue;
    }
    if (!wanted(file)) continue;
    const raw = readFileSync(full);
    // gzipSync writes mtime 0 in the header, so the output depends only on the input.
    const gz = zlib.gzipSync(raw, { level: 9 });
    const br = zlib.brotliCompressSync(raw, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
        [zlib.constants.BROTLI_PARAM_MODE]: file.endsWith('.wasm') ? zlib.constants.BROTLI_MODE_GENERIC : zlib.constants.BROTLI_MODE_TEXT,
      },
    });
    writeFileSync(`${full}.gz`, gz);
    writeFileSync(`${full}.br`, br);
    rows.push([file, statSync(full).size, gz.length, br.length]);
  }
  return rows;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const dir = process.argv[2];
  if (!dir || !existsSync(dir)) {
    console.error('usage: node tools/precompress.mjs DIR (an existing built site)');
    process.exit(2);
  }
  const rows = precompress(dir);
  const kib = (n) => (n / 1024).toFixed(1).padStart(8);
  for (const [file, raw, gz, br] of rows) console.log(`precompress: ${kib(raw)} KiB raw ${kib(gz)} gz ${kib(br)} br  ${file}`);
}
