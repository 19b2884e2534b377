import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { selectRuntime } from './main';

const MAIN = resolve(__dirname, 'main.ts');
const run = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });

describe('the runtime switch', () => {
  it('is embedded unless CUSTODIAN_RUNTIME says distributed, and names the variable when it is neither', () => {
    expect(selectRuntime({})).toBe('embedded');
    expect(selectRuntime({ CUSTODIAN_RUNTIME: 'distributed' })).toBe('distributed');
    expect(() => selectRuntime({ CUSTODIAN_RUNTIME: 'kubernetes' })).toThrow(/CUSTODIAN_RUNTIME: must be one of embedded, distributed/);
  });

  it('starts the chosen runtime’s entry point, which then asks for its own configuration', () => {
    const embedded = run({});
    expect(embedded.status).toBe(1);
    expect(embedded.stderr).toContain('CUSTODIAN_CONNECTORS');
    const distributed = run({ CUSTODIAN_RUNTIME: 'distributed' }, 'lifecycle');
    expect(distributed.status).toBe(1);
    expect(distributed.stderr).toContain("Custodian's lifecycle service cannot start");
    const wrong = run({ CUSTODIAN_RUNTIME: 'kubernetes' });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('CUSTODIAN_RUNTIME');
  });
});
