// The one HTTP client of the load benchmarks: keep-alive connections from node:http, one per
// simulated participant, and a latency record per request. The app and the bare endpoint are driven
// by this same code in the same run, so their figures differ only by the server.
import http from 'node:http';

export interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

export interface Request { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string }

/** A client for one origin; every simulated participant gets its own connection (and its own cookies, kept by the caller). */
export class Client {
  private readonly agent: http.Agent;
  constructor(private readonly origin: URL, connections: number) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  send(req: Request): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const body = req.body === undefined ? undefined : Buffer.from(req.body);
      const r = http.request(
        {
          agent: this.agent, host: this.origin.hostname, port: this.origin.port, method: req.method, path: req.path,
          headers: { ...req.headers, ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      r.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoadFigures {
  requests: number;
  /** Replies with another status than the one expected. */
  failures: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Runs the steps' loops at once for `durationMs` after `warmupMs` (not counted). Each loop calls its
 * step again as soon as it returns; a step returns false when its answer was not the one expected,
 * 'exhausted' when its participant has nothing left to send: the run then ends for all, and the
 * figures are over the time measured until then.
 */
export async function drive(steps: Array<() => Promise<boolean | 'exhausted'>>, durationMs: number, warmupMs: number): Promise<LoadFigures> {
  const latencies: number[] = [];
  let failures = 0;
  const start = performance.now();
  const measureFrom = start + warmupMs;
  let end = measureFrom + durationMs;
  await Promise.all(steps.map(async (step) => {
    while (performance.now() < end) {
      const t0 = performance.now();
      let outcome: boolean | 'exhausted';
      try {
        outcome = await step();
      } catch {
        outcome = false;
      }
      const t1 = performance.now();
      if (outcome === 'exhausted') {
        if (t1 < measureFrom) throw new Error('the participants ran out of questionnaires before the measurement began');
        end = Math.min(end, t1);
        return;
      }
      if (t0 >= measureFrom && t1 <= end) {
        latencies.push(t1 - t0);
        if (!outcome) failures++;
      }
      if (!outcome) return;
    }
  }));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const seconds = (end - measureFrom) / 1000;
  return { requests: latencies.length, failures, seconds, perSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: latencies.at(-1) ?? NaN };
}

/** The cookies a reply sets, as a Cookie header merged into what the participant already holds. */
export function keepCookies(jar: Map<string, string>, reply: Reply): string {
  for (const line of reply.headers['set-cookie'] ?? []) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}
