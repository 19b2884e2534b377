import { freshPorts, type PortsFactory } from './ports-under-test';

export function apiTokensConformance(adapter: string, open: PortsFactory) {
  describe(`ApiTokens conformance: ${adapter}`, () => {
    const ports = freshPorts(open);

    test('an issued token verifies as its principal; others do not', async () => {
      const { tokens } = ports();
      const dpo = await tokens.issue('dpo-newark', ['dpo', 'auditor']);
      const ops = await tokens.issue('ops-1', ['operator']);
      expect(dpo).not.toBe(ops);
      expect(await tokens.verify(dpo)).toEqual({ name: 'dpo-newark', roles: ['dpo', 'auditor'] });
      expect(await tokens.verify(ops)).toEqual({ name: 'ops-1', roles: ['operator'] });
      expect(await tokens.verify(`${dpo}x`)).toBeNull();
      expect(await tokens.verify('')).toBeNull();
    });

    test('a principal handed out is a copy', async () => {
      const { tokens } = ports();
      const roles = ['operator'];
      const t = await tokens.issue('ops-1', roles);
      roles.push('dpo');
      (await tokens.verify(t))!.roles.push('dpo');
      expect(await tokens.verify(t)).toEqual({ name: 'ops-1', roles: ['operator'] });
    });
  });
}
