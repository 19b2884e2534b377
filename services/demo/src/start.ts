/**
 * `npm start`: the embedded platform with the five councils' policy packs, a local stand-in for the
 * recording provider, and a realistic generated stream of events, then the API and status page.
 * Everything lives in .custodian/ (git-ignored); run again to resume, `--fresh` to start over.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { startServer } from '@custodian/api';
import { StaticConnectorDirectory, startVendorSimulator } from '@custodian/connectors';
import { loadPolicyPacks, type IngestResult } from '@custodian/core';
import { EmbeddedRuntime } from '@custodian/embedded';
import { demoBindings, simulatorId } from './bindings';
import { generateDemoStream, type DemoArtifact } from './generator';
import { demoScenes, simulatePortal } from './scenes';

const ROLES = ['dpo', 'operator', 'auditor', 'service'] as const;

const program = new Command()
  .name('custodian-demo')
  .option('--simulated-clock', 'run on the simulated clock (needed to advance time); off unless given')
  .option('--fresh', 'delete the demo data and start again')
  .option('--home <dir>', 'where the demo keeps its data', '.custodian')
  .option('--port <port>', 'API port on 127.0.0.1', process.env.CUSTODIAN_HTTP_PORT ?? '4000')
  .option('--days <n>', 'days of history to generate', '120')
  .option('--per-day <n>', 'new contacts per council per day', '12')
  .option('--seed <n>', 'seed of the generated stream', '2026')
  .parse();
const opts = program.opts<{ simulatedClock?: boolean; fresh?: boolean; home: string; port: string; days: string; perDay: string; seed: string }>();

async function main() {
  const home = resolve(opts.home);
  const dataDir = join(home, 'demo');
  if (opts.fresh) rmSync(dataDir, { recursive: true, force: true });
  const firstRun = !existsSync(join(dataDir, 'custodian.db'));
  mkdirSync(dataDir, { recursive: true });

  const packs = loadPolicyPacks();
  const simToken = 'demo-vendor-token';
  const sim = await startVendorSimulator({ token: simToken, host: '127.0.0.1', port: 0 });
  const connectors = new StaticConnectorDirectory(demoBindings(packs, { filesRoot: join(dataDir, 'files'), vendorUrl: sim.url, tokenEnv: 'DEMO_VENDOR_TOKEN' }), {
    http: { env: { DEMO_VENDOR_TOKEN: simToken } },
  });
  const runtime = EmbeddedRuntime.open({ dataDir, simulatedClock: !!opts.simulatedClock, packs, connectors, sweepIntervalMs: 5_000 });

  const artifactsFile = join(dataDir, 'artifacts.json');
  const place = async (artifacts: DemoArtifact[]) => {
    for (const a of artifacts) {
      if (a.kind === 'files') {
        const f = join(dataDir, 'files', a.controller, a.store, a.locator);
        mkdirSync(dirname(f), { recursive: true });
        writeFileSync(f, Buffer.alloc(a.bytes ?? 1024));
      } else {
        await fetch(`${sim.url}/v1/recordings/${encodeURIComponent(simulatorId(a.controller, a.store, a.locator))}`, { method: 'PUT', headers: { authorization: `Bearer ${simToken}` } });
      }
    }
  };

  let summary = '';
  const tokensFile = join(home, 'demo-tokens.json');
  if (firstRun) {
    const tokens: Record<string, string> = {};
    for (const role of ROLES) tokens[role] = await runtime.platform.tokens.issue(`demo-${role}`, [role]);
    writeFileSync(tokensFile, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });

    const days = Number(opts.days);
    const start = new Date(runtime.clock.now().getTime() - days * 86_400_000);
    const stream = generateDemoStream({ packs, seed: Number(opts.seed), start, days, perCouncilPerDay: Number(opts.perDay) });
    writeFileSync(artifactsFile, JSON.stringify(stream.artifacts.filter((a) => a.kind === 'http')));
    process.stdout.write(`Placing ${stream.artifacts.length} recordings and case files where the events say they are...\n`);
    await place(stream.artifacts);
    process.stdout.write(`Publishing ${stream.events.length} generated events from ${packs.length} councils...\n`);
    const results: IngestResult[] = [];
    for (let i = 0; i < stream.events.length; i += 1_000) results.push(...(await runtime.platform.ingest(stream.events.slice(i, i + 1_000), 'demo-feed')));
    await runtime.platform.project();
    const count = (s: IngestResult['status']) => results.filter((r) => r.status === s).length;
    summary = `${results.length} events: ${count('accepted')} accepted, ${count('duplicate')} duplicates, ${count('rejected')} rejected to the dead-letter queue`;
    const scenes = await demoScenes(runtime.platform, results);
    if (scenes.length) summary += `\n  ${scenes.join('\n  ')}`;
  } else {
    // the simulated provider keeps nothing across restarts: give it back what it held
    if (existsSync(artifactsFile)) await place(JSON.parse(readFileSync(artifactsFile, 'utf8')) as DemoArtifact[]);
    summary = 'resumed the existing demo data (use --fresh to start over)';
  }
  runtime.start();
  const stopPortal = simulatePortal(runtime.platform);
  await runtime.platform.sweep();
  const disposedSoFar = (await runtime.platform.overview()).stats.byControllerCategoryStatus.filter((s) => s.status === 'disposed').reduce((n, s) => n + s.count, 0);

  // request logs off: the status page refreshes every 10 s and would bury the banner
  const server = await startServer(runtime.platform, { host: '127.0.0.1', port: Number(opts.port), logger: false });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : Number(opts.port);
  const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as Record<string, string>;
  const url = `http://127.0.0.1:${port}`;
  const clock = runtime.clock.simulated ? `simulated, now ${runtime.clock.now().toISOString()}` : 'system time';
  process.stdout.write(`
Custodian is running (embedded runtime, one SQLite file in ${dataDir}; clock: ${clock})
  ${summary}
  ${disposedSoFar} records past their retention (or erased on request) disposed at every store so far

  Status page   ${url}/?token=${tokens.dpo}
  OpenAPI       ${url}/openapi.json
  API tokens    ${tokensFile}  (roles: ${ROLES.join(', ')})

Try, in another terminal:
  npm run cli -- clock                      # what time the platform thinks it is
  npm run cli -- clock advance P40D         # move 40 days on: Newark & Sherwood's recordings go
  npm run cli -- dlq list                   # the rejected events and why
  npm run cli -- holds list                 # legal holds and when each is due for review
  npm run cli -- requests list              # subject-rights requests and their statutory clocks
  npm run cli -- requests show <id>         # an erasure's decision per record and its certificate
  npm run cli -- audit verify               # check the hash chain
  curl -s -H "Authorization: Bearer ${tokens.dpo}" ${url}/v1/clock
${runtime.clock.simulated ? '' : '  (the clock is real time: restart with `npm start` — it passes --simulated-clock — to advance it)\n'}
Stop with Ctrl-C; \`npm start\` again resumes.
`);
  const stop = async () => {
    stopPortal();
    await server.close();
    await runtime.stop();
    await sim.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
