/**
 * The CLI's only way to the platform: the HTTP API, with global fetch. Errors carry the API's own
 * {error, message, details} so the operator sees the server's explanation, not a status code.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The API could not be reached at all (not running, wrong --url). */
export class ConnectionError extends Error {}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.request<T>('GET', qs ? `${path}?${qs}` : path);
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    // a content type with no body is a 400 at the server, so it goes only with a body
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
      throw new ConnectionError(`cannot reach the Custodian API at ${this.baseUrl} (${cause}); is it running? (--url or CUSTODIAN_URL)`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const b = (parsed ?? {}) as { error?: unknown; message?: unknown; details?: unknown };
      throw new ApiError(
        res.status,
        typeof b.error === 'string' ? b.error : `http-${res.status}`,
        typeof b.message === 'string' ? b.message : `${method} ${path} answered ${res.status}`,
        b.details,
      );
    }
    return parsed as T;
  }
}
