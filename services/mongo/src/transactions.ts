import { MongoServerError, type ClientSession, type MongoClient, type TransactionOptions } from 'mongodb';

/**
 * Snapshot reads and majority writes: a unit either commits on a majority or not at all. Transactions need a
 * replica set (one node is enough); MongoStore.open refuses a standalone server.
 */
export const TRANSACTION_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

export const isDuplicateKey = (err: unknown): boolean => err instanceof MongoServerError && err.code === 11000;

/**
 * Runs `fn` as one transaction. The driver already retries transient errors (write conflicts between two
 * appenders); `retryDuplicateKey` also retries a unit that lost a race on a unique key (an audit seq another
 * appender committed first), which re-reads the chain head and appends after it.
 */
export async function inTransaction<T>(client: MongoClient, fn: (session: ClientSession) => Promise<T>, opts: { retryDuplicateKey?: boolean } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.withSession((session) => session.withTransaction(() => fn(session), TRANSACTION_OPTIONS));
    } catch (err) {
      if (!opts.retryDuplicateKey || !isDuplicateKey(err) || attempt >= 5) throw err;
    }
  }
}

/** Mongo reads `limit(0)` as "no limit"; the ports read it as "none" */
export const noneWanted = (limit: number) => !(limit > 0);
