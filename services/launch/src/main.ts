/**
 * The one switch between the runtimes: CUSTODIAN_RUNTIME=embedded (the default: one process, one
 * SQLite file) or distributed (Kafka, Temporal, MongoDB; the service to run is the first argument:
 * ingest, lifecycle or api). Arguments pass through to the runtime's own entry point.
 */
const RUNTIMES = ['embedded', 'distributed'] as const;

export function selectRuntime(env: NodeJS.ProcessEnv): (typeof RUNTIMES)[number] {
  const r = env.CUSTODIAN_RUNTIME ?? 'embedded';
  if (!(RUNTIMES as readonly string[]).includes(r)) {
    throw new Error(`Custodian cannot start; fix these environment variables:\n  CUSTODIAN_RUNTIME: must be one of ${RUNTIMES.join(', ')} (unset means embedded)`);
  }
  return r as (typeof RUNTIMES)[number];
}

if (require.main === module) {
  try {
    const runtime = selectRuntime(process.env);
    // each entry point starts itself when loaded, reading process.argv and the environment
    if (runtime === 'embedded') require('@custodian/embedded/src/main');
    else require('@custodian/distributed/src/main');
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
