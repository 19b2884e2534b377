import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime, makeTelemetryFilterString, Worker, bundleWorkflowCode, type InjectedSinks, type WorkflowBundle } from '@temporalio/worker';
import { historyFromJSONText, type History } from '../support/history';
import type { Expected } from './scenarios';
import type { ReplayRecorderSinks } from './recorder';

/** bundling takes seconds on these machines: once per test file, in beforeAll */
export const BUNDLE_TIMEOUT_MS = 120_000;
export const REPLAY_TIMEOUT_MS = 30_000;

let runtimeInstalled = false;

/** the workflow code exactly as a worker would load it, plus the replay recorder */
export async function bundleSweepWorkflows(): Promise<WorkflowBundle> {
  if (!runtimeInstalled) {
    // the SDK logs every replay worker's start and stop at INFO: keep test output to what matters
    // and sdk-core warns of every nondeterminism the negative tests provoke on purpose
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } } });
    runtimeInstalled = true;
  }
  return bundleWorkflowCode({
    workflowsPath: require.resolve('@custodian/workflows/src/temporal'),
    workflowInterceptorModules: [require.resolve('./recorder')],
    logger: new DefaultLogger('WARN'),
  });
}

export function goldenHistory(file: string): History {
  return historyFromJSONText(readFileSync(join(__dirname, 'histories', file), 'utf8'));
}

export function goldenText(file: string): string {
  return readFileSync(join(__dirname, 'histories', file), 'utf8');
}

export type Seen = Omit<Expected, 'end'> & { end: Expected['end'] | { threw: string } | null };

/** replays `history` through the real SDK; resolves with what the workflow did, rejects on non-determinism */
export async function replay(workflowBundle: WorkflowBundle, history: History | unknown, workflowId = 'custodian-retention-sweep'): Promise<Seen> {
  const seen: Seen = { activities: [], timers: [], end: null };
  let threw: { name: string; cancellation: boolean } | null = null;
  const sinks: InjectedSinks<ReplayRecorderSinks> = {
    recorder: {
      activity: { fn: (_info, type, input) => void seen.activities.push({ type: type as Seen['activities'][number]['type'], input }), callDuringReplay: true },
      timer: { fn: (_info, ms) => void seen.timers.push(ms), callDuringReplay: true },
      continuedAsNew: { fn: (_info, args) => void (seen.end = { continuedAsNew: args }), callDuringReplay: true },
      returned: { fn: (_info, result) => void (seen.end = { returned: result as never }), callDuringReplay: true },
      threw: { fn: (_info, name, cancellation) => void (threw = { name, cancellation }), callDuringReplay: true },
    },
  };
  await Worker.runReplayHistory({ workflowBundle, sinks, replayName: 'custodian-replay' }, history, workflowId);
  const t = threw as { name: string; cancellation: boolean } | null;
  if (seen.end === null && t) seen.end = t.cancellation ? { cancelled: true } : { threw: t.name };
  return seen;
}

/**
 * One describe per golden scenario: the stored history is what the builder makes, and replaying it
 * through the real SDK sees the expected activity inputs, timers and end.
 */
export function replayScenarios(label: string, scenarios: Array<() => { name: string; file: string; history: { toJSON(): string }; expected: unknown }>, workflowId: string, bundle: () => WorkflowBundle): void {
  describe.each(scenarios.map((make) => [make().name, make] as const))(`${label}: %s`, (_name, make) => {
    const scenario = make();
    it('the stored golden history is what the builder makes', () => {
      expect(goldenText(scenario.file)).toBe(scenario.history.toJSON());
    });
    it(
      'replays deterministically, with the expected activity inputs, timers and end',
      async () => {
        expect(await replay(bundle(), goldenHistory(scenario.file), workflowId)).toEqual(scenario.expected);
      },
      REPLAY_TIMEOUT_MS,
    );
  });
}
