import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

export interface VendorSimulatorOptions {
  /** loopback only: the simulator has no real authentication and must never be reachable from outside */
  host?: string;
  /** 0 (default) picks a free port */
  port?: number;
  /** the bearer token every request must carry */
  token: string;
  /** recordings that exist at start */
  recordings?: string[];
  /** how a deletion reports its receipt: none (204, the default), a JSON body (200) or a header (204) */
  receipts?: 'none' | 'body' | 'header';
}

export interface SimulatorCall {
  method: string;
  id: string;
  idempotencyKey: string | null;
  /** the status returned; 0 when the connection was dropped without an answer */
  status: number;
  /** true when the answer was a replay of an earlier one with the same Idempotency-Key */
  replayed: boolean;
}

export interface VendorSimulator {
  /** e.g. "http://127.0.0.1:41234" */
  readonly url: string;
  readonly port: number;
  readonly calls: SimulatorCall[];
  /** the next `n` deletions answer `status` (with Retry-After when given) and change nothing */
  failNext(n: number, status: number, retryAfterSeconds?: number | string): void;
  /** the next `n` deletions are answered only after `ms` */
  delayNext(n: number, ms: number): void;
  /** down: every request has its connection dropped ('reset', the default) or gets 503 ('503') */
  setDown(down: boolean, how?: 'reset' | '503'): void;
  has(id: string): boolean;
  /** the corrections a PATCH applied to a recording's metadata, in order */
  corrections(id: string): unknown[];
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

interface Stored {
  method: string;
  id: string;
  status: number;
  receipt: string | null;
}

/**
 * A recording provider's deletion API (shaped like 8x8's) for demos and tests: PUT creates, DELETE
 * deletes (204, or 404 if absent), bearer token required, Idempotency-Key honoured the way payment
 * and telephony APIs do: a completed answer is stored and replayed, a transient one (429, 5xx) is not,
 * so the client's retry is actually retried.
 */
export async function startVendorSimulator(options: VendorSimulatorOptions): Promise<VendorSimulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`the vendor simulator only listens on loopback, not ${host}`);
  if (!options.token) throw new Error('the vendor simulator needs a bearer token');

  const recordings = new Set(options.recordings ?? []);
  const corrected = new Map<string, unknown[]>();
  const calls: SimulatorCall[] = [];
  const answered = new Map<string, Stored>();
  const faults: Array<{ status: number; retryAfter?: string }> = [];
  const delays: number[] = [];
  const sleeping = new Set<() => void>();
  let down: false | 'reset' | '503' = false;
  let receiptSeq = 0;

  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    // Locators can be long; the default of 100 would turn a long one into a 404 "absent".
    routerOptions: { maxParamLength: 2048 },
    // Bounded so a stuck client cannot keep a test process alive.
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
  });

  const record = (req: FastifyRequest, id: string, status: number, replayed = false): void => {
    calls.push({ method: req.method, id, idempotencyKey: headerOf(req, 'idempotency-key'), status, replayed });
  };

  app.addHook('onRequest', async (req, reply) => {
    if (down === 'reset') {
      record(req, idOf(req), 0);
      reply.hijack();
      req.raw.socket.destroy();
      return reply;
    }
    if (down === '503') {
      record(req, idOf(req), 503);
      return reply.code(503).send({ error: 'service unavailable' });
    }
    if (headerOf(req, 'authorization') !== `Bearer ${options.token}`) {
      record(req, idOf(req), 401);
      return reply.code(401).send({ error: 'unauthorised' });
    }
    return undefined;
  });

  app.setNotFoundHandler((req, reply) => {
    record(req, idOf(req), 404);
    return reply.code(404).send({ error: 'no such route' });
  });

  app.put<{ Params: { id: string } }>('/v1/recordings/:id', async (req, reply) => {
    const existed = recordings.has(req.params.id);
    recordings.add(req.params.id);
    const status = existed ? 200 : 201;
    record(req, req.params.id, status);
    return reply.code(status).send({ id: req.params.id });
  });

  // corrections to a recording's metadata (caller details): 200 when it is held, 404 when not
  app.patch<{ Params: { id: string }; Body: { corrections?: unknown[] } }>('/v1/recordings/:id', async (req, reply) => {
    const id = req.params.id;
    if (!recordings.has(id)) {
      record(req, id, 404);
      return reply.code(404).send({ error: 'not found' });
    }
    corrected.set(id, [...(corrected.get(id) ?? []), ...(req.body?.corrections ?? [])]);
    record(req, id, 200);
    return reply.code(200).send({ id });
  });

  app.get<{ Params: { id: string } }>('/v1/recordings/:id', async (req, reply) => {
    const status = recordings.has(req.params.id) ? 200 : 404;
    record(req, req.params.id, status);
    return reply.code(status).send(status === 200 ? { id: req.params.id } : { error: 'not found' });
  });

  app.delete<{ Params: { id: string } }>('/v1/recordings/:id', async (req, reply) => {
    const id = req.params.id;
    const delay = delays.shift();
    if (delay !== undefined) await cancellableSleep(delay, sleeping);
    const fault = faults.shift();
    if (fault) {
      record(req, id, fault.status);
      if (fault.retryAfter !== undefined) reply.header('retry-after', fault.retryAfter);
      return reply.code(fault.status).send({ error: 'injected fault' });
    }
    const key = headerOf(req, 'idempotency-key');
    const earlier = key === null ? undefined : answered.get(key);
    if (earlier) {
      if (earlier.method !== 'DELETE' || earlier.id !== id) {
        record(req, id, 422);
        return reply.code(422).send({ error: 'idempotency key reused for a different request' });
      }
      record(req, id, earlier.status, true);
      return sendDeletion(reply, earlier.status, earlier.receipt);
    }
    const status = recordings.delete(id) ? (options.receipts === 'body' ? 200 : 204) : 404;
    const receipt = status === 404 || !options.receipts || options.receipts === 'none' ? null : `rcpt-${++receiptSeq}`;
    if (key !== null) answered.set(key, { method: 'DELETE', id, status, receipt });
    record(req, id, status);
    return sendDeletion(reply, status, receipt);
  });

  const sendDeletion = (reply: FastifyReply, status: number, receipt: string | null): FastifyReply => {
    if (status === 404) return reply.code(404).send({ error: 'not found' });
    if (receipt === null) return reply.code(status).send();
    if (options.receipts === 'header') return reply.code(status).header('x-deletion-receipt', receipt).send();
    return reply.code(status).send({ receiptId: receipt });
  };

  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the vendor simulator did not get a TCP port');
  const port = address.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed = false;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    calls,
    failNext(n, status, retryAfterSeconds) {
      for (let i = 0; i < n; i++) faults.push(retryAfterSeconds === undefined ? { status } : { status, retryAfter: String(retryAfterSeconds) });
    },
    delayNext(n, ms) {
      for (let i = 0; i < n; i++) delays.push(ms);
    },
    setDown(isDown, how = 'reset') {
      down = isDown ? how : false;
      // Pooled keep-alive connections would otherwise still reach the handlers.
      if (isDown) app.server.closeIdleConnections();
    },
    has: (id) => recordings.has(id),
    corrections: (id) => [...(corrected.get(id) ?? [])],
    async close() {
      if (closed) return;
      closed = true;
      for (const wake of [...sleeping]) wake();
      await app.close();
    },
  };
}

function headerOf(req: FastifyRequest, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

function idOf(req: FastifyRequest): string {
  const m = /^\/v1\/recordings\/([^?]*)/.exec(req.url);
  if (!m) return '';
  try {
    return decodeURIComponent(m[1] ?? '');
  } catch {
    return m[1] ?? '';
  }
}

/** Sleeps, but wakes at once when the simulator closes so no timer outlives it. */
function cancellableSleep(ms: number, sleeping: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      sleeping.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    sleeping.add(wake);
  });
}
