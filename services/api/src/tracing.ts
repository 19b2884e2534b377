import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';

const tracer = () => trace.getTracer('@custodian/api');

/**
 * A server span per request, continuing the caller's `traceparent`. It is named and described by
 * the method and route pattern only (`POST /v1/events`, `GET /v1/records/:id`) and the status: the
 * URL carries ids and query strings (tokens on the status page), the body personal data.
 * With no tracer provider registered the spans are no-ops.
 */
export function traceRequests(app: FastifyInstance): void {
  const open = new WeakMap<FastifyRequest, { span: Span; ctx: Context }>();

  app.addHook('onRequest', (req, _reply, done) => {
    const route = req.routeOptions?.url;
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer().startSpan(
      `${req.method} ${route ?? '(no route)'}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, ...(route ? { 'http.route': route } : {}) } },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    open.set(req, { span, ctx });
    // the later onRequest hooks (authentication) run in the request's context
    context.with(ctx, done);
  });

  // Body parsing resumes on the socket's async context, not the hook's: each handler is entered in
  // its request's context again, so what the platform does is a child of the request span.
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function (this: FastifyInstance, req, reply) {
      const o = open.get(req);
      return o ? context.with(o.ctx, handler, this, req, reply) : handler.call(this, req, reply);
    } as RouteHandlerMethod;
  });

  const finish = (req: FastifyRequest, status: number | null) => {
    const o = open.get(req);
    if (!o) return;
    open.delete(req);
    if (status !== null) o.span.setAttribute('http.response.status_code', status);
    if (status === null || status >= 500) o.span.setStatus({ code: SpanStatusCode.ERROR });
    if (status === null) o.span.setAttribute('error.type', 'aborted');
    o.span.end();
  };
  app.addHook('onResponse', (req, reply, done) => {
    finish(req, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (req, done) => {
    finish(req, null);
    done();
  });
}
