import type { Receipt, RetryPolicy } from '@custodian/workflows';
import type { PolicyBook } from './policy-packs';
import type { RectifyRequest, RectifyResult } from './ports';
import type { AuditInput, Clock, ConnectorDirectory, DeletionConnector, DeletionRequest, DeletionResult, DeletionTask, DeletionTasks, ErasureAck, ErasureCommandChannel } from './ports';

/**
 * A store whose system deletes its own data: each deletion is an erasure command sent to it, and
 * the task waits for the system's acknowledgement. No acknowledgement within `ackTimeoutMs` sends
 * the command again (same id, so the system can deduplicate); after `maxCommands` sends the task is
 * escalated like any deletion that keeps failing.
 */
export class CommandConnector implements DeletionConnector {
  readonly kind = 'command';
  readonly retry: RetryPolicy;
  constructor(
    private readonly channel: ErasureCommandChannel,
    private readonly clock: Clock,
    private readonly opts: { ackTimeoutMs: number; maxCommands: number },
  ) {
    // one attempt per send, and one more that finds the last send unanswered; the wait is the timeout itself
    this.retry = { maxAttempts: opts.maxCommands + 1, baseDelayMs: opts.ackTimeoutMs, maxDelayMs: opts.ackTimeoutMs };
  }

  async delete(requests: DeletionRequest[]): Promise<DeletionResult[]> {
    await this.send(requests, 'erase');
    const waited = Math.round(this.opts.ackTimeoutMs / 60_000);
    return requests.map((r): DeletionResult =>
      r.attempt > this.opts.maxCommands
        ? { outcome: 'failed', detail: `no acknowledgement after ${this.opts.maxCommands} erasure command(s), ${waited} minute(s) apart` }
        : { outcome: 'retry', detail: `erasure command ${r.attempt} of ${this.opts.maxCommands} sent; waiting for acknowledgement`, retryAfterMs: this.opts.ackTimeoutMs },
    );
  }

  /** corrections go the same way: a command with action "rectify", finished by the system's acknowledgement */
  async rectify(requests: RectifyRequest[]): Promise<RectifyResult[]> {
    await this.send(requests, 'rectify');
    return requests.map((r): RectifyResult =>
      r.attempt > this.opts.maxCommands
        ? { outcome: 'failed', detail: `no acknowledgement after ${this.opts.maxCommands} correction command(s)` }
        : { outcome: 'retry', detail: `correction command ${r.attempt} of ${this.opts.maxCommands} sent; waiting for acknowledgement`, retryAfterMs: this.opts.ackTimeoutMs },
    );
  }

  /** sends the commands still within their sends; the one after the last send only finds it unanswered */
  private async send(requests: Array<DeletionRequest & Partial<Pick<RectifyRequest, 'corrections'>>>, action: 'erase' | 'rectify'): Promise<void> {
    const issuedAt = this.clock.now().toISOString();
    const send = requests.filter((r) => r.attempt <= this.opts.maxCommands);
    if (!send.length) return;
    await this.channel.send(
      send.map((r) => ({ commandId: r.taskId, recordId: r.recordId, controller: r.controller, store: r.store, locator: r.locator, issuedAt, attempt: r.attempt, ...(action === 'rectify' ? { action, corrections: r.corrections ?? [] } : {}) })),
    );
  }
}

export type AckResult = { commandId: string; status: 'applied' | 'duplicate' } | { commandId: string; status: 'rejected'; reason: string };

/**
 * Acknowledgements from subscribed systems: a deletion confirmed (or found already gone) finishes its
 * task with a receipt; a system that could not delete escalates the task. Repeats are harmless.
 * Returns the records whose task finished, for completion.
 */
export async function applyAcks(d: { clock: Clock; tasks: DeletionTasks }, acks: ErasureAck[], actor: string): Promise<{ results: AckResult[]; touched: string[] }> {
  const now = d.clock.now().toISOString();
  const known = new Map((await d.tasks.get([...new Set(acks.map((a) => a.commandId))])).map((t) => [t.taskId, t]));
  const results: AckResult[] = [];
  const updated = new Map<string, DeletionTask>();
  const audit: AuditInput[] = [];
  for (const a of acks) {
    const t = updated.get(a.commandId) ?? known.get(a.commandId);
    if (!t || t.recordId !== a.recordId || t.store !== a.store) {
      results.push({ commandId: a.commandId, status: 'rejected', reason: t ? 'the command was for another record or store' : 'no such command' });
      continue;
    }
    if (t.status === 'done' || t.status === 'failed') {
      results.push({ commandId: a.commandId, status: 'duplicate' });
      continue;
    }
    if (a.outcome === 'failed') {
      updated.set(t.taskId, { ...t, status: 'failed', lastError: `the system could not delete: ${a.detail}` });
      audit.push({ actor, action: 'deletion.escalated', target: { kind: 'task', id: t.taskId }, reason: `deletion at ${t.store} failed: the system answered that it could not delete (${a.detail})`, details: { recordId: t.recordId, store: t.store, controller: t.controller } });
    } else {
      const receipt: Receipt = { store: t.store, outcome: a.outcome, at: now, detail: `acknowledged: ${a.detail}`, ...(a.reference ? { reference: a.reference } : {}) };
      updated.set(t.taskId, { ...t, status: 'done', locator: '[disposed]', receipt, lastError: null });
    }
    results.push({ commandId: a.commandId, status: 'applied' });
  }
  if (updated.size) await d.tasks.update([...updated.values()], audit, now);
  return { results, touched: [...new Set([...updated.values()].filter((t) => t.status === 'done').map((t) => t.recordId))] };
}

/**
 * The deployment's connectors, with every store a policy pack declares of kind "command" bound to
 * `command` unless the deployment bound it to something else: both runtimes compose it this way.
 */
export function withCommandStores(connectors: ConnectorDirectory, book: PolicyBook, command: DeletionConnector): ConnectorDirectory {
  const stores = new Set(book.packs.flatMap((p) => p.pack.stores.filter((s) => s.kind === 'command').map((s) => `${p.pack.id}\u0000${s.id}`)));
  return { find: (controller, store) => connectors.find(controller, store) ?? (stores.has(`${controller}\u0000${store}`) ? command : undefined) };
}
