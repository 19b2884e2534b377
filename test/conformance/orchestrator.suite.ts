import type { Orchestrator } from '@custodian/core';

export interface OrchestratorUnderTest {
  orchestrator: Orchestrator;
  /** registers a record already past its due time; returns its id */
  seedDueRecord(): Promise<string>;
  status(recordId: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** The Orchestrator contract: the embedded runtime's in-process sweeps always, Temporal where a server answers. */
export function orchestratorConformance(name: string, make: () => Promise<OrchestratorUnderTest>) {
  describe(`Orchestrator conformance: ${name}`, () => {
    let o: OrchestratorUnderTest;
    beforeEach(async () => {
      o = await make();
    });
    afterEach(async () => {
      await o.close();
    });

    it('runs a sweep on demand that disposes what is due and reports it', async () => {
      const id = await o.seedDueRecord();
      const r = await o.orchestrator.runSweep();
      expect(r).toMatchObject({ started: 1, disposed: 1, tasksFailed: 0 });
      expect(Number.isNaN(Date.parse(r.at))).toBe(false);
      expect(await o.status(id)).toBe('disposed');
    });

    it('lists its sweeps newest first, by kind, up to the limit; ids name no record', async () => {
      const id = await o.seedDueRecord();
      await o.orchestrator.runSweep();
      await o.seedDueRecord();
      await o.orchestrator.runSweep();
      const all = await o.orchestrator.processes({ kind: 'retention-sweep', limit: 10 });
      expect(all.length).toBeGreaterThanOrEqual(2);
      for (const p of all) {
        expect(p.kind).toBe('retention-sweep');
        expect(['running', 'completed', 'continued']).toContain(p.status);
        expect(p.id).not.toContain(id);
      }
      expect(all[0]!.startedAt >= all[1]!.startedAt).toBe(true);
      expect(await o.orchestrator.processes({ kind: 'retention-sweep', limit: 1 })).toHaveLength(1);
      expect(await o.orchestrator.processes({ kind: 'erasure', limit: 10 })).toEqual([]);
    });

    it('refuses a kind that is not a plain name (kinds reach list queries as text)', async () => {
      await expect(o.orchestrator.processes({ kind: 'x" OR 1=1', limit: 1 })).rejects.toThrow(/not a process kind/);
    });
  });
}
