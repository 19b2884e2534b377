import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CommandConnector,
  MasterKey,
  withCommandStores,
  PlatformService,
  PolicyBook,
  Sealer,
  SimulatedClock,
  SubjectCache,
  SystemClock,
  loadPolicyPacks,
  type Clock,
  type ConnectorDirectory,
  type LoadedPack,
} from '@custodian/core';
import { EmbeddedStore } from './store';
import { FileErasureJournal } from './journal';

export interface EmbeddedOptions {
  /** folder for custodian.db (and master.key when no key is given) */
  dataDir: string;
  /** the simulated clock is off unless asked for explicitly */
  simulatedClock?: boolean;
  /** with the simulated clock: stop real time (tests) */
  frozenAt?: Date;
  packs?: LoadedPack[];
  connectors: ConnectorDirectory;
  /** 32 bytes; else CUSTODIAN_MASTER_KEY (base64); else a key file created in dataDir */
  masterKey?: Buffer;
  sweepIntervalMs?: number;
  projectIntervalMs?: number;
  /** stores of kind "command": how long to wait for an acknowledgement, and how many times to send (default 24 h, 3) */
  commandAcks?: { timeoutMs: number; maxCommands: number };
  /** errors of background loops (a port failing) are reported, never thrown into the event loop */
  onError?: (where: string, err: unknown) => void;
}

function masterKeyFor(opts: EmbeddedOptions): MasterKey {
  if (opts.masterKey) return new MasterKey(opts.masterKey);
  const env = process.env.CUSTODIAN_MASTER_KEY;
  if (env) return MasterKey.fromBase64(env);
  const file = join(opts.dataDir, 'master.key');
  // a key file beside the data is for the single-machine runtime only; production passes a KMS-held key
  if (!existsSync(file)) writeFileSync(file, MasterKey.generate().toString('base64'), { mode: 0o600, flag: 'wx' });
  return MasterKey.fromBase64(readFileSync(file, 'utf8').trim());
}

export class EmbeddedRuntime {
  readonly platform: PlatformService;
  readonly clock: Clock;
  private timers: NodeJS.Timeout[] = [];
  private wake: NodeJS.Timeout | null = null;
  private projecting = false;
  private sweeping = false;
  private stopped = false;

  private constructor(
    readonly store: EmbeddedStore,
    readonly book: PolicyBook,
    private readonly opts: EmbeddedOptions,
  ) {
    if (opts.simulatedClock) {
      const saved = Number(store.getMeta('clock.offsetMs') ?? '0');
      this.clock = new SimulatedClock({ offsetMs: saved, ...(opts.frozenAt ? { frozenAt: opts.frozenAt } : {}), persist: (ms) => store.setMeta('clock.offsetMs', String(ms)) });
    } else {
      if (opts.frozenAt) throw new Error('frozenAt needs the simulated clock');
      this.clock = new SystemClock();
    }
    const master = masterKeyFor(opts);
    // systems that delete their own data get their commands through this runtime's outbox
    const acks = opts.commandAcks ?? { timeoutMs: 24 * 3_600_000, maxCommands: 3 };
    const connectors = withCommandStores(opts.connectors, book, new CommandConnector(store.commands, this.clock, { ackTimeoutMs: acks.timeoutMs, maxCommands: acks.maxCommands }));
    this.platform = new PlatformService({
      clock: this.clock,
      book,
      master,
      sealer: new Sealer(master, store.vault),
      bus: store.bus,
      subjects: new SubjectCache(store.subjects),
      registry: store.registry,
      holds: store.holds,
      requests: store.requests,
      vault: store.vault,
      journal: new FileErasureJournal(join(opts.dataDir, 'erasure-journal.jsonl')),
      tasks: store.tasks,
      deadLetters: store.deadLetters,
      audit: store.audit,
      connectors,
      tokens: store.tokens,
      commandOutbox: store.commands,
    });
  }

  static open(opts: EmbeddedOptions): EmbeddedRuntime {
    const store = EmbeddedStore.open(join(opts.dataDir, 'custodian.db'));
    return new EmbeddedRuntime(store, new PolicyBook(opts.packs ?? loadPolicyPacks()), opts);
  }

  /**
   * Starts the projector and the retention sweep. The sweep wakes at the next due time or retry
   * time (both durable in the registry, so a restart picks them up), and at least every
   * sweepIntervalMs (default 10 s) to catch what the clock or another writer changed.
   */
  start(): this {
    const report = this.opts.onError ?? ((where, err) => console.error(`[custodian] ${where} failed:`, err instanceof Error ? err.message : err));
    // before anything reads the log: erasures a restored backup lost are applied again
    const ready = this.platform.restoreErasures().catch((e: unknown) => report('erasure journal', e));
    const project = async () => {
      if (this.projecting || this.stopped) return;
      this.projecting = true;
      await ready;
      try {
        await this.platform.project();
      } catch (e) {
        report('projector', e);
      } finally {
        this.projecting = false;
      }
    };
    const interval = this.opts.sweepIntervalMs ?? 10_000;
    const sweep = async (): Promise<void> => {
      if (this.sweeping || this.stopped) return;
      this.sweeping = true;
      await ready;
      let next: string | null = null;
      try {
        await this.platform.project();
        await this.platform.sweep();
        next = await this.platform.nextWakeAt();
      } catch (e) {
        report('retention sweep', e);
      } finally {
        this.sweeping = false;
      }
      if (this.stopped) return;
      const delay = next === null ? interval : Math.min(interval, Math.max(0, Date.parse(next) - this.clock.now().getTime()));
      if (this.wake) clearTimeout(this.wake);
      this.wake = setTimeout(() => void sweep(), delay);
    };
    this.timers.push(setInterval(project, this.opts.projectIntervalMs ?? 200));
    void sweep();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.wake) clearTimeout(this.wake);
    // let a running projection or sweep finish its transaction before the file closes
    await this.platform.project().catch(() => undefined);
    this.store.close();
  }
}
