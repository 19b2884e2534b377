import { SpanKind, trace } from '@opentelemetry/api';
import { inSpan, type DeletionConnector, type DeletionRequest, type DeletionResult, type RectifyRequest, type RectifyResult } from '@custodian/core';
import { DEFAULT_RETRY, type RetryPolicy } from '@custodian/workflows';
import { ConnectorConfigError } from './errors';
import { mapBounded } from './pool';

export interface HttpInlineRetry {
  /** tries per deletion within one `delete` call, the first included (default 3) */
  attempts?: number;
  /** total time one deletion may spend waiting between tries (default 5000) */
  maxWaitMs?: number;
  /** first backoff step, doubled each try (default 250) */
  baseDelayMs?: number;
}

export interface HttpDeletionOptions {
  /** e.g. "https://api.vendor.example/v1/recordings/{locator}"; {locator}, {recordId}, {controller} are URL-encoded in */
  urlTemplate: string;
  method?: string;
  /** values may embed "${env:NAME}", resolved once at construction */
  headers?: Record<string, string>;
  successStatuses?: number[];
  absentStatuses?: number[];
  retryStatuses?: number[];
  timeoutMs?: number;
  inlineRetry?: HttpInlineRetry;
  /** the durable policy the task scheduler applies once the inline budget is spent */
  retry?: RetryPolicy;
  /** requests in flight at once per `delete` call (default 16) */
  concurrency?: number;
  /**
   * how the store takes corrections (Art 16): the same URL with this method and a JSON body
   * `{"corrections":[{"field":"email","value":"…"}]}`; absent, the store is corrected by hand
   */
  rectifyMethod?: 'PATCH' | 'PUT' | 'POST';
}

export interface HttpDeletionDeps {
  sleep?: (ms: number) => Promise<void>;
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
  /** epoch ms; for Retry-After given as an HTTP-date */
  now?: () => number;
  /** in [0,1); jitter for the inline backoff */
  random?: () => number;
}

export const HTTP_DEFAULTS = {
  method: 'DELETE',
  successStatuses: [200, 202, 204],
  absentStatuses: [404, 410],
  retryStatuses: [408, 425, 429, 500, 502, 503, 504],
  timeoutMs: 10_000,
  inlineAttempts: 3,
  inlineMaxWaitMs: 5_000,
  inlineBaseDelayMs: 250,
  concurrency: 16,
} as const;

const PLACEHOLDERS = ['locator', 'recordId', 'controller'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
const ENV_REF = /\$\{env:([^}]*)\}/g;
const RECEIPT = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;
// Enough for any receipt document; a provider that streams megabytes back is not read to the end.
const MAX_BODY_BYTES = 64 * 1024;

type Try = { final: DeletionResult } | { transient: string; retryAfterMs?: number };

/**
 * Deletes at a provider's HTTP API (8x8 call recordings, Click4Assistance chats...). Each deletion
 * sends `Idempotency-Key: <taskId>`, so a retry after a lost response cannot be counted twice.
 * Transient failures are retried inline for a few seconds; beyond that the task goes back to the
 * durable scheduler with the provider's Retry-After. Details carry status codes only: locators and
 * response bodies may hold personal data.
 */
export class HttpDeletionConnector implements DeletionConnector {
  readonly kind = 'http';
  readonly retry: RetryPolicy;
  private readonly template: string;
  private readonly method: string;
  private readonly headers: Headers;
  private readonly success: ReadonlySet<number>;
  private readonly absent: ReadonlySet<number>;
  private readonly retryable: ReadonlySet<number>;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly maxWaitMs: number;
  private readonly baseDelayMs: number;
  private readonly concurrency: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly rectifyMethod: string | undefined;

  constructor(options: HttpDeletionOptions, deps: HttpDeletionDeps = {}) {
    this.template = checkTemplate(options.urlTemplate);
    this.method = (options.method ?? HTTP_DEFAULTS.method).toUpperCase();
    if (!/^[A-Z]{3,10}$/.test(this.method)) throw new ConnectorConfigError(`method "${options.method}" is not an HTTP method`);
    this.headers = resolveHeaders(options.headers ?? {}, deps.env ?? process.env);
    this.success = statusSet('successStatuses', options.successStatuses ?? HTTP_DEFAULTS.successStatuses);
    this.absent = statusSet('absentStatuses', options.absentStatuses ?? HTTP_DEFAULTS.absentStatuses);
    this.retryable = statusSet('retryStatuses', options.retryStatuses ?? HTTP_DEFAULTS.retryStatuses);
    disjoint({ successStatuses: this.success, absentStatuses: this.absent, retryStatuses: this.retryable });
    this.timeoutMs = positiveInt('timeoutMs', options.timeoutMs ?? HTTP_DEFAULTS.timeoutMs);
    this.attempts = positiveInt('inlineRetry.attempts', options.inlineRetry?.attempts ?? HTTP_DEFAULTS.inlineAttempts);
    this.maxWaitMs = nonNegativeInt('inlineRetry.maxWaitMs', options.inlineRetry?.maxWaitMs ?? HTTP_DEFAULTS.inlineMaxWaitMs);
    this.baseDelayMs = nonNegativeInt('inlineRetry.baseDelayMs', options.inlineRetry?.baseDelayMs ?? HTTP_DEFAULTS.inlineBaseDelayMs);
    this.concurrency = positiveInt('concurrency', options.concurrency ?? HTTP_DEFAULTS.concurrency);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetch = deps.fetch ?? globalThis.fetch;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.rectifyMethod = options.rectifyMethod;
    // only a store that takes corrections offers rectify(): the others are corrected by hand
    if (!this.rectifyMethod) this.rectify = undefined;
  }

  rectify?(requests: RectifyRequest[]): Promise<RectifyResult[]> {
    return mapBounded(requests, this.concurrency, async (r): Promise<RectifyResult> => {
      const res = await this.deleteOne(r, this.rectifyMethod!, JSON.stringify({ corrections: r.corrections }));
      if (res.outcome === 'retry' || res.outcome === 'failed') return res;
      // absent: the store holds nothing for this locator any more, so nothing is wrong there
      return res.outcome === 'absent' ? { outcome: 'absent', detail: res.detail } : { outcome: 'updated', detail: res.detail, ...(res.reference ? { reference: res.reference } : {}) };
    });
  }

  delete(requests: DeletionRequest[]): Promise<DeletionResult[]> {
    return mapBounded(requests, this.concurrency, (r) => this.deleteOne(r, this.method));
  }

  private async deleteOne(req: Pick<DeletionRequest, 'taskId' | 'locator' | 'recordId' | 'controller'>, method: string, body?: string): Promise<DeletionResult> {
    const url = this.urlFor(req);
    if (typeof url !== 'string') return url;
    let waited = 0;
    let tries = 0;
    for (;;) {
      tries++;
      const t = await this.once(url, req.taskId, method, body);
      if ('final' in t) return t.final;
      const wait = Math.max(this.backoff(tries), t.retryAfterMs ?? 0);
      // Giving up inline is not failure: the durable scheduler takes over, honouring Retry-After.
      if (tries >= this.attempts || waited + wait > this.maxWaitMs) {
        const detail = `${t.transient} (${tries} ${tries === 1 ? 'attempt' : 'attempts'})`;
        return t.retryAfterMs === undefined ? { outcome: 'retry', detail } : { outcome: 'retry', detail, retryAfterMs: t.retryAfterMs };
      }
      await this.sleep(wait);
      waited += wait;
    }
  }

  /**
   * One request, in a client span with the method and the status only: the URL is built from the
   * locator (personal data at some vendors) and is never recorded. No traceparent is sent to the
   * vendor: its logs are outside the council's control, and the trace would be no use there.
   */
  private once(url: string, taskId: string, method: string, body?: string): Promise<Try> {
    return inSpan(`HTTP ${method}`, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method } }, () => this.request(url, taskId, method, body));
  }

  private async request(url: string, taskId: string, method: string, body?: string): Promise<Try> {
    const headers = new Headers(this.headers);
    headers.set('Idempotency-Key', taskId);
    if (body !== undefined) headers.set('content-type', 'application/json');
    let res: Response;
    try {
      // Redirects are not followed: a deletion API that redirects is misconfigured, and following
      // one would replay the request (and its credentials) somewhere nobody reviewed.
      res = await this.fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      trace.getActiveSpan()?.setAttribute('error.type', e instanceof Error ? e.name : 'unknown');
      return { transient: networkDetail(e, this.timeoutMs) };
    }
    const status = res.status;
    trace.getActiveSpan()?.setAttribute('http.response.status_code', status);
    if (this.success.has(status)) {
      const body = await readBounded(res);
      const reference = receiptOf(body, res.headers.get('x-deletion-receipt'));
      return { final: reference === undefined ? { outcome: 'deleted', detail: `HTTP ${status}` } : { outcome: 'deleted', detail: `HTTP ${status}`, reference } };
    }
    // Read (and drop) the body so the connection can be reused for the next deletion.
    await readBounded(res);
    if (this.absent.has(status)) return { final: { outcome: 'absent', detail: `HTTP ${status}` } };
    if (this.retryable.has(status)) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), this.now());
      return retryAfterMs === undefined ? { transient: `HTTP ${status}` } : { transient: `HTTP ${status}`, retryAfterMs };
    }
    if (status >= 300 && status < 400) return { final: { outcome: 'failed', detail: `HTTP ${status} (redirects are not followed)` } };
    return { final: { outcome: 'failed', detail: `HTTP ${status}` } };
  }

  private backoff(tries: number): number {
    const exp = this.baseDelayMs * 2 ** (tries - 1);
    return Math.round(exp / 2 + (exp / 2) * this.random());
  }

  private urlFor(req: Pick<DeletionRequest, 'locator' | 'recordId' | 'controller'>): string | DeletionResult {
    const values: Record<Placeholder, string> = { locator: req.locator, recordId: req.recordId, controller: req.controller };
    for (const p of PLACEHOLDERS) {
      const v = values[p];
      // URL parsers collapse "." and ".." segments (even percent-encoded), which would aim the
      // DELETE at a parent collection instead of one recording.
      if (this.template.includes(`{${p}}`) && (typeof v !== 'string' || v === '' || v === '.' || v === '..')) {
        return { outcome: 'failed', detail: `${p} cannot be placed in the deletion URL` };
      }
    }
    return this.template.replace(/\{(locator|recordId|controller)\}/g, (_, p: Placeholder) => encodeURIComponent(values[p]));
  }
}

function checkTemplate(template: string): string {
  if (typeof template !== 'string' || template.length === 0) throw new ConnectorConfigError('urlTemplate is required');
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? '').filter((n) => !(PLACEHOLDERS as readonly string[]).includes(n));
  if (unknown.length) throw new ConnectorConfigError(`urlTemplate has unknown placeholder(s) ${unknown.map((n) => `{${n}}`).join(', ')}; allowed: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`);
  let url: URL;
  try {
    url = new URL(template.replace(/\{(locator|recordId|controller)\}/g, 'x'));
  } catch {
    throw new ConnectorConfigError('urlTemplate is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConnectorConfigError('urlTemplate must be an http: or https: URL');
  if (url.username || url.password) throw new ConnectorConfigError('urlTemplate must not carry credentials; put them in a header with ${env:NAME}');
  return template;
}

function resolveHeaders(raw: Record<string, string>, env: Record<string, string | undefined>): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    const resolved = value.replace(ENV_REF, (_, varName: string) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(varName)) throw new ConnectorConfigError(`header "${name}" refers to "\${env:${varName}}", which is not a valid environment variable name`);
      const v = env[varName];
      // An empty token would only surface later as a wall of 401s; say so at start-up instead.
      if (v === undefined || v === '') throw new ConnectorConfigError(`header "${name}" needs environment variable ${varName}, which is not set`);
      return v;
    });
    try {
      out.set(name, resolved);
    } catch {
      // The value may be a secret: name the header only.
      throw new ConnectorConfigError(`header "${name}" has an invalid name or value`);
    }
  }
  return out;
}

function statusSet(field: string, statuses: readonly number[]): ReadonlySet<number> {
  for (const s of statuses) {
    if (!Number.isInteger(s) || s < 100 || s > 599) throw new ConnectorConfigError(`${field} contains ${s}, which is not an HTTP status`);
  }
  return new Set(statuses);
}

function disjoint(sets: Record<string, ReadonlySet<number>>): void {
  const seen = new Map<number, string>();
  for (const [field, set] of Object.entries(sets)) {
    for (const s of set) {
      const other = seen.get(s);
      if (other) throw new ConnectorConfigError(`status ${s} is in both ${other} and ${field}`);
      seen.set(s, field);
    }
  }
}

function positiveInt(field: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new ConnectorConfigError(`${field} must be a positive integer`);
  return n;
}

function nonNegativeInt(field: string, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new ConnectorConfigError(`${field} must be a non-negative integer`);
  return n;
}

/** Retry-After as delay-seconds or an HTTP-date, in ms from `nowMs`; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

function networkDetail(e: unknown, timeoutMs: number): string {
  const err = e as { name?: unknown; cause?: { code?: unknown } } | null;
  if (err?.name === 'TimeoutError') return `no response within ${timeoutMs} ms`;
  const code = err?.cause?.code;
  // Only the code: undici's messages can include the URL, and the URL includes the locator.
  if (typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code)) return `connection failed (${code})`;
  return 'connection failed';
}

async function readBounded(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        return null;
      }
      chunks.push(value);
    }
  } catch {
    // The status already answered the question; a body cut short only costs the receipt id.
    return null;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function receiptOf(body: string | null, header: string | null): string | undefined {
  if (body) {
    try {
      const json: unknown = JSON.parse(body);
      const id = (json as { receiptId?: unknown } | null)?.receiptId;
      const s = typeof id === 'number' && Number.isFinite(id) ? String(id) : id;
      // Kept only if it looks like an opaque id: it goes into the erasure certificate.
      if (typeof s === 'string' && RECEIPT.test(s)) return s;
    } catch {
      // Not JSON: fall back to the header.
    }
  }
  const h = header?.trim();
  return h && RECEIPT.test(h) ? h : undefined;
}
