import { FakeConnectorDirectory, ev, testPlatform } from '@custodian/core/src/test-support/memory-ports';
import { DEFAULT_RETRY } from '@custodian/workflows';
import { orchestratorConformance } from './orchestrator.suite';

let n = 0;

/** the embedded runtime's orchestrator over the in-memory ports; a store that answers "deleted" */
orchestratorConformance('in-process (embedded runtime)', async () => {
  const connectors = new FakeConnectorDirectory().bind('derby', 'crm', { kind: 'memory', retry: DEFAULT_RETRY, delete: async (reqs) => reqs.map(() => ({ outcome: 'deleted' as const, detail: 'removed' })) });
  const t = testPlatform({ connectors, start: '2026-03-01T09:00:00.000Z' });
  return {
    orchestrator: t.platform.orchestrator,
    seedDueRecord: async () => {
      const [r] = await t.platform.ingest([ev.enquiry('derby', `ENQ-O-${++n}`, '2023-01-01T09:00:00Z')], 'svc');
      await t.platform.project();
      if (r?.status !== 'accepted') throw new Error('seed event was not accepted');
      return r.recordId;
    },
    status: async (id) => (await t.ports.registry.get([id])).get(id)?.status,
    close: async () => undefined,
  };
});

// Temporal needs a server, which these machines cannot run: test/stack runs this same suite on one
// in a container wherever Docker answers, and says there when it cannot
