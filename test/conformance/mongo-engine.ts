import { spawnSync } from 'node:child_process';
import { MongoClient } from 'mongodb';

export const MONGO_URL_ENV = 'CUSTODIAN_TEST_MONGO_URL';

export type MongoEngine = { kind: 'url'; url: string } | { kind: 'testcontainers' };

/**
 * Jest defines tests synchronously, so whether a container runtime answers is asked of a child process:
 * testcontainers' own probe, so "Docker is there" means exactly what testcontainers will find.
 */
export function containerRuntimeAnswers(): boolean {
  const probe = `require(${JSON.stringify(require.resolve('testcontainers'))}).getContainerRuntimeClient().then(() => process.exit(0), () => process.exit(1))`;
  return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

/** where a MongoDB can be had for these tests, or why not (one line, printed once) */
export function findMongoEngine(): MongoEngine | { kind: 'none'; why: string } {
  const url = process.env[MONGO_URL_ENV];
  if (url) return { kind: 'url', url };
  if (containerRuntimeAnswers()) return { kind: 'testcontainers' };
  return { kind: 'none', why: `no Docker and ${MONGO_URL_ENV} unset` };
}

/** a connected client and a way to let go of it (and of the container, if one was started) */
export async function startMongo(engine: MongoEngine): Promise<{ client: MongoClient; stop(): Promise<void> }> {
  if (engine.kind === 'url') {
    const client = await new MongoClient(engine.url).connect();
    return { client, stop: () => client.close() };
  }
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  // the module starts mongod as a single-node replica set: transactions work
  const container = await new MongoDBContainer('mongo:8').start();
  const client = await new MongoClient(container.getConnectionString(), { directConnection: true }).connect();
  return {
    client,
    stop: async () => {
      await client.close();
      await container.stop();
    },
  };
}
