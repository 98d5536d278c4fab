/** A tiny browser-like HTTP client: keeps cookies, finds the CSRF token in the last page, posts forms. */
export class HttpClient {
  private cookies = new Map<string, string>();
  lastHtml = '';

  constructor(readonly baseUrl: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }

  async request(method: string, path: string, init: { body?: string | FormData; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string; location: string | null; headers: Headers }> {
    const res = await fetch(this.baseUrl + path, {
      method,
      redirect: 'manual',
      body: init.body,
      headers: { cookie: this.cookieHeader(), ...init.headers },
    });
    this.remember(res);
    const text = await res.text();
    if ((res.headers.get('content-type') ?? '').includes('text/html')) this.lastHtml = text;
    return { status: res.status, text, location: res.headers.get('location'), headers: res.headers };
  }

  get(path: string) {
    return this.request('GET', path);
  }

  /** GET of a binary download (a PDF), with the client's cookies. */
  async download(path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const res = await fetch(this.baseUrl + path, { redirect: 'manual', headers: { cookie: this.cookieHeader() } });
    this.remember(res);
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  /** GET, following redirects like a browser (same origin only). */
  async follow(path: string): Promise<{ status: number; text: string; path: string }> {
    let current = path;
    for (let i = 0; i < 10; i++) {
      const res = await this.get(current);
      if (res.status >= 300 && res.status < 400 && res.location) {
        current = res.location.replace(this.baseUrl, '');
        continue;
      }
      return { status: res.status, text: res.text, path: current };
    }
    throw new Error(`too many redirects from ${path}`);
  }

  /** The cookies as a Cookie header, to send them again from elsewhere (an old session's cookie after sign-out). */
  cookieHeaderValue(): string {
    return this.cookieHeader();
  }

  csrfToken(): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(this.lastHtml);
    if (!match) throw new Error('no CSRF token in the last page');
    return match[1]!;
  }

  /**
   * Posts a form with a file the way a browser does (multipart/form-data, the boundary set by
   * fetch): the CSRF token of the last page first unless given, then the fields, then the file.
   */
  postFile(path: string, fields: Record<string, string>, file: { field: string; name: string; bytes: Uint8Array<ArrayBuffer> } | null, opts: { csrf?: string | null } = {}) {
    const form = new FormData();
    const token = opts.csrf === undefined ? this.csrfToken() : opts.csrf;
    if (token !== null) form.append('_csrf', token);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append(file.field, new Blob([file.bytes]), file.name);
    return this.request('POST', path, { body: form });
  }

  /** Posts a form the way a browser does: urlencoded, with the CSRF token of the last page unless given. */
  post(path: string, fields: Record<string, string | string[]> | [string, string][], opts: { csrf?: string | null } = {}) {
    const body = new URLSearchParams();
    const entries = Array.isArray(fields) ? fields : Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, v] as [string, string]]));
    const token = opts.csrf === undefined ? this.csrfToken() : opts.csrf;
    if (token !== null) body.append('_csrf', token);
    for (const [k, v] of entries) body.append(k, v);
    return this.request('POST', path, { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
}
