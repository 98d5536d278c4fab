import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../server/paths.js';

// The real server and command line as separate processes, run through tsx the way `npm run dev`
// and `npm run cli` run them (no build step, so `npm ci && npm test` on a fresh machine works).

export interface Exit { code: number | null; signal: NodeJS.Signals | null }

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed so far, stdout and stderr. */
  output(): string;
  exited: Promise<Exit>;
  /** Sends a signal and waits (at most `withinMs`) for the process to end; rejects when it does not. */
  stop(signal?: NodeJS.Signals, withinMs?: number): Promise<Exit & { ms: number }>;
}

export interface ProcessOptions {
  dbFile: string;
  port?: number;
  demo?: boolean;
  /** The installation to run: its server/main.ts and its indicators/ (default: this repository). */
  root?: string;
  env?: Record<string, string>;
  /** Runs the process as this user (a test as root that needs permissions to apply). */
  uid?: number;
  gid?: number;
}

function spawnTsx(script: string, args: string[], opts: ProcessOptions & { stdio?: SpawnOptions['stdio'] }): ChildProcess {
  const root = opts.root ?? ROOT;
  return spawn(process.execPath, ['--import', 'tsx', path.join(root, script), ...args], {
    cwd: root,
    env: {
      ...process.env,
      INDIKATOR_DB: opts.dbFile,
      INDIKATOR_DEMO: opts.demo ? '1' : '0',
      INDIKATOR_HOST: '127.0.0.1',
      PORT: String(opts.port ?? 0),
      ...opts.env,
    },
    uid: opts.uid,
    gid: opts.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess): { output: () => string; exited: Promise<Exit> } {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { output: () => text, exited };
}

/** Starts server/main.ts on the given SQLite file and resolves once it listens (rejects if it ends first). */
export async function startServerProcess(opts: ProcessOptions, timeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawnTsx('server/main.ts', [], opts);
  const { output, exited } = collect(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const onData = () => {
      const match = /listening on port (\d+)/.exec(output());
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`the server ended (${exit.code ?? exit.signal}) before it listened:\n${output()}`));
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', withinMs = 15_000) => {
    const started = Date.now();
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the server did not end within ${withinMs} ms of ${signal}:\n${output()}`));
      }, withinMs);
    });
    try {
      const exit = await Promise.race([exited, late]);
      return { ...exit, ms: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
  };
  return { url: `http://127.0.0.1:${port}`, port, child, output, exited, stop };
}

/** Runs server/main.ts expecting it to end by itself (a refused start); resolves with how and what it printed. */
export async function runServerToEnd(opts: ProcessOptions, timeoutMs = 30_000): Promise<Exit & { output: string }> {
  const child = spawnTsx('server/main.ts', [], opts);
  const { output, exited } = collect(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = await exited;
  clearTimeout(timer);
  return { ...exit, output: output() };
}

/** `npm run cli -- …` as a child process that the test's event loop keeps running beside (unlike spawnSync). */
export function runCliAsync(dbFile: string, args: string[]): { child: ChildProcess; done: Promise<Exit & { stdout: string; stderr: string }> } {
  const child = spawnTsx('server/cli.ts', args, { dbFile });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Exit & { stdout: string; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}
