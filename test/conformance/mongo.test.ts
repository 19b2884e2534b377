import { NAMES, MongoStore } from '@custodian/mongo';
import type { MongoClient } from 'mongodb';
import { findMongoEngine, startMongo } from './mongo-engine';
import { storePortsConformance, type PortsFactory } from './suites';

const engine = findMongoEngine();

test('opening the MongoDB store where no server answers fails promptly with the driver\'s error', async () => {
  const started = Date.now();
  await expect(MongoStore.open({ url: 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=300&connectTimeoutMS=300', dbName: 'custodian' })).rejects.toThrow(/ECONNREFUSED|Server selection timed out|connect/i);
  expect(Date.now() - started).toBeLessThan(10_000);
});

if (engine.kind === 'none') {
  console.log(`[conformance] MongoDB: skipped: ${engine.why}`);
} else {
  describe(`MongoDB (${engine.kind === 'url' ? 'CUSTODIAN_TEST_MONGO_URL' : 'testcontainers mongo:8'})`, () => {
    let mongo: { client: MongoClient; stop(): Promise<void> } | undefined;
    beforeAll(async () => {
      mongo = await startMongo(engine);
    }, 300_000);
    afterAll(async () => {
      await mongo?.stop();
    });

    let n = 0;
    const run = `${process.pid}_${Date.now().toString(36)}`;
    // a database per test: every suite starts empty, and a failed test leaves nothing for the next
    const open: PortsFactory = async () => {
      const store = await MongoStore.open({ client: mongo!.client, dbName: `custodian_conf_${run}_${++n}` });
      const audit = store.db.collection<{ _id: number }>(NAMES.audit);
      return {
        registry: store.registry,
        tasks: store.tasks,
        vault: store.vault,
        subjects: store.subjects,
        audit: store.audit,
        deadLetters: store.deadLetters,
        tokens: store.tokens,
        holds: store.holds,
        requests: store.requests,
        archive: store.archive,
        idempotency: store.idempotency,
        tamper: {
          alter: async (seq, fields) => {
            await audit.updateOne({ _id: seq }, { $set: fields });
          },
          removeLast: async () => {
            const [last] = await audit.find({}).sort({ _id: -1 }).limit(1).toArray();
            await audit.deleteOne({ _id: last!._id });
          },
        },
        close: async () => {
          await store.db.dropDatabase();
          await store.close();
        },
      };
    };
    storePortsConformance('MongoDB', open, { canTamper: true, idempotency: true, archive: true });
  });
}
