/**
 * The HTTP API: a thin shell over the Platform facade. Every read and write goes through
 * `platform`; this file only authenticates, validates, shapes responses and documents them.
 */
import fastifySwagger from '@fastify/swagger';
import type { IngestResult, Platform } from '@custodian/core';
import { OPERATIONS_REASON } from '@custodian/contracts';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyRequest, type FastifySchemaCompiler } from 'fastify';
import type { FastifyRouteSchemaDef } from 'fastify/types/schema';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { OpenAPIV3_1 } from 'openapi-types';
import { z } from 'zod';
import { authenticate, type Role } from './auth';
import { errorHandler, HttpError, notFoundHandler } from './errors';
import {
  AdvanceBody,
  AdvanceResponse,
  apiRegistry,
  AuditList,
  AuditQuery,
  AuditVerificationSchema,
  ClockView,
  DeadLetterViewSchema,
  DlqList,
  DlqQuery,
  ErrorBody,
  Health,
  IdParams,
  IngestBody,
  IngestBodyDoc,
  IngestResponse,
  RecordViewSchema,
  ReprocessBody,
  ReprocessBodyDoc,
  ReprocessResponse,
  StatusPageQuery,
  SubjectParams,
  SubjectRecords,
  SweepReportSchema,
  ReplayBody,
  ReplayReportSchema,
  ProcessList,
  ProcessesQuery,
  HoldList,
  HoldsQuery,
  HoldViewSchema,
  PlaceHoldRequest,
  ReviewHoldRequest,
  ReviewHoldResponse,
  HoldDryRun,
  RetryFailedBody,
  RetryOutcomeSchema,
  ReceiveRequestBody,
  RequestViewSchema,
  RequestsQuery,
  RequestList,
  PauseBody,
  ExtendBody,
  LiftRestrictionBody,
  ObjectionDecisionBody,
  AccessExportSchema,
  CommandsQuery,
  CommandList,
  AcksBody,
  AckResults,
  CompleteBody,
} from './schemas';
import { renderAccessDocument } from './access-document';
import { renderStatusPage } from './status-page';
import { traceRequests } from './tracing';

export interface ServerOptions {
  logger?: boolean;
  /** where log lines go when `logger` is on (default stdout); lets tests read what is logged */
  logStream?: { write(line: string): void };
}

/** Large enough for 10,000 events of a few KB each; every other route keeps Fastify's 1 MiB. */
export const EVENTS_BODY_LIMIT = 32 * 1024 * 1024;

const AUTH_ERRORS = { 401: ErrorBody, 403: ErrorBody } as const;
const INPUT_ERRORS = { 400: ErrorBody, ...AUTH_ERRORS } as const;

/** passthrough: the serializer must not strip what @fastify/swagger generated */
const OpenApiDocument = z.looseObject({ openapi: z.string() });

function access(roles: readonly Role[] | undefined, summary: string, tag: string) {
  const who = roles ? `Roles: ${roles.join(', ')}.` : 'Any valid token.';
  return { config: { roles }, summary, description: who, tags: [tag] };
}

/** an operator (without the dpo role) may only place and lift operational pauses; every other hold is the DPO's */
function mayHandle(req: FastifyRequest, reason: string): void {
  const roles = req.principal?.roles ?? [];
  if (!roles.includes('dpo') && reason !== OPERATIONS_REASON) throw new HttpError(403, 'forbidden', `a ${reason} hold is the DPO's to place and review; operators may only pause deletions (reason "${OPERATIONS_REASON}")`);
}

function actor(req: FastifyRequest): string {
  // set by the onRequest hook on every route that is not public
  if (!req.principal) throw new HttpError(401, 'unauthorized', 'not authenticated');
  return req.principal.name;
}

/**
 * Validates a route's body with `real` while its schema (and so the OpenAPI document) shows what
 * clients should send. Used where per-event validation belongs to the platform, so that a bad
 * event is dead-lettered with its reasons instead of failing the whole request.
 */
function bodyValidatedBy<S>(real: z.ZodType): FastifySchemaCompiler<S> {
  // Fastify hands a route's compiler one part's schema at a time, whatever its declared type says
  return (ctx) => {
    const part = ctx as unknown as FastifyRouteSchemaDef<z.ZodType>;
    return validatorCompiler(part.httpPart === 'body' ? { ...part, schema: real } : part);
  };
}

function totals(results: IngestResult[]) {
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  for (const r of results) {
    if (r.status === 'accepted') accepted += 1;
    else if (r.status === 'duplicate') duplicates += 1;
    else rejected += 1;
  }
  return { results, accepted, duplicates, rejected };
}

function routes(platform: Platform): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    // Liveness only: says nothing about data, so a probe without credentials can call it.
    app.get('/healthz', { config: { public: true }, schema: { summary: 'Liveness probe (no token needed)', tags: ['meta'], security: [], response: { 200: Health } } }, async () => ({
      status: 'ok' as const,
    }));

    {
      const a = access(undefined, 'This OpenAPI document', 'meta');
      app.get('/openapi.json', { config: a.config, schema: { ...doc(a), response: { 200: OpenApiDocument, ...AUTH_ERRORS } } }, async () =>
        // configured for OpenAPI 3.1 below; the plugin's return type also covers Swagger 2
        base.swagger() as OpenAPIV3_1.Document,
      );
    }

    {
      const a = access(['service'], 'Publish events (one or a batch of up to 10,000)', 'events');
      app.post(
        '/v1/events',
        {
          config: a.config,
          bodyLimit: EVENTS_BODY_LIMIT,
          validatorCompiler: bodyValidatedBy(IngestBody),
          schema: { ...doc(a), body: IngestBodyDoc, response: { 200: IngestResponse, 413: ErrorBody, ...INPUT_ERRORS } },
        },
        async (req) => {
          const body: unknown = req.body;
          return totals(await platform.ingest(Array.isArray(body) ? body : [body], actor(req)));
        },
      );
    }
    {
      const a = access(['dpo', 'auditor'], 'A record, why it is or is not being deleted, and its deletion tasks', 'records');
      app.get(
        '/v1/records/:id',
        { config: a.config, schema: { ...doc(a), params: IdParams, response: { 200: RecordViewSchema, 404: ErrorBody, ...INPUT_ERRORS } } },
        async (req) => {
          const view = await platform.record(req.params.id);
          if (!view) throw new HttpError(404, 'not-found', `no record with id "${req.params.id}"`);
          return view;
        },
      );
    }
    {
      const a = access(['dpo', 'auditor'], "A data subject's records", 'records');
      app.get(
        '/v1/subjects/:ref/records',
        { config: a.config, schema: { ...doc(a), params: SubjectParams, response: { 200: SubjectRecords, ...INPUT_ERRORS } } },
        async (req) => ({ subjectRef: req.params.ref, records: await platform.subjectRecords(req.params.ref) }),
      );
    }
    {
      // the originals in dead letters may hold personal data: only those who correct or oversee them
      const a = access(['dpo', 'operator'], 'Dead letters, oldest first', 'dead letters');
      app.get('/v1/dlq', { config: a.config, schema: { ...doc(a), querystring: DlqQuery, response: { 200: DlqList, ...INPUT_ERRORS } } }, async (req) => ({
        deadLetters: await platform.deadLetters(req.query),
      }));
    }
    {
      const a = access(['dpo', 'operator'], 'One dead letter with its reasons and original', 'dead letters');
      app.get(
        '/v1/dlq/:id',
        { config: a.config, schema: { ...doc(a), params: IdParams, response: { 200: DeadLetterViewSchema, 404: ErrorBody, ...INPUT_ERRORS } } },
        async (req) => {
          const dl = await platform.deadLetter(req.params.id);
          if (!dl) throw new HttpError(404, 'not-found', `no dead letter with id "${req.params.id}"`);
          return dl;
        },
      );
    }
    {
      const a = access(['operator'], 'Re-ingest a dead letter, optionally with a corrected event', 'dead letters');
      app.post(
        '/v1/dlq/:id/reprocess',
        {
          config: a.config,
          validatorCompiler: bodyValidatedBy(ReprocessBody),
          schema: { ...doc(a), [BODY_OPTIONAL]: true, params: IdParams, body: ReprocessBodyDoc, response: { 200: ReprocessResponse, 404: ErrorBody, ...INPUT_ERRORS } },
        },
        async (req) => {
          const { id } = req.params;
          if (!(await platform.deadLetter(id))) throw new HttpError(404, 'not-found', `no dead letter with id "${id}"`);
          const body = req.body as z.output<typeof ReprocessBody>;
          return { result: await platform.reprocess(id, body?.event, actor(req)) };
        },
      );
    }
    {
      const a = access(['dpo', 'auditor'], 'Audit entries in sequence order', 'audit');
      app.get('/v1/audit', { config: a.config, schema: { ...doc(a), querystring: AuditQuery, response: { 200: AuditList, ...INPUT_ERRORS } } }, async (req) => ({
        entries: await platform.audit(req.query),
      }));
    }
    {
      const a = access(['dpo', 'auditor'], 'Re-compute the audit hash chain', 'audit');
      app.post('/v1/audit/verify', { config: a.config, schema: { ...doc(a), response: { 200: AuditVerificationSchema, ...AUTH_ERRORS } } }, async () =>
        platform.verifyAudit(),
      );
    }
    {
      const a = access(['dpo', 'operator', 'auditor'], 'Platform time', 'clock');
      app.get('/v1/clock', { config: a.config, schema: { ...doc(a), response: { 200: ClockView, ...AUTH_ERRORS } } }, async () => ({
        now: platform.clock.now().toISOString(),
        simulated: platform.clock.simulated,
      }));
    }
    {
      const a = access(['operator', 'dpo'], 'Advance the simulated clock, then sweep (409 unless the clock is simulated)', 'clock');
      app.post(
        '/v1/clock/advance',
        { config: a.config, schema: { ...doc(a), body: AdvanceBody, response: { 200: AdvanceResponse, 409: ErrorBody, ...INPUT_ERRORS } } },
        async (req) => platform.advanceClock(req.body.by, actor(req)),
      );
    }
    {
      const a = access(['operator'], 'Dispose of what is due now', 'operations');
      app.post('/v1/sweep', { config: a.config, schema: { ...doc(a), response: { 200: SweepReportSchema, ...AUTH_ERRORS } } }, async () => platform.sweep());
    }
    {
      const a = access(['dpo', 'operator', 'auditor'], 'Processes the platform runs or ran (retention sweeps), newest first; in the distributed runtime, Temporal workflows', 'operations');
      app.get('/v1/processes', { config: a.config, schema: { ...doc(a), querystring: ProcessesQuery, response: { 200: ProcessList, ...INPUT_ERRORS } } }, async (req) => ({
        processes: await platform.processes({ limit: req.query.limit, ...(req.query.kind ? { kind: req.query.kind } : {}) }),
      }));
    }
    {
      // holds decide what the council keeps past its own notice: the DPO places and reviews them; operators only pause deletions
      const a = access(['dpo', 'operator'], 'Place a legal hold on a record, a subject, a council case, or a category within a date range (operators: only reason "operational-pause")', 'holds');
      app.post('/v1/holds', { config: a.config, schema: { ...doc(a), body: PlaceHoldRequest, response: { 201: HoldViewSchema, ...INPUT_ERRORS } } }, async (req, reply) => {
        mayHandle(req, req.body.reason);
        reply.code(201);
        return platform.placeHold(req.body, actor(req));
      });
    }
    {
      const a = access(['dpo', 'operator'], 'Dry run of a hold or pause: how many records it would cover now; nothing is placed', 'holds');
      app.post('/v1/holds/dry-run', { config: a.config, schema: { ...doc(a), body: PlaceHoldRequest, response: { 200: HoldDryRun, ...INPUT_ERRORS } } }, async (req) => platform.dryRunHold(req.body));
    }
    {
      const a = access(['operator', 'dpo'], 'Retry escalated deletions (all, or of one council, store or record); with dryRun true only counts them', 'operations');
      app.post('/v1/operations/retry-failed', { config: a.config, schema: { ...doc(a), body: RetryFailedBody, response: { 200: RetryOutcomeSchema, ...INPUT_ERRORS } } }, async (req) =>
        platform.retryFailed({ dryRun: req.body.dryRun, ...(req.body.controller ? { controller: req.body.controller } : {}), ...(req.body.store ? { store: req.body.store } : {}), ...(req.body.recordId ? { recordId: req.body.recordId } : {}) }, actor(req)),
      );
    }
    {
      const a = access(['dpo', 'operator', 'auditor'], 'Legal holds, newest first, each with where its review stands', 'holds');
      app.get('/v1/holds', { config: a.config, schema: { ...doc(a), querystring: HoldsQuery, response: { 200: HoldList, ...INPUT_ERRORS } } }, async (req) => ({
        holds: await platform.holds({ limit: req.query.limit, ...(req.query.status ? { status: req.query.status } : {}), ...(req.query.controller ? { controller: req.query.controller } : {}) }),
      }));
    }
    {
      const a = access(['dpo', 'operator', 'auditor'], 'One legal hold with its reviews', 'holds');
      app.get('/v1/holds/:id', { config: a.config, schema: { ...doc(a), params: IdParams, response: { 200: HoldViewSchema, 404: ErrorBody, ...INPUT_ERRORS } } }, async (req) => {
        const h = await platform.hold(req.params.id);
        if (!h) throw new HttpError(404, 'not-found', `no hold with id "${req.params.id}"`);
        return h;
      });
    }
    {
      const a = access(['dpo', 'operator'], 'Review a legal hold: keep it (next review moves on) or release it; a release lets the next sweep dispose what no other hold covers (operators: their pauses only)', 'holds');
      app.post(
        '/v1/holds/:id/review',
        { config: a.config, schema: { ...doc(a), params: IdParams, body: ReviewHoldRequest, response: { 200: ReviewHoldResponse, 404: ErrorBody, 409: ErrorBody, ...INPUT_ERRORS } } },
        async (req) => {
          const h = await platform.hold(req.params.id);
          if (!h) throw new HttpError(404, 'not-found', `no hold with id "${req.params.id}"`);
          mayHandle(req, h.reason);
          return platform.reviewHold(req.params.id, req.body, actor(req));
        },
      );
    }
    {
      // the DPO logs and runs subject-rights requests; auditors read them
      const a = access(['dpo'], 'Log a subject-rights request (access, portability, rectification, restriction, objection, consent withdrawal, erasure) with its statutory clock; an erasure whose identity is confirmed is decided per record and begun', 'requests');
      app.post('/v1/requests', { config: a.config, schema: { ...doc(a), body: ReceiveRequestBody, response: { 201: RequestViewSchema, 404: ErrorBody, ...INPUT_ERRORS } } }, async (req, reply) => {
        const b = req.body;
        reply.code(201);
        return platform.receiveRequest(
          { controller: b.controller, kind: b.kind, identityVerified: b.identityVerified, ...(b.corrections ? { corrections: b.corrections } : {}), ...(b.identifiers ? { identifiers: b.identifiers } : {}), ...(b.subjectRef ? { subjectRef: b.subjectRef } : {}), ...(b.receivedAt ? { receivedAt: b.receivedAt } : {}) },
          actor(req),
        );
      });
    }
    {
      const a = access(['dpo', 'auditor'], 'Subject-rights requests, newest first, each with its clock (due, due soon, overdue, paused)', 'requests');
      app.get('/v1/requests', { config: a.config, schema: { ...doc(a), querystring: RequestsQuery, response: { 200: RequestList, ...INPUT_ERRORS } } }, async (req) => ({
        requests: await platform.requests({ limit: req.query.limit, ...(req.query.status ? { status: req.query.status } : {}), ...(req.query.controller ? { controller: req.query.controller } : {}), ...(req.query.subjectRef ? { subjectRef: req.query.subjectRef } : {}) }),
      }));
    }
    {
      const a = access(['dpo', 'auditor'], 'One request: its clock, decisions, history and (erasure) certificate', 'requests');
      app.get('/v1/requests/:id', { config: a.config, schema: { ...doc(a), params: IdParams, response: { 200: RequestViewSchema, 404: ErrorBody, ...INPUT_ERRORS } } }, async (req) => {
        const r = await platform.request(req.params.id);
        if (!r) throw new HttpError(404, 'not-found', `no request with id "${req.params.id}"`);
        return r;
      });
    }
    {
      const a = access(['dpo'], "Confirm the person's identity: the clock runs again and an erasure is decided and begun", 'requests');
      app.post('/v1/requests/:id/identity-confirmed', { config: a.config, schema: { ...doc(a), params: IdParams, response: { 200: RequestViewSchema, 404: ErrorBody, 409: ErrorBody, ...INPUT_ERRORS } } }, async (req) =>
        platform.confirmIdentity(req.params.id, actor(req)),
      );
    }
    {
      // the export is the person's data in clear: the DPO only
      const a = access(['dpo'], "An access or portability request's export, as JSON (also the portable, machine-readable format)", 'requests');
      app.get(
        '/v1/requests/:id/export',
        { config: a.config, schema: { ...doc(a), params: IdParams, response: { 200: AccessExportSchema, 404: ErrorBody, ...INPUT_ERRORS } } },
        async (req, reply) => {
          if (!(await platform.request(req.params.id))) throw new HttpError(404, 'not-found', `no request with id "${req.params.id}"`);
          reply.header('cache-control', 'no-store');
          return platform.accessPackage(req.params.id);
        },
      );
    }
    {
      const a = access(['dpo'], "The same export as a readable document (HTML) to send to the person", 'requests');
      // the untyped instance: the reply is HTML, which no zod response schema describes
      base.get('/v1/requests/:id/document', { config: a.config, schema: { ...doc(a), params: IdParams, response: AUTH_ERRORS } }, async (req, reply) => {
        const id = (req.params as { id: string }).id;
        const r = await platform.request(id);
        if (!r) throw new HttpError(404, 'not-found', `no request with id "${id}"`);
        const html = renderAccessDocument(await platform.accessPackage(id), r);
        return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
      });
    }
    {
      const a = access(['dpo'], 'Record that the council answered the request (access, portability and the rights it carries out itself); releases the access hold', 'requests');
      app.post('/v1/requests/:id/complete', { config: a.config, schema: { ...doc(a), params: IdParams, body: CompleteBody, response: { 200: RequestViewSchema, 404: ErrorBody, 409: ErrorBody, ...INPUT_ERRORS } } }, async (req) =>
        platform.completeRequest(req.params.id, req.body.outcome, actor(req)),
      );
    }
    {
      const a = access(['dpo'], 'Lift a restriction: recorded, and the person told first (Art 18(3))', 'requests');
      app.post('/v1/requests/:id/lift-restriction', { config: a.config, schema: { ...doc(a), params: IdParams, body: LiftRestrictionBody, response: { 200: RequestViewSchema, 404: ErrorBody, 409: ErrorBody, ...INPUT_ERRORS } } }, async (req) =>
        platform.liftRestriction(req.params.id, req.body.toldBy, actor(req)),
      );
    }
    {
      const a = access(['dpo'], 'Decide an objection: upheld erases what was processed on public task or legitimate interests; not upheld, processing continues', 'requests');
      app.post('/v1/requests/:id/objection-decision', { config: a.config, schema: { ...doc(a), params: IdParams, body: ObjectionDecisionBody, response: { 200: RequestViewSchema, 404: ErrorBody, 409: ErrorBody, ...INPUT_ERRORS } } }, async (req) =>
        platform.decideObjection(req.params.id, req.body, actor(req)),
      );
    }
    {
      const a = access(['dpo'], 'Pause the clock while waiting for identity, clarification or a fee', 'requests');
      app.post('/v1/requests/:id/pause', { config: a.config, schema: { ...doc(a), params: IdParams, body: PauseBody, response: { 200: RequestViewSchema, 404: ErrorBody, 409: ErrorBody, ...INPUT_ERRORS } } }, async (req) =>
        platform.pauseRequest(req.params.id, req.body.reason, actor(req)),
      );
    }
    {
      const a = access(['dpo'], 'Resume the clock: the answer came', 'requests');
      app.post('/v1/requests/:id/resume', { config: a.config, schema: { ...doc(a), params: IdParams, response: { 200: RequestViewSchema, 404: ErrorBody, 409: ErrorBody, ...INPUT_ERRORS } } }, async (req) =>
        platform.resumeRequest(req.params.id, actor(req)),
      );
    }
    {
      const a = access(['dpo'], 'Extend the deadline by up to two months (complex requests; only within the first month)', 'requests');
      app.post('/v1/requests/:id/extend', { config: a.config, schema: { ...doc(a), params: IdParams, body: ExtendBody, response: { 200: RequestViewSchema, 404: ErrorBody, 409: ErrorBody, ...INPUT_ERRORS } } }, async (req) =>
        platform.extendRequest(req.params.id, req.body.months, req.body.reason, actor(req)),
      );
    }
    {
      // council systems that delete their own data poll for commands with their service token
      const a = access(['service'], 'Erasure commands your system has not acknowledged yet, oldest first (embedded runtime; the distributed one publishes them to the erasure-command topic)', 'erasure commands');
      app.get('/v1/erasure-commands', { config: a.config, schema: { ...doc(a), querystring: CommandsQuery, response: { 200: CommandList, ...INPUT_ERRORS } } }, async (req) => {
        return { commands: await platform.erasureCommands(req.query) };
      });
    }
    {
      const a = access(['service'], 'Acknowledge erasure commands: deleted, already absent, or could not delete (escalated)', 'erasure commands');
      app.post('/v1/erasure-commands/acks', { config: a.config, schema: { ...doc(a), body: AcksBody, response: { 200: AckResults, ...INPUT_ERRORS } } }, async (req) => ({
        results: await platform.acknowledge(req.body.acks, actor(req)),
      }));
    }
    {
      const a = access(['operator'], 'Replay the event log into the registry from an offset or a time (idempotent)', 'operations');
      app.post('/v1/replay', { config: a.config, schema: { ...doc(a), body: ReplayBody, response: { 200: ReplayReportSchema, ...INPUT_ERRORS } } }, async (req) =>
        platform.replay(req.body.fromOffset !== undefined ? { offset: req.body.fromOffset } : { time: req.body.fromTime! }, actor(req)),
      );
    }
    {
      const a = access(['dpo', 'operator', 'auditor'], 'Status page (HTML)', 'meta');
      // the untyped instance: the reply is HTML, which no zod response schema describes
      base.get(
        '/',
        {
          config: { ...a.config, browser: true },
          // no 200 schema: the zod serializer would JSON-encode the HTML string
          schema: { ...doc(a), querystring: StatusPageQuery, security: [{ bearer: [] }, { cookie: [] }], response: AUTH_ERRORS },
        },
        async (_req, reply) => {
          const page = renderStatusPage(await platform.overview());
          return reply
            .type('text/html; charset=utf-8')
            .header('cache-control', 'no-store')
            .header('x-content-type-options', 'nosniff')
            .header('referrer-policy', 'no-referrer')
            .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
            .send(page);
        },
      );
    }
  };
}

function doc(a: ReturnType<typeof access>) {
  return { summary: a.summary, description: a.description, tags: a.tags };
}

const componentsFromRegistry = createJsonSchemaTransformObject({ schemaRegistry: apiRegistry });

/**
 * Last touches the generators do not make: zod stamps each component with `$schema` and a
 * fragment-only `$id` (which JSON Schema 2020-12 forbids, and which breaks some validators), and
 * @fastify/swagger marks every request body required.
 */
function finishDocument(doc: ReturnType<typeof componentsFromRegistry>): ReturnType<typeof componentsFromRegistry> {
  const d = doc as Partial<OpenAPIV3_1.Document>;
  for (const schema of Object.values(d.components?.schemas ?? {})) {
    const s = schema as Record<string, unknown>;
    delete s.$id;
    delete s.$schema;
  }
  for (const item of Object.values(d.paths ?? {})) {
    for (const op of Object.values(item ?? {})) {
      const o = op as Record<string, unknown> & { requestBody?: { required?: boolean } };
      if (o && typeof o === 'object' && o[BODY_OPTIONAL] === true) {
        if (o.requestBody) o.requestBody.required = false;
        delete o[BODY_OPTIONAL];
      }
    }
  }
  return doc;
}
/** a route schema key (copied to the operation by @fastify/swagger, as every `x-` key) that finishDocument turns into `requestBody.required: false` */
const BODY_OPTIONAL = 'x-body-optional';

export function buildServer(platform: Platform, opts: ServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: opts.logger
      ? {
          level: 'info',
          ...(opts.logStream ? { stream: opts.logStream } : {}),
          // method and route pattern only: URLs carry query strings (tokens) and ids, bodies carry personal data
          serializers: {
            req: (req: FastifyRequest) => ({ method: req.method, route: req.routeOptions?.url ?? '(no route)' }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        }
      : false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  // first: the request span covers authentication too
  traceRequests(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onRequest', authenticate(platform));

  app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Custodian API',
        version: '0.1.0',
        description:
          'Keeps personal data only as long as the privacy notices allow, and proves it. Every endpoint but /healthz needs a bearer token; each operation lists the roles it accepts.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token; its roles (service, operator, dpo, auditor) decide what it may do.' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'custodian_token', description: 'Set by GET /?token=…; accepted by the status page only.' },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: createJsonSchemaTransform({ schemaRegistry: apiRegistry }),
    transformObject: (input) => finishDocument(componentsFromRegistry(input)),
  });
  app.register(routes(platform));
  return app;
}

export async function startServer(
  platform: Platform,
  opts: { host?: string; port: number; logger?: boolean },
): Promise<FastifyInstance> {
  const app = buildServer(platform, { logger: opts.logger ?? true });
  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port });
  return app;
}
