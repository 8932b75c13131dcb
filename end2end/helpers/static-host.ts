// The dashboard on plain static hosts, as a deploy without dashboard-server would have
// it: the release build made with `--public-url /calls/` (DIST_CALLS, default
// dist-calls/, built by `make test-e2e`), served under /calls/ either by Debian's nginx
// with deploy/nginx.conf, or by a host with no rewrite rules that answers unknown paths
// with 404.html. The site's config.json points the browser at a `dashboard-server api`
// in direct mode.
import { spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO } from './server';

export const DIST_CALLS = path.resolve(REPO, process.env.DIST_CALLS ?? 'dist-calls');
/** Debian's nginx (apt `nginx`, installed by `make tools`). */
export const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';
/** apt `libnginx-mod-http-brotli-static`. */
export const BROTLI_STATIC_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';
export const NGINX_CONF = path.join(REPO, 'deploy', 'nginx.conf');
export const PREFIX = '/calls/';

/** A free TCP port on 127.0.0.1 (nginx cannot listen on port 0 and say where). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A web root whose `calls/` holds DIST_CALLS (each file linked, not copied) and a fresh
 * config.json in direct mode against `apiBase`. Returns the root.
 */
export function siteRoot(apiBase: string): string {
  if (!existsSync(path.join(DIST_CALLS, 'index.html'))) {
    throw new Error(`${DIST_CALLS} has no index.html: build it with \`trunk build --release --public-url /calls/ --dist dist-calls\` (make test-e2e does)`);
  }
  const root = mkdtempSync(path.join(tmpdir(), 'dash-static-'));
  const site = path.join(root, 'calls');
  mkdirSync(site);
  for (const f of readdirSync(DIST_CALLS)) {
    if (f !== 'config.json') symlinkSync(path.join(DIST_CALLS, f), path.join(site, f));
  }
  writeFileSync(path.join(site, 'config.json'), JSON.stringify({ api_base: apiBase, key_mode: 'direct' }));
  return root;
}

/** The built files of DIST_CALLS matching `re` (e.g. the wasm), by name. */
export function distFiles(re: RegExp): string[] {
  return readdirSync(DIST_CALLS).filter((f) => re.test(f) && statSync(path.join(DIST_CALLS, f)).isFile());
}

export interface Host {
  url: string;
  root: string;
  stop(): Promise<void>;
}

async function waitForHttp(url: string, proc: ChildProcess | null, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc && proc.exitCode !== null) throw new Error(`the server exited with ${proc.exitCode}: ${log()}`);
    try {
      await raw(url);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer in 20 s (${e}): ${log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * nginx in the foreground (`daemon off`, no master, so it stays this test's child),
 * with everything it writes in a temp dir, serving `root` through deploy/nginx.conf
 * included unchanged. Fails, never skips, when nginx or its brotli module is missing.
 */
export async function startNginx(root: string, apiOrigin: string): Promise<Host> {
  for (const f of [NGINX, BROTLI_STATIC_MODULE]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: \`make tools\` installs nginx and libnginx-mod-http-brotli-static from apt`);
  }
  const port = await freePort();
  const run = path.join(root, 'nginx');
  mkdirSync(run);
  const conf = `
daemon off;
master_process off;
worker_processes 1;
pid ${run}/nginx.pid;
error_log stderr warn;
load_module ${BROTLI_STATIC_MODULE};
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  client_body_temp_path ${run}/body;
  proxy_temp_path ${run}/proxy;
  fastcgi_temp_path ${run}/fastcgi;
  uwsgi_temp_path ${run}/uwsgi;
  scgi_temp_path ${run}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    set $dashboard_api_origin ${apiOrigin};
    include ${NGINX_CONF};
  }
}
`;
  writeFileSync(path.join(run, 'nginx.conf'), conf);
  const proc = spawn(NGINX, ['-e', 'stderr', '-p', run, '-c', path.join(run, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  const spawned = new Promise<void>((resolve, reject) => {
    proc.once('spawn', resolve);
    proc.once('error', (e) => reject(new Error(`cannot run ${NGINX}: ${e.message}`)));
  });
  await spawned;
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  try {
    await waitForHttp(`${url}${PREFIX}config.json`, proc, () => log);
  } catch (e) {
    proc.kill('SIGKILL');
    throw e;
  }
  return {
    url,
    root,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/**
 * A host without rewrite rules, as GitHub Pages is: a file if the path names one (a
 * directory's index.html for a path ending in /), else 404 with `calls/404.html`.
 * No other fallback, no precompressed files, no headers beyond the content type.
 */
export async function startNoRewriteHost(root: string): Promise<Host> {
  const server = http.createServer((req, res) => {
    try {
      serveFile(root, req, res);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`static host: ${e}`);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    root,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** One answer of the no-rewrite host. */
function serveFile(root: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  let file = path.join(root, path.normalize(pathname));
  if (!file.startsWith(root)) file = '';
  if (file && pathname.endsWith('/')) file = path.join(file, 'index.html');
  let status = 200;
  if (!file || !existsSync(file) || !statSync(file).isFile()) {
    status = 404;
    file = path.join(root, 'calls', '404.html');
  }
  const body = readFileSync(file);
  res.writeHead(status, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
  res.end(body);
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** GET exactly as sent on the wire: nothing decompressed, no redirect followed. */
export function raw(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
  });
}
