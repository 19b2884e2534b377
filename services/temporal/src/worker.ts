import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DisposalDeps, RequestDeps } from '@custodian/core';
import { createSweepActivities } from './activities';
import { createErasureActivities } from './erasure-activities';
import type { TemporalConfig } from './config';
import { custodianDataConverter } from './data-converter';
import { workerInterceptors, workflowSpanSinks, type WorkflowSpanSink } from './tracing';

/** the module the worker bundles: the workflow definitions only, never the package's main entry */
export const WORKFLOWS_PATH = require.resolve('@custodian/workflows/src/temporal');

/**
 * The worker's options without a connection. A bundle made ahead of time starts faster and is what
 * was tested; without one the worker bundles the workflows at start.
 */
export function sweepWorkerOptions(cfg: TemporalConfig, deps: DisposalDeps, spans?: WorkflowSpanSink, erasure?: RequestDeps): Omit<WorkerOptions, 'connection'> {
  return {
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    ...(cfg.CUSTODIAN_WORKFLOW_BUNDLE ? { workflowBundle: { codePath: cfg.CUSTODIAN_WORKFLOW_BUNDLE } } : { workflowsPath: WORKFLOWS_PATH }),
    // the erasure workflow's activities where the worker has what a request needs (stores, master key)
    activities: { ...createSweepActivities(deps, { batch: cfg.CUSTODIAN_SWEEP_BATCH }), ...(erasure ? createErasureActivities({ ...deps, ...erasure, bus: undefined }) : {}) },
    dataConverter: custodianDataConverter(cfg),
    interceptors: workerInterceptors(),
    sinks: workflowSpanSinks(spans),
  };
}

/** connects to Temporal and creates the worker hosting the sweep workflow and its activities; `run()` it */
export async function createSweepWorker(cfg: TemporalConfig, deps: DisposalDeps, spans?: WorkflowSpanSink, erasure?: RequestDeps): Promise<Worker> {
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS, tls: cfg.TEMPORAL_TLS });
  return Worker.create({ connection, ...sweepWorkerOptions(cfg, deps, spans, erasure) });
}
