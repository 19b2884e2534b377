import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { StaticConnectorDirectory, startVendorSimulator, type VendorSimulator } from '@custodian/connectors';
import { loadPolicyPacks, type IngestResult, type LoadedPack } from '@custodian/core';
import { demoBindings, simulatorId } from '@custodian/demo/src/bindings';
import { EmbeddedRuntime } from '@custodian/embedded';

export const SIM_TOKEN = 'sim-test-token';

/**
 * The embedded platform as a council would run it, on loopback: real files connector under a temp
 * folder, real HTTP connector against the vendor simulator, simulated clock frozen at `start`.
 */
export class Harness {
  private constructor(
    readonly dir: string,
    readonly packs: LoadedPack[],
    readonly sim: VendorSimulator,
    public rt: EmbeddedRuntime,
    private readonly open: () => EmbeddedRuntime,
  ) {}

  static async start(start = new Date('2026-01-05T09:00:00Z')): Promise<Harness> {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-e2e-'));
    const packs = loadPolicyPacks();
    const sim = await startVendorSimulator({ token: SIM_TOKEN, host: '127.0.0.1' });
    const bindings = demoBindings(packs, { filesRoot: join(dir, 'files'), vendorUrl: sim.url, tokenEnv: 'SIM_TOKEN' });
    const connectors = new StaticConnectorDirectory(bindings, { http: { env: { SIM_TOKEN }, sleep: async () => undefined } });
    const open = () => EmbeddedRuntime.open({ dataDir: join(dir, 'data'), simulatedClock: true, frozenAt: start, packs, connectors, masterKey: Buffer.alloc(32, 3), onError: () => undefined });
    return new Harness(dir, packs, sim, open(), open);
  }

  get platform() {
    return this.rt.platform;
  }

  get dataDir() {
    return join(this.dir, 'data');
  }

  filePath(controller: string, store: string, locator: string): string {
    return join(this.dir, 'files', controller, store, locator);
  }

  /** puts the data where the event will say it is: a file, or a recording at the simulated vendor */
  async place(controller: string, store: string, locator: string): Promise<void> {
    const kind = this.packs.find((p) => p.pack.id === controller)!.pack.stores.find((s) => s.id === store)!.kind;
    if (kind === 'files') {
      const f = this.filePath(controller, store, locator);
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, 'RIFF....WAVE');
    } else {
      const res = await fetch(`${this.sim.url}/v1/recordings/${encodeURIComponent(simulatorId(controller, store, locator))}`, { method: 'PUT', headers: { authorization: `Bearer ${SIM_TOKEN}` } });
      if (!res.ok) throw new Error(`simulator refused PUT: ${res.status}`);
    }
  }

  held(controller: string, store: string, locator: string): boolean {
    const kind = this.packs.find((p) => p.pack.id === controller)!.pack.stores.find((s) => s.id === store)!.kind;
    return kind === 'files' ? existsSync(this.filePath(controller, store, locator)) : this.sim.has(simulatorId(controller, store, locator));
  }

  async ingest(events: unknown[]): Promise<IngestResult[]> {
    const r = await this.platform.ingest(events, 'test');
    await this.platform.project();
    return r;
  }

  async advance(by: string) {
    return this.platform.advanceClock(by, 'test');
  }

  /** stops and reopens the runtime on the same data (a restart) */
  async restart(): Promise<void> {
    await this.rt.stop();
    this.rt = this.open();
  }

  async close(): Promise<void> {
    await this.rt.stop().catch(() => undefined);
    await this.sim.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function accepted(r: IngestResult | undefined): Extract<IngestResult, { status: 'accepted' }> {
  if (!r || r.status !== 'accepted') throw new Error(`expected the event to be accepted, got ${JSON.stringify(r)}`);
  return r;
}
