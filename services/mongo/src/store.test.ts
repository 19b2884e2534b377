import { MongoServerError, type ClientSession, type MongoClient } from 'mongodb';
import { MongoStore, ReplicaSetRequiredError } from './store';
import { inTransaction, isDuplicateKey, noneWanted } from './transactions';

/** just enough of a client for code paths that never reach a server */
function fakeClient(hello: Record<string, unknown>) {
  const calls: string[] = [];
  const client = {
    db: (name: string) => ({
      command: async (cmd: Record<string, unknown>) => {
        calls.push(`${name}:${Object.keys(cmd)[0]}`);
        return hello;
      },
      listCollections: () => {
        calls.push(`${name}:listCollections`);
        return { toArray: async () => [] };
      },
    }),
    withSession: async <T>(fn: (s: ClientSession) => Promise<T>) => fn({ withTransaction: async <U>(f: () => Promise<U>) => f() } as unknown as ClientSession),
  };
  return { client: client as unknown as MongoClient, calls };
}

const dupKey = () => new MongoServerError({ message: 'E11000 duplicate key error collection: custodian.audit index: _id_', code: 11000 });

describe('MongoStore.open', () => {
  test('refuses a standalone server before touching any collection: transactions need a replica set', async () => {
    const { client, calls } = fakeClient({ isWritablePrimary: true });
    await expect(MongoStore.open({ client, dbName: 'custodian' })).rejects.toThrow(ReplicaSetRequiredError);
    await expect(MongoStore.open({ client, dbName: 'custodian' })).rejects.toThrow(/single-node one is enough/);
    expect(calls.every((c) => c === 'admin:hello')).toBe(true);
  });

  test('goes on to set up collections on a replica-set member', async () => {
    const { client, calls } = fakeClient({ isWritablePrimary: true, setName: 'rs0' });
    // the fake cannot create collections: reaching that step is what this checks
    await expect(MongoStore.open({ client, dbName: 'custodian' })).rejects.toThrow();
    expect(calls).toEqual(['admin:hello', 'custodian:listCollections']);
  });
});

describe('inTransaction', () => {
  test('re-runs a unit that lost a race on a unique key, when asked to', async () => {
    const { client } = fakeClient({});
    let runs = 0;
    const out = await inTransaction(
      client,
      async () => {
        if (++runs < 3) throw dupKey();
        return 'appended';
      },
      { retryDuplicateKey: true },
    );
    expect([out, runs]).toEqual(['appended', 3]);
  });

  test('gives up after five attempts', async () => {
    const { client } = fakeClient({});
    let runs = 0;
    await expect(inTransaction(client, async () => { runs++; throw dupKey(); }, { retryDuplicateKey: true })).rejects.toThrow(/E11000/);
    expect(runs).toBe(5);
  });

  test('does not re-run on other errors, nor on a duplicate key unless asked (an existing dead-letter id is an error)', async () => {
    const { client } = fakeClient({});
    let runs = 0;
    await expect(inTransaction(client, async () => { runs++; throw dupKey(); })).rejects.toThrow(/E11000/);
    await expect(inTransaction(client, async () => { runs++; throw new Error('validation failed'); }, { retryDuplicateKey: true })).rejects.toThrow(/validation/);
    expect(runs).toBe(2);
  });

  test('isDuplicateKey and noneWanted', () => {
    expect(isDuplicateKey(dupKey())).toBe(true);
    expect(isDuplicateKey(new MongoServerError({ message: 'WriteConflict', code: 112 }))).toBe(false);
    expect(isDuplicateKey(new Error('E11000'))).toBe(false);
    expect([noneWanted(0), noneWanted(-1), noneWanted(Number.NaN), noneWanted(1)]).toEqual([true, true, true, false]);
  });
});
