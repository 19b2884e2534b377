import { FakeConnectorDirectory, testPlatform } from '@custodian/core/src/test-support/memory-ports';
import { defaultPayloadConverter } from '@temporalio/common';
import type { SweepActivities } from '@custodian/workflows/src/temporal/contract';
import { readTemporalConfig } from './config';
import { sweepWorkerOptions, WORKFLOWS_PATH } from './worker';

const KEY = Buffer.alloc(32, 3).toString('base64');

function deps() {
  const t = testPlatform();
  return { clock: t.clock, registry: t.ports.registry, tasks: t.ports.tasks, connectors: new FakeConnectorDirectory(), bus: t.ports.bus, holds: t.ports.holds };
}

describe('sweepWorkerOptions', () => {
  it('hosts every sweep activity on the configured namespace and task queue, bundling the temporal entry only', () => {
    const o = sweepWorkerOptions(readTemporalConfig({ CUSTODIAN_MASTER_KEY: KEY, TEMPORAL_NAMESPACE: 'custodian', TEMPORAL_TASK_QUEUE: 'lifecycle' }), deps());
    expect(o).toMatchObject({ namespace: 'custodian', taskQueue: 'lifecycle', workflowsPath: WORKFLOWS_PATH });
    expect(WORKFLOWS_PATH).toMatch(/workflows\/src\/temporal\/index\.ts$/);
    const names: Array<keyof SweepActivities> = ['completeLeftover', 'listDue', 'beginDisposal', 'runReadyDeletions', 'completeFinished'];
    expect(Object.keys(o.activities!).sort()).toEqual([...names].sort());
  });

  it('traces: the OpenTelemetry workflow interceptors are bundled, activities intercepted, workflow spans have a sink', () => {
    const o = sweepWorkerOptions(readTemporalConfig({ CUSTODIAN_MASTER_KEY: KEY }), deps());
    expect(o.interceptors!.workflowModules).toEqual([expect.stringMatching(/interceptors-opentelemetry\/lib\/workflow-interceptors\.js$/)]);
    expect(o.interceptors!.activity).toHaveLength(1);
    expect(Object.keys(o.sinks!)).toEqual(['exporter']);
  });

  it('uses a bundle made ahead of time when one is configured', () => {
    const o = sweepWorkerOptions(readTemporalConfig({ CUSTODIAN_MASTER_KEY: KEY, CUSTODIAN_WORKFLOW_BUNDLE: '/app/workflows.js' }), deps());
    expect(o.workflowBundle).toEqual({ codePath: '/app/workflows.js' });
    expect(o.workflowsPath).toBeUndefined();
  });

  it('encrypts every payload with the key derived from the master key', async () => {
    const o = sweepWorkerOptions(readTemporalConfig({ CUSTODIAN_MASTER_KEY: KEY }), deps());
    const [codec] = o.dataConverter!.payloadCodecs!;
    const [wire] = await codec!.encode([defaultPayloadConverter.toPayload({ locator: 'calls/07700900123.wav' })]);
    expect(Buffer.from(wire!.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(wire!.data!).toString()).not.toContain('07700900123');
  });
});
