// Ajv comes with fastify (not a declared dependency): it is only used here, to check that the
// document's schemas are valid JSON Schema 2020-12 and describe what the server really sends.
import Ajv2020 from 'ajv/dist/2020';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './server';
import { fakeWithTokens, sampleEvent } from './test-support/fake-platform';

let app: FastifyInstance;
// a parsed JSON document, probed field by field
let doc: any;
let tokens: Awaited<ReturnType<typeof fakeWithTokens>>['tokens'];

beforeAll(async () => {
  const f = await fakeWithTokens();
  tokens = f.tokens;
  app = buildServer(f.platform);
  const res = await app.inject({ method: 'GET', url: '/openapi.json', headers: { authorization: `Bearer ${tokens.auditor}` } });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(() => app.close());

const OPERATIONS: Array<[string, string]> = [
  ['post', '/v1/events'],
  ['get', '/v1/records/{id}'],
  ['get', '/v1/subjects/{ref}/records'],
  ['get', '/v1/dlq'],
  ['get', '/v1/dlq/{id}'],
  ['post', '/v1/dlq/{id}/reprocess'],
  ['get', '/v1/audit'],
  ['post', '/v1/audit/verify'],
  ['get', '/v1/clock'],
  ['post', '/v1/clock/advance'],
  ['post', '/v1/sweep'],
  ['get', '/healthz'],
  ['get', '/openapi.json'],
  ['get', '/'],
];

function ajvOver(document: unknown) {
  // strict off: the OpenAPI wrapper around the schemas is not itself a JSON Schema
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(document as object, 'openapi.json');
  return (name: string) => ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3 document titled "Custodian API" with a bearer scheme required by default', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'Custodian API', version: expect.any(String) });
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it.each(OPERATIONS)('documents %s %s with responses and its roles', (method, path) => {
    const op = doc.paths[path]?.[method];
    expect(op).toBeDefined();
    expect(Object.keys(op.responses).length).toBeGreaterThan(0);
    if (path === '/healthz') {
      expect(op.security).toEqual([]);
    } else {
      expect(op.responses['401']).toBeDefined();
      expect(op.description).toMatch(/^(Roles: |Any valid token)/);
    }
    for (const name of path.match(/\{(\w+)\}/g) ?? []) {
      expect(op.parameters).toContainEqual(expect.objectContaining({ in: 'path', name: name.slice(1, -1), required: true }));
    }
  });

  it('has component schemas for the envelope and the API shapes, referenced from the operations', () => {
    const names = Object.keys(doc.components.schemas);
    expect(names).toEqual(expect.arrayContaining(['EventEnvelopeInput', 'IngestResponse', 'IngestResult', 'RecordView', 'RecordState', 'DeadLetter', 'AuditEntry', 'Error']));
    const body = doc.paths['/v1/events'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(body)).toContain('#/components/schemas/EventEnvelopeInput');
    const variants = doc.components.schemas.EventEnvelopeInput.oneOf ?? doc.components.schemas.EventEnvelopeInput.anyOf;
    expect(variants.map((v: { properties: { type: { const: string } } }) => v.properties.type.const)).toContain('complaint.closed');
  });

  it('has no dangling $ref', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split('/').pop()!]).toBeDefined();
    }
  });

  it('has component schemas that are valid JSON Schema and describe real traffic', async () => {
    const schema = ajvOver(doc);
    const names = Object.keys(doc.components.schemas);
    for (const n of names) expect(() => schema(n)).not.toThrow();

    const envelope = schema('EventEnvelopeInput');
    const event = sampleEvent();
    expect(envelope(event)).toBe(true);
    expect(envelope({ ...event, payload: { caseRef: 'X-1', channel: 'pigeon' } })).toBe(false);

    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${tokens.service}` },
      payload: [event, event, { nope: true }],
    });
    const ingestResponse = schema('IngestResponse');
    expect(ingestResponse(res.json())).toBe(true);
    expect(ingestResponse({ ...res.json(), results: [{ index: 0, status: 'maybe' }] })).toBe(false);

    const rec = await app.inject({ method: 'GET', url: `/v1/records/${res.json().results[0].recordId}`, headers: { authorization: `Bearer ${tokens.dpo}` } });
    expect(schema('RecordView')(rec.json())).toBe(true);
    const denied = await app.inject({ method: 'GET', url: '/v1/dlq', headers: { authorization: `Bearer ${tokens.auditor}` } });
    expect(schema('Error')(denied.json())).toBe(true);
  });
});
