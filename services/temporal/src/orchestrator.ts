import { Client, Connection } from '@temporalio/client';
import type { Orchestrator, SweepReport } from '@custodian/core';
import { SWEEP_KIND, SWEEP_WORKFLOW_TYPE, SearchAttributes, type SweepInput, type SweepWorkflowReport } from '@custodian/workflows/src/temporal/contract';
import type { TemporalConfig } from './config';
import { custodianDataConverter } from './data-converter';
import { clientInterceptors } from './tracing';

/** a workflow client as the orchestrator needs it (the SDK's Client, or a test double) */
export interface SweepStarter {
  execute(type: string, options: { taskQueue: string; workflowId: string; args: [SweepInput]; typedSearchAttributes: Array<{ key: typeof SearchAttributes.CustodianKind; value: string }> }): Promise<SweepWorkflowReport>;
}

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
      { execute: (type, options) => client.workflow.execute(type, options) as Promise<SweepWorkflowReport> },
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
}
