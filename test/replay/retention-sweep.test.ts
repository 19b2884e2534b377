import type { WorkflowBundle } from '@temporalio/worker';
import { BUNDLE_TIMEOUT_MS, REPLAY_TIMEOUT_MS, bundleSweepWorkflows, goldenHistory, goldenText, replay } from './replay-support';
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

describe.each(SCENARIOS.map((make) => [make().name, make] as const))('retention sweep: %s', (_name, make) => {
  const scenario = make();

  it('the stored golden history is what the builder makes', () => {
    expect(goldenText(scenario.file)).toBe(scenario.history.toJSON());
  });

  it(
    'replays deterministically, with the expected activity inputs, timers and end',
    async () => {
      const seen = await replay(bundle, goldenHistory(scenario.file));
      expect(seen).toEqual(scenario.expected);
    },
    REPLAY_TIMEOUT_MS,
  );
});
