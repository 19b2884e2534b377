/**
 * Every error leaves as JSON {error, message, details?}. Nothing about the request body or query
 * goes to the log: bodies carry personal data and the query may carry a token.
 */
import { ClockNotSimulatedError, RevisionConflictError, NotFoundError, NotServedHereError, UnsupportedRequestError } from '@custodian/core';
import { ClockRuleError, HoldStateError, RequestStateError } from '@custodian/workflows';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

const KEYWORDS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
};

/** "/a/0/b" → "a[0].b", the notation FieldError uses for dead letters too. */
function fieldPath(instancePath: string, part: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (parts.length === 0) return `(${part})`;
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const part = err.validationContext ?? 'request';
    const details = err.validation.map((v) => ({ path: fieldPath(v.instancePath, part), message: v.message ?? 'invalid' }));
    const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
    return reply.code(400).send({ error: 'invalid-request', message: `invalid ${part}: ${summary}`, details });
  }
  if (err instanceof HttpError) return reply.code(err.statusCode).send({ error: err.error, message: err.message });
  if (err instanceof NotFoundError) return reply.code(404).send({ error: 'not-found', message: err.message });
  if (err instanceof ClockNotSimulatedError) return reply.code(409).send({ error: 'clock-not-simulated', message: err.message });
  if (err instanceof UnsupportedRequestError) return reply.code(400).send({ error: 'unsupported-request', message: err.message });
  if (err instanceof RevisionConflictError) return reply.code(409).send({ error: 'conflict', message: `${err.message}: someone else changed the hold; read it again` });
  if (err instanceof HoldStateError) return reply.code(409).send({ error: 'hold-closed', message: err.message });
  if (err instanceof RequestStateError || err instanceof ClockRuleError) return reply.code(409).send({ error: 'request-state', message: err.message });
  if (err instanceof NotServedHereError) return reply.code(503).send({ error: 'not-served-here', message: err.message });

  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status < 500) {
    // Fastify's own client errors (bad JSON, body too large, wrong content type): the message is
    // about the client's own request, so it goes back to them and nowhere else.
    return reply.code(status).send({ error: KEYWORDS[status] ?? 'bad-request', message: err.message });
  }
  if (isResponseSerializationError(err)) {
    // only where the response broke its schema: paths, never values
    request.log.error({ route: request.routeOptions.url, paths: err.cause.issues.map((i) => i.path.join('.')) }, 'response did not match its schema');
  } else {
    request.log.error({ route: request.routeOptions.url, errName: err.name, code: err.code, stack: err.stack }, 'request failed');
  }
  return reply.code(500).send({ error: 'internal', message: 'internal error; the server log has the details' });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  // the path without its query string: the query may hold a token
  const path = request.url.split('?')[0];
  return reply.code(404).send({ error: 'not-found', message: `no such endpoint: ${request.method} ${path}` });
}
