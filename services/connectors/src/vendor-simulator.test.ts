import { startVendorSimulator, type VendorSimulator } from './vendor-simulator';

const TOKEN = 'sim-token';
const auth = { authorization: `Bearer ${TOKEN}` };
let sim: VendorSimulator;

beforeEach(async () => {
  sim = await startVendorSimulator({ host: '127.0.0.1', token: TOKEN });
});
afterEach(async () => {
  await sim.close();
});

const call = (method: string, id: string, headers: Record<string, string> = auth): Promise<Response> =>
  fetch(`${sim.url}/v1/recordings/${encodeURIComponent(id)}`, { method, headers, signal: AbortSignal.timeout(5_000) });

describe('vendor simulator', () => {
  it('listens on loopback only', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(startVendorSimulator({ host: '0.0.0.0', token: TOKEN })).rejects.toThrow('only listens on loopback');
  });

  it('creates with PUT and deletes with DELETE (204, then 404)', async () => {
    expect((await call('PUT', 'call/42')).status).toBe(201);
    expect(sim.has('call/42')).toBe(true);
    expect((await call('DELETE', 'call/42')).status).toBe(204);
    expect(sim.has('call/42')).toBe(false);
    expect((await call('DELETE', 'call/42')).status).toBe(404);
  });

  it('requires the bearer token', async () => {
    await call('PUT', 'r');
    expect((await call('DELETE', 'r', { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await call('DELETE', 'r', {})).status).toBe(401);
    expect(sim.has('r')).toBe(true);
  });

  it('replays a completed answer for a repeated key, but not an injected failure', async () => {
    await call('PUT', 'r');
    sim.failNext(1, 503, 7);
    const failed = await call('DELETE', 'r', { ...auth, 'idempotency-key': 'k' });
    expect([failed.status, failed.headers.get('retry-after')]).toEqual([503, '7']);
    expect((await call('DELETE', 'r', { ...auth, 'idempotency-key': 'k' })).status).toBe(204);
    await call('PUT', 'r');
    // Same key: the earlier 204 is replayed, and the re-created recording is left alone.
    expect((await call('DELETE', 'r', { ...auth, 'idempotency-key': 'k' })).status).toBe(204);
    expect(sim.has('r')).toBe(true);
    expect((await call('DELETE', 'other', { ...auth, 'idempotency-key': 'k' })).status).toBe(422);
    expect(sim.calls.filter((c) => c.method === 'DELETE').map((c) => [c.status, c.replayed])).toEqual([
      [503, false],
      [204, false],
      [204, true],
      [422, false],
    ]);
  });

  it('closes promptly with a delayed deletion still pending', async () => {
    await call('PUT', 'slow');
    sim.delayNext(1, 60_000);
    const pending = call('DELETE', 'slow').then(
      (r) => r.status,
      () => 'dropped',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await sim.close();
    await pending;
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
