import type { SweepReport } from './platform';
import type { Clock, Orchestrator, ProcessView } from './ports';

/** the only kinds a process may have: they name processes, and reach Temporal's list queries as text */
export const PROCESS_KIND = /^[a-z-]{1,64}$/;

/**
 * The Orchestrator port in the embedded runtime: its processes are the sweeps it runs in this
 * process, remembered since it started (their effects are in the audit trail for good).
 */
export class InProcessOrchestrator implements Orchestrator {
  private readonly recent: ProcessView[] = [];

  constructor(
    private readonly run: () => Promise<SweepReport>,
    private readonly clock: Clock,
    private readonly keep = 50,
  ) {}

  async runSweep(): Promise<SweepReport> {
    const r = await this.run();
    const entry: ProcessView = { id: `retention-sweep-${r.at}`, kind: 'retention-sweep', status: 'completed', startedAt: r.at, closedAt: this.clock.now().toISOString(), summary: { started: r.started, disposed: r.disposed, tasksRun: r.tasksRun, tasksFailed: r.tasksFailed } };
    // the runtime sweeps every few seconds: an idle sweep replaces the idle one before it, so the list keeps what did work
    const idle = (p: ProcessView | undefined) => !!p?.summary && Object.values(p.summary).every((n) => n === 0);
    if (idle(entry) && idle(this.recent[0])) this.recent[0] = entry;
    else this.recent.unshift(entry);
    this.recent.length = Math.min(this.recent.length, this.keep);
    return r;
  }

  /** in process, an erasure's deletions run in the next sweep, which completes it: run one now */
  async startErasure(): Promise<void> {
    await this.runSweep();
  }

  async processes(q: { kind?: string; limit: number }): Promise<ProcessView[]> {
    if (q.kind !== undefined && !PROCESS_KIND.test(q.kind)) throw new Error(`"${q.kind}" is not a process kind`);
    return this.recent.filter((p) => !q.kind || p.kind === q.kind).slice(0, q.limit);
  }
}
