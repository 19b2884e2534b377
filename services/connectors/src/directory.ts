import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CouncilId, DataLocation, fieldErrors } from '@custodian/contracts';
import type { ConnectorDirectory, DeletionConnector } from '@custodian/core';
import { z } from 'zod';
import { ConnectorConfigError } from './errors';
import { FilesConnector } from './files';
import { HttpDeletionConnector, type HttpDeletionDeps } from './http';

// The same store id rule events use, so a binding can always match a declared location.
const StoreId = DataLocation.shape.store;
const Status = z.int().min(100).max(599);
const Statuses = z.array(Status).min(1).max(50);

export const RetryPolicySchema = z.strictObject({
  maxAttempts: z.int().min(1).max(1000),
  baseDelayMs: z.int().min(0),
  maxDelayMs: z.int().min(0),
});

export const FilesBinding = z.strictObject({
  controller: CouncilId,
  store: StoreId,
  kind: z.literal('files'),
  /** relative roots are taken from the bindings file's directory (or the working directory) */
  root: z.string().min(1, 'must name the directory the recordings are kept in'),
  concurrency: z.int().min(1).max(1024).optional(),
  retry: RetryPolicySchema.optional(),
});
export type FilesBinding = z.infer<typeof FilesBinding>;

export const HttpBinding = z.strictObject({
  controller: CouncilId,
  store: StoreId,
  kind: z.literal('http'),
  urlTemplate: z
    .string()
    .regex(/^https?:\/\//, 'must be an http:// or https:// URL, e.g. "https://api.vendor.example/v1/recordings/{locator}"'),
  method: z.enum(['DELETE', 'POST', 'PUT', 'PATCH']).optional(),
  headers: z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name'), z.string()).optional(),
  successStatuses: Statuses.optional(),
  absentStatuses: Statuses.optional(),
  retryStatuses: Statuses.optional(),
  timeoutMs: z.int().min(1).max(300_000).optional(),
  inlineRetry: z
    .strictObject({
      attempts: z.int().min(1).max(20).optional(),
      maxWaitMs: z.int().min(0).max(300_000).optional(),
      baseDelayMs: z.int().min(0).max(60_000).optional(),
    })
    .optional(),
  retry: RetryPolicySchema.optional(),
  concurrency: z.int().min(1).max(256).optional(),
  rectifyMethod: z.enum(['PATCH', 'PUT', 'POST']).optional(),
});
export type HttpBinding = z.infer<typeof HttpBinding>;

/** a council's own MongoDB collection; the driver lives with the distributed runtime, which builds it (DirectoryOptions.mongodb) */
export const MongoBinding = z.strictObject({
  controller: CouncilId,
  store: StoreId,
  kind: z.literal('mongodb'),
  /** may embed "${env:NAME}" for credentials, resolved when the connector is built */
  url: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URL'),
  database: z.string().min(1).max(63),
  collection: z.string().min(1).max(120),
  /** the field a record's locator names (default _id) */
  field: z.string().min(1).max(120).optional(),
  /** where each correctable detail sits in a document, e.g. {"email":"contact.email"} */
  rectifyPaths: z.partialRecord(z.enum(['name', 'email', 'phone', 'date-of-birth', 'postcode']), z.string().min(1).max(200)).optional(),
  retry: RetryPolicySchema.optional(),
});
export type MongoBinding = z.infer<typeof MongoBinding>;

export const ConnectorBinding = z.discriminatedUnion('kind', [FilesBinding, HttpBinding, MongoBinding]);
export type ConnectorBinding = z.infer<typeof ConnectorBinding>;

export const ConnectorBindings = z.array(ConnectorBinding).superRefine((bindings, ctx) => {
  const seen = new Map<string, number>();
  bindings.forEach((b, i) => {
    const key = `${b.controller}\u0000${b.store}`;
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: [i, 'store'], message: `"${b.store}" of ${b.controller} is already bound at [${first}]` });
    } else seen.set(key, i);
  });
});
export type ConnectorBindings = z.infer<typeof ConnectorBindings>;

/** Validates bindings; the error lists every bad field by path, e.g. "[1].urlTemplate: ...". */
export function parseConnectorBindings(input: unknown, source = 'connector bindings'): ConnectorBinding[] {
  const parsed = ConnectorBindings.safeParse(input);
  if (!parsed.success) {
    const why = bindingErrors(parsed.error)
      .map((e) => `  ${e.path}: ${e.message}`)
      .join('\n');
    throw new ConnectorConfigError(`${source} are invalid:\n${why}`);
  }
  return parsed.data;
}

export function loadConnectorBindings(file: string): ConnectorBinding[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConnectorConfigError(`cannot read connector bindings ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConnectorConfigError(`connector bindings ${file} are not valid JSON: ${(e as Error).message}`);
  }
  return parseConnectorBindings(json, `connector bindings in ${file}`);
}

export interface DirectoryOptions {
  /** what relative `root`s are resolved against (default: the working directory) */
  baseDir?: string;
  /** passed to every HTTP connector (env for header secrets, sleep/fetch for tests) */
  http?: HttpDeletionDeps;
  /** builds a MongoDB collection's connector: only a runtime that carries the driver binds such stores */
  mongodb?: (b: MongoBinding) => DeletionConnector;
}

/** Connectors for a deployment, built once at start-up so a bad binding stops the process, not a disposal. */
export class StaticConnectorDirectory implements ConnectorDirectory {
  private readonly byKey = new Map<string, DeletionConnector>();

  constructor(bindings: readonly ConnectorBinding[], options: DirectoryOptions = {}) {
    const baseDir = options.baseDir ?? process.cwd();
    bindings.forEach((b, i) => {
      try {
        this.byKey.set(key(b.controller, b.store), build(b, baseDir, options));
      } catch (e) {
        if (e instanceof ConnectorConfigError) throw new ConnectorConfigError(`connector binding [${i}] (${b.controller} / ${b.store}): ${e.message}`);
        throw e;
      }
    });
  }

  static fromFile(file: string, options: Omit<DirectoryOptions, 'baseDir'> = {}): StaticConnectorDirectory {
    return new StaticConnectorDirectory(loadConnectorBindings(file), { ...options, baseDir: path.dirname(path.resolve(file)) });
  }

  /** accepts bindings not yet validated (a parsed JSON document, say) */
  static from(input: unknown, options: DirectoryOptions = {}): StaticConnectorDirectory {
    return new StaticConnectorDirectory(parseConnectorBindings(input), options);
  }

  find(controller: string, store: string): DeletionConnector | undefined {
    return this.byKey.get(key(controller, store));
  }
}

/**
 * The contracts' field errors, adjusted for a config file: a misspelt option is reported at its own
 * path ("[0].rooot") rather than at its parent, and the top level is called what it is.
 */
function bindingErrors(error: z.ZodError): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  for (const issue of error.issues) {
    const [fe] = fieldErrors(new z.ZodError([issue]));
    const base = !fe || fe.path === '(event)' ? '' : fe.path;
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push({ path: `${base}${base ? '.' : ''}${k}`, message: 'is not a known option' });
    } else {
      out.push({ path: base || '(bindings)', message: base ? (fe?.message ?? issue.message) : `must be an array of connector bindings (${issue.message})` });
    }
  }
  return out;
}

function key(controller: string, store: string): string {
  return `${controller}\u0000${store}`;
}

function build(b: ConnectorBinding, baseDir: string, options: DirectoryOptions): DeletionConnector {
  if (b.kind === 'mongodb') {
    if (!options.mongodb) throw new ConnectorConfigError('a MongoDB collection is bound by the distributed runtime\'s lifecycle service; the embedded runtime has no MongoDB driver');
    return options.mongodb(b);
  }
  if (b.kind === 'files') {
    return new FilesConnector({ root: path.resolve(baseDir, b.root), ...(b.retry && { retry: b.retry }), ...(b.concurrency && { concurrency: b.concurrency }) });
  }
  const { controller: _c, store: _s, kind: _k, ...http } = b;
  return new HttpDeletionConnector(http, options.http);
}
