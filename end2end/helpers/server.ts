// Starting and stopping `dashboard-server` for a test: a fresh deterministic database
// in a temp dir, `--port 0`, and the one `listening on http://127.0.0.1:PORT` line.
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const SERVER_BIN = path.resolve(REPO, process.env.DASHBOARD_SERVER ?? 'target/debug/dashboard-server');
export const DIST = path.resolve(REPO, process.env.DIST ?? 'dist');
/** The key `api` mode wants (the server's DEMO_KEY). */
export const DEMO_KEY = 'sk_test_demo_telepath_dashboard';
/** The data's "now": the end of the generated 14-day history. */
export const DATA_NOW = '2026-11-20T12:00:00Z';

export type Mode = 'demo' | 'api' | 'serve-direct' | 'serve-proxy';

export interface ServerOptions {
  mode?: Mode;
  calls?: number;
  seed?: number;
  now?: string;
  /** Reuse this port (to restart a stopped server where the page expects it). */
  port?: number;
  /** Reuse this database directory instead of a new temp one. */
  dir?: string;
  faultControl?: boolean;
  /**
   * `demo` / `api`: requests per minute per key (`--rate-limit N`); the server's
   * default is 6000 for `demo`, 600 for `api`. Windows are wall-clock minutes.
   */
  rateLimit?: number;
  /** `demo` / `api`: length of a rate-limit window in seconds (`--rate-window`, default 60). */
  rateWindow?: number;
  /** `serve-direct`: the API base the browser calls. `serve-proxy`: the upstream. */
  apiBase?: string;
  env?: Record<string, string>;
  extra?: string[];
}

export interface Fault {
  kind: '500' | '503' | '429' | 'slow' | 'truncated' | 'malformed' | 'drift';
  rate?: number;
  count?: number;
  delay_ms?: number;
  retry_after?: number;
  path?: string;
}

export class Server {
  stderr = '';
  private exited: Promise<void>;
  constructor(
    readonly proc: ChildProcess,
    readonly url: string,
    readonly port: number,
    readonly dir: string,
    readonly ownsDir: boolean,
  ) {
    this.exited = new Promise((resolve) => {
      if (proc.exitCode !== null) resolve();
      else proc.once('exit', () => resolve());
    });
    proc.stderr?.on('data', (d) => {
      this.stderr = (this.stderr + d.toString()).slice(-20000);
    });
  }

  /** Replaces the server's faults (needs `faultControl`). */
  async setFaults(faults: Fault[]): Promise<void> {
    const r = await fetch(`${this.url}/__faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
    if (!r.ok) throw new Error(`PUT /__faults: ${r.status} ${await r.text()}`);
  }

  /** The faults still in force, with their remaining `count` (needs `faultControl`). */
  async faults(): Promise<Fault[]> {
    const r = await fetch(`${this.url}/__faults`);
    if (!r.ok) throw new Error(`GET /__faults: ${r.status}`);
    const body = await r.json();
    return Array.isArray(body) ? body : body.faults;
  }

  async clearFaults(): Promise<void> {
    const r = await fetch(`${this.url}/__faults`, { method: 'DELETE' });
    if (!r.ok) throw new Error(`DELETE /__faults: ${r.status}`);
  }

  /** GET an API path (`/v1/calls?...`) straight from the server, as the oracle. */
  async api(pathAndQuery: string, key: string | null = null): Promise<any> {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    const r = await fetch(`${this.url}${pathAndQuery}`, { headers });
    if (!r.ok) throw new Error(`GET ${pathAndQuery}: ${r.status} ${await r.text()}`);
    return r.json();
  }

  /** Kills the process outright (the "server stopped" fault) and waits for it to go. */
  async kill(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** Stops gracefully and removes the temp database (unless it was borrowed). */
  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(t);
    }
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts the server and resolves once it printed its listening line. */
export async function startServer(opts: ServerOptions = {}): Promise<Server> {
  const mode = opts.mode ?? 'demo';
  const ownsDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'dash-e2e-'));
  const data = [
    '--db', path.join(dir, 'calls.db'),
    '--calls', String(opts.calls ?? 3000),
    '--seed', String(opts.seed ?? 7),
    '--now', opts.now ?? DATA_NOW,
  ];
  const port = ['--port', String(opts.port ?? 0)];
  let args: string[];
  switch (mode) {
    case 'demo':
      args = ['demo', ...port, '--dist', DIST, ...data];
      break;
    case 'api':
      args = ['api', ...port, ...data];
      break;
    case 'serve-direct':
      args = ['serve', ...port, '--dist', DIST, '--direct', '--api-base', opts.apiBase ?? ''];
      break;
    case 'serve-proxy':
      args = ['serve', ...port, '--dist', DIST, '--upstream', opts.apiBase ?? ''];
      break;
  }
  if (opts.faultControl) args.push('--fault-control');
  if (opts.rateLimit !== undefined) {
    if (mode !== 'demo' && mode !== 'api') throw new Error(`rateLimit needs mode demo or api, not ${mode}`);
    args.push('--rate-limit', String(opts.rateLimit));
  }
  if (opts.rateWindow !== undefined) {
    if (mode !== 'demo' && mode !== 'api') throw new Error(`rateWindow needs mode demo or api, not ${mode}`);
    args.push('--rate-window', String(opts.rateWindow));
  }
  if (opts.extra) args.push(...opts.extra);
  const proc = spawn(SERVER_BIN, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn', ...(opts.env ?? {}) },
  });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr = (stderr + d.toString()).slice(-5000)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s: ${stderr}`)), 60_000);
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${SERVER_BIN}: ${e.message} (build it: cargo build -p dashboard-server)`));
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening: ${stderr}`));
    });
    proc.stdout!.on('data', (d) => {
      out += d.toString();
      const m = out.match(/^listening on (http:\/\/[^\s]+)$/m);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  proc.removeAllListeners('exit');
  const p = Number(new URL(url).port);
  const server = new Server(proc, url, p, dir, ownsDir);
  server.stderr = stderr;
  return server;
}
