import type { WorkflowBundle } from '@temporalio/worker';
import { ERASURE_SCENARIOS } from './erasure-scenarios';
import { BUNDLE_TIMEOUT_MS, bundleSweepWorkflows, replayScenarios } from './replay-support';

/* The erasure workflow's golden histories, replayed through the real SDK as the sweep's are. */

let bundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleSweepWorkflows();
}, BUNDLE_TIMEOUT_MS);

replayScenarios('subject erasure', ERASURE_SCENARIOS, 'custodian-erasure-req_q3Kx9vTn2LmA', () => bundle);
