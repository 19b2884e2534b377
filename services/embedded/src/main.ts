/**
 * The embedded platform as a long-running service: one process, one SQLite file, the HTTP API.
 * Configured from the environment (see config.ts); `npm start` runs the demo around the same parts.
 */
import { startServer } from '@custodian/api';
import { StaticConnectorDirectory } from '@custodian/connectors';
import { loadPolicyPacks } from '@custodian/core';
import { startTelemetry } from '@custodian/telemetry';
import { ConfigError, readConfig, readTracingConfig } from './config';
import { EmbeddedRuntime } from './runtime';
import { EmbeddedStore } from './store';
import { join, resolve } from 'node:path';

/** `main.ts issue-token <name> <role...>`: prints a new API token (only its hash is stored). */
async function issueToken(args: string[]) {
  const [name, ...roles] = args;
  const known = ['service', 'operator', 'dpo', 'auditor'];
  if (!name || !roles.length || roles.some((r) => !known.includes(r))) {
    throw new ConfigError(`usage: issue-token <name> <role...>  (roles: ${known.join(', ')})`);
  }
  const dir = process.env.CUSTODIAN_DATA_DIR ?? '.custodian/data';
  const store = EmbeddedStore.open(join(resolve(dir), 'custodian.db'));
  try {
    process.stdout.write(`${await store.tokens.issue(name, roles)}\n`);
  } finally {
    store.close();
  }
}

async function main() {
  if (process.argv[2] === 'issue-token') return issueToken(process.argv.slice(3));
  const cfg = readConfig();
  // before anything makes a span; exporter `none` (the default) registers nothing
  const telemetry = startTelemetry(readTracingConfig());
  const runtime = EmbeddedRuntime.open({
    dataDir: cfg.CUSTODIAN_DATA_DIR,
    simulatedClock: cfg.CUSTODIAN_SIMULATED_CLOCK,
    packs: loadPolicyPacks(cfg.CUSTODIAN_POLICY_PACKS),
    connectors: StaticConnectorDirectory.fromFile(cfg.CUSTODIAN_CONNECTORS),
    sweepIntervalMs: cfg.CUSTODIAN_SWEEP_INTERVAL_MS,
  }).start();
  const server = await startServer(runtime.platform, { host: cfg.CUSTODIAN_HTTP_HOST, port: cfg.CUSTODIAN_HTTP_PORT });
  const address = server.server.address();
  const where = typeof address === 'object' && address ? `${address.address}:${address.port}` : String(address);
  // one line a supervisor (or a test) can wait for; no personal data, no tokens
  process.stdout.write(`custodian listening on http://${where} clock=${runtime.clock.simulated ? 'simulated' : 'system'}\n`);
  const stop = async () => {
    await server.close();
    await runtime.stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof ConfigError ? e.message : e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
