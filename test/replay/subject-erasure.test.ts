import type { WorkflowBundle } from '@temporalio/worker';
import { ERASURE_SCENARIOS } from './erasure-scenarios';
import { BUNDLE_TIMEOUT_MS, REPLAY_TIMEOUT_MS, bundleSweepWorkflows, goldenHistory, goldenText, replay } from './replay-support';

/* The erasure workflow's golden histories, replayed through the real SDK as the sweep's are. */

let bundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleSweepWorkflows();
}, BUNDLE_TIMEOUT_MS);

describe.each(ERASURE_SCENARIOS.map((make) => [make().name, make] as const))('subject erasure: %s', (_name, make) => {
  const scenario = make();

  it('the stored golden history is what the builder makes', () => {
    expect(goldenText(scenario.file)).toBe(scenario.history.toJSON());
  });

  it(
    'replays deterministically, with the expected activity inputs, timers and end',
    async () => {
      expect(await replay(bundle, goldenHistory(scenario.file), 'custodian-erasure-req_q3Kx9vTn2LmA')).toEqual(scenario.expected);
    },
    REPLAY_TIMEOUT_MS,
  );
});
