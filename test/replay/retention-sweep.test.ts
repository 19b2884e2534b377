import type { WorkflowBundle } from '@temporalio/worker';
import { BUNDLE_TIMEOUT_MS, bundleSweepWorkflows, replayScenarios } from './replay-support';
import { SCENARIOS } from './scenarios';

/*
 * Each golden history is replayed through the real SDK with the workflow code bundled as a worker
 * bundles it. Replay fails on any command the history does not hold (activity id or type, timer, how
 * the run ends); the recorder adds the activity inputs, timer durations and the result.
 */

let bundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleSweepWorkflows();
}, BUNDLE_TIMEOUT_MS);

replayScenarios('retention sweep', SCENARIOS, 'custodian-retention-sweep', () => bundle);
