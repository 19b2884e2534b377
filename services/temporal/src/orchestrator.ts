import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ERASURE_KIND, ERASURE_WORKFLOW_TYPE, erasureWorkflowId, type ErasureInput } from '@custodian/workflows/src/temporal/erasure-contract';
import { PROCESS_KIND, type Orchestrator, type ProcessStatus, type ProcessView, type SweepReport } from '@custodian/core';
import { SWEEP_KIND, SWEEP_WORKFLOW_TYPE, SearchAttributes, type SweepInput, type SweepWorkflowReport } from '@custodian/workflows/src/temporal/contract';
import type { TemporalConfig } from './config';
import { custodianDataConverter } from './data-converter';
import { clientInterceptors } from './tracing';

/** a workflow client as the orchestrator needs it (the SDK's Client, or a test double) */
export interface SweepStarter {
  execute(type: string, options: { taskQueue: string; workflowId: string; args: [SweepInput]; typedSearchAttributes: Array<{ key: typeof SearchAttributes.CustodianKind; value: string }> }): Promise<SweepWorkflowReport>;
  /** starts a workflow without waiting for it; rejects with WorkflowExecutionAlreadyStartedError if its id is taken */
  start(type: string, options: { taskQueue: string; workflowId: string; args: [ErasureInput]; typedSearchAttributes: Array<{ key: (typeof SearchAttributes)[keyof typeof SearchAttributes]; value: string }> }): Promise<unknown>;
  /** visibility: the namespace's workflows matching a list filter, newest first */
  list(query: string): AsyncIterable<ListedWorkflow>;
}

/** what the orchestrator reads of a listed workflow (a slice of the SDK's WorkflowExecutionInfo) */
export interface ListedWorkflow {
  workflowId: string;
  type: string;
  status: { name: string };
  startTime: Date;
  closeTime?: Date | undefined;
  kind?: string | undefined;
}

const STATUS: Record<string, ProcessStatus> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed-out',
  CONTINUED_AS_NEW: 'continued',
};
const KINDS_BY_TYPE: Record<string, string> = { [SWEEP_WORKFLOW_TYPE]: SWEEP_KIND, [ERASURE_WORKFLOW_TYPE]: ERASURE_KIND };

/**
 * The Orchestrator port on Temporal. A sweep on demand is a workflow of its own beside the
 * Schedule's; its id carries the time only, never a record or a person.
 */
export class TemporalOrchestrator implements Orchestrator {
  constructor(
    private readonly workflows: SweepStarter,
    private readonly cfg: Pick<TemporalConfig, 'TEMPORAL_TASK_QUEUE' | 'CUSTODIAN_SWEEP_BATCH'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  static async connect(cfg: TemporalConfig): Promise<TemporalOrchestrator> {
    const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS, tls: cfg.TEMPORAL_TLS });
    const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE, dataConverter: custodianDataConverter(cfg), interceptors: clientInterceptors() });
    return new TemporalOrchestrator(
      {
        execute: (type, options) => client.workflow.execute(type, options) as Promise<SweepWorkflowReport>,
        start: (type, options) => client.workflow.start(type, options),
        list: async function* (query) {
          for await (const w of client.workflow.list({ query })) {
            yield { workflowId: w.workflowId, type: w.type, status: { name: w.status.name }, startTime: w.startTime, closeTime: w.closeTime, kind: w.typedSearchAttributes.get(SearchAttributes.CustodianKind) };
          }
        },
      },
      cfg,
    );
  }

  async runSweep(): Promise<SweepReport> {
    const at = this.now();
    const r = await this.workflows.execute(SWEEP_WORKFLOW_TYPE, {
      taskQueue: this.cfg.TEMPORAL_TASK_QUEUE,
      workflowId: `custodian-retention-sweep-on-demand-${at.toISOString()}`,
      args: [{ batch: this.cfg.CUSTODIAN_SWEEP_BATCH }],
      typedSearchAttributes: [{ key: SearchAttributes.CustodianKind, value: SWEEP_KIND }],
    });
    return { at: at.toISOString(), started: r.started, disposed: r.disposed, tasksRun: r.tasksRun, tasksFailed: r.tasksFailed };
  }

  /**
   * One workflow per erasure request, its id the request's (random, pseudonymous) id; the council
   * and the subject's pseudonymous reference as search attributes for the DPO's dashboard. Started
   * twice, the second start finds the first running and changes nothing.
   */
  async startErasure(r: { requestId: string; controller: string; subjectRef: string }): Promise<void> {
    try {
      await this.workflows.start(ERASURE_WORKFLOW_TYPE, {
        taskQueue: this.cfg.TEMPORAL_TASK_QUEUE,
        workflowId: erasureWorkflowId(r.requestId),
        args: [{ requestId: r.requestId }],
        typedSearchAttributes: [
          { key: SearchAttributes.CustodianKind, value: ERASURE_KIND },
          { key: SearchAttributes.CustodianController, value: r.controller },
          { key: SearchAttributes.CustodianSubjectRef, value: r.subjectRef },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  /** read from Temporal's visibility store by the kind search attribute; ids and times only */
  async processes(q: { kind?: string; limit: number }): Promise<ProcessView[]> {
    if (q.kind !== undefined && !PROCESS_KIND.test(q.kind)) throw new Error(`"${q.kind}" is not a process kind`);
    const query = q.kind ? `${SearchAttributes.CustodianKind.name} = "${q.kind}"` : '';
    const out: ProcessView[] = [];
    for await (const w of this.workflows.list(query)) {
      out.push({
        id: w.workflowId,
        kind: w.kind ?? KINDS_BY_TYPE[w.type] ?? w.type,
        status: STATUS[w.status.name] ?? 'running',
        startedAt: w.startTime.toISOString(),
        closedAt: w.closeTime ? w.closeTime.toISOString() : null,
      });
      if (out.length >= q.limit) break;
    }
    return out;
  }
}
