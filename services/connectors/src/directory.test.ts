import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConnectorConfigError } from './errors';
import { FilesConnector } from './files';
import { HttpDeletionConnector } from './http';
import { ConnectorBindings, StaticConnectorDirectory, loadConnectorBindings, parseConnectorBindings } from './directory';

const files = { controller: 'newark-sherwood', store: 'call-recordings-nas', kind: 'files', root: '/srv/recordings' };
const http = {
  controller: 'newark-sherwood',
  store: 'call-recordings-8x8',
  kind: 'http',
  urlTemplate: 'http://127.0.0.1:4100/v1/recordings/{locator}',
  headers: { Authorization: 'Bearer ${env:EIGHT_BY_EIGHT_TOKEN}' },
  inlineRetry: { attempts: 2 },
  retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 60_000 },
};

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectorConfigError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('ConnectorBindings', () => {
  it('accepts files and http bindings', () => {
    const parsed = parseConnectorBindings([files, http]);
    expect(parsed.map((b) => b.kind)).toEqual(['files', 'http']);
    expect(ConnectorBindings.safeParse([files, http]).success).toBe(true);
  });

  it('names each bad field by its path', () => {
    const message = errorOf(() =>
      parseConnectorBindings([
        { ...files, root: '' },
        { ...http, urlTemplate: 'vendor.example/{locator}', timeoutMs: -1 },
        { ...http, store: 'Call Recordings' },
        { ...http, controller: 'NSDC', store: 'other' },
        { ...http, store: 'x', inlineRetry: { attempts: 0 } },
        { ...files, store: 'y', rooot: '/typo' },
      ]),
    );
    expect(message).toMatch(/^connector bindings are invalid:/);
    expect(message).toContain('[0].root: must name the directory');
    expect(message).toContain('[1].urlTemplate: must be an http:// or https:// URL');
    expect(message).toContain('[1].timeoutMs');
    expect(message).toContain('[2].store: must be a store id');
    expect(message).toContain('[3].controller: must be a council id');
    expect(message).toContain('[4].inlineRetry.attempts');
    expect(message).toContain('[5].rooot: is not a known option');
  });

  it('names the kind when it is unknown', () => {
    expect(errorOf(() => parseConnectorBindings([{ ...files, kind: 'ftp' }]))).toContain('[0].kind');
  });

  it('refuses two connectors for one store of one council', () => {
    expect(errorOf(() => parseConnectorBindings([files, { ...http, store: files.store }]))).toContain(`[1].store: "${files.store}" of newark-sherwood is already bound at [0]`);
    // The same store id at another council is a different store.
    expect(parseConnectorBindings([files, { ...files, controller: 'gedling' }])).toHaveLength(2);
  });

  it('requires an array', () => {
    expect(errorOf(() => parseConnectorBindings({ bindings: [] }))).toContain('(bindings): must be an array of connector bindings');
  });
});

describe('loadConnectorBindings / StaticConnectorDirectory.fromFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'custodian-bindings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says which file is not JSON', () => {
    const file = path.join(dir, 'bindings.json');
    writeFileSync(file, '[{"controller": ');
    expect(errorOf(() => loadConnectorBindings(file))).toContain(`connector bindings ${file} are not valid JSON`);
  });

  it('says which file has which bad field', () => {
    const file = path.join(dir, 'bindings.json');
    writeFileSync(file, JSON.stringify([{ ...http, method: 'GET' }]));
    const message = errorOf(() => loadConnectorBindings(file));
    expect(message).toContain(file);
    expect(message).toContain('[0].method');
  });

  it('resolves a relative files root against the bindings file', async () => {
    const file = path.join(dir, 'bindings.json');
    writeFileSync(file, JSON.stringify([{ ...files, root: 'recordings' }]));
    mkdirSync(path.join(dir, 'recordings'));
    writeFileSync(path.join(dir, 'recordings', 'a.wav'), 'x');
    const c = StaticConnectorDirectory.fromFile(file).find(files.controller, files.store);
    expect(c).toBeInstanceOf(FilesConnector);
    const [r] = await c!.delete([{ taskId: 't', recordId: 'r', controller: files.controller, store: files.store, locator: 'a.wav', attempt: 1 }]);
    expect(r?.outcome).toBe('deleted');
    expect(existsSync(path.join(dir, 'recordings', 'a.wav'))).toBe(false);
  });
});

describe('StaticConnectorDirectory', () => {
  it('finds the connector bound to a council store, and nothing for others', () => {
    const d = StaticConnectorDirectory.from([files, http], { http: { env: { EIGHT_BY_EIGHT_TOKEN: 't' } } });
    expect(d.find('newark-sherwood', 'call-recordings-nas')).toBeInstanceOf(FilesConnector);
    const h = d.find('newark-sherwood', 'call-recordings-8x8');
    expect(h).toBeInstanceOf(HttpDeletionConnector);
    expect(h?.retry).toEqual(http.retry);
    expect(d.find('gedling', 'call-recordings-8x8')).toBeUndefined();
    expect(d.find('newark-sherwood', 'web-chat')).toBeUndefined();
  });

  it('fails at start-up, naming the binding and the variable, when a header secret is missing', () => {
    const message = errorOf(() => StaticConnectorDirectory.from([files, http], { http: { env: {} } }));
    expect(message).toBe('connector binding [1] (newark-sherwood / call-recordings-8x8): header "Authorization" needs environment variable EIGHT_BY_EIGHT_TOKEN, which is not set');
  });
});

describe('MongoDB collection bindings', () => {
  const binding = { controller: 'durham', store: 'case-archive', kind: 'mongodb', url: 'mongodb://127.0.0.1:27017/?replicaSet=rs0', database: 'cases', collection: 'enquiries', field: 'caseRef', rectifyPaths: { email: 'contact.email' } };
  it('are built by the runtime that carries the driver, with the binding as given', () => {
    const seen: unknown[] = [];
    const made = { kind: 'mongodb', retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, delete: async () => [] };
    const dir = StaticConnectorDirectory.from([binding], { mongodb: (b) => (seen.push(b), made) });
    expect(dir.find('durham', 'case-archive')).toBe(made);
    expect(seen).toEqual([binding]);
  });
  it('are refused, saying where they belong, where no driver is given', () => {
    expect(() => StaticConnectorDirectory.from([binding])).toThrow(/connector binding \[0\] \(durham \/ case-archive\): a MongoDB collection is bound by the distributed runtime's lifecycle service/);
  });
  it('are checked field by field', () => {
    expect(() => StaticConnectorDirectory.from([{ ...binding, url: 'http://x', rectifyPaths: { shoe: 'x' } }], { mongodb: () => undefined as never })).toThrow(/\[0\]\.url: must be a mongodb:\/\/ or mongodb\+srv:\/\/ URL/);
  });
});
