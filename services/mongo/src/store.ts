import { tracedAdapter } from '@custodian/core';
import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import { MongoAudit } from './audit';
import { ensureCollections } from './collections';
import { MongoDeadLetters } from './dead-letters';
import { MongoKeyVault } from './key-vault';
import { MongoRegistry } from './registry';
import { MongoSubjectIndex } from './subjects';
import { MongoDeletionTasks } from './tasks';
import { MongoApiTokens } from './tokens';
import { MongoIdempotencyKeys } from './idempotency';
import { MongoHoldStore } from './holds';
import { MongoRequestStore } from './requests';
import { MongoErasureJournal } from './journal';
import { MongoEventArchive } from './event-archive';

export type MongoStoreOptions = { dbName: string } & ({ url: string; clientOptions?: MongoClientOptions } | { client: MongoClient });

export class ReplicaSetRequiredError extends Error {
  constructor() {
    super('the MongoDB store needs a replica set (a single-node one is enough: mongod --replSet rs0, then rs.initiate()); a standalone server has no multi-document transactions');
    this.name = 'ReplicaSetRequiredError';
  }
}

/** The distributed runtime's store ports over one MongoDB database. */
export class MongoStore {
  readonly audit: MongoAudit;
  readonly registry: MongoRegistry;
  readonly tasks: MongoDeletionTasks;
  readonly vault: MongoKeyVault;
  readonly subjects: MongoSubjectIndex;
  readonly deadLetters: MongoDeadLetters;
  readonly tokens: MongoApiTokens;
  readonly idempotency: MongoIdempotencyKeys;
  readonly holds: MongoHoldStore;
  readonly requests: MongoRequestStore;
  /** in a database of its own (<dbName>_journal): a restore of the main database does not roll it back */
  readonly journal: MongoErasureJournal;
  readonly archive: MongoEventArchive;

  private constructor(
    readonly client: MongoClient,
    readonly db: Db,
    private readonly ownsClient: boolean,
  ) {
    // one client span per adapter call (its name and method only); adapters' calls to each other stay unwrapped
    const audit = new MongoAudit(client, db);
    this.audit = tracedAdapter(audit, 'mongodb', 'audit');
    this.registry = tracedAdapter(new MongoRegistry(client, db, audit), 'mongodb', 'registry');
    this.tasks = tracedAdapter(new MongoDeletionTasks(client, db, audit), 'mongodb', 'tasks');
    this.vault = tracedAdapter(new MongoKeyVault(client, db), 'mongodb', 'vault');
    this.subjects = tracedAdapter(new MongoSubjectIndex(client, db), 'mongodb', 'subjects');
    this.deadLetters = tracedAdapter(new MongoDeadLetters(client, db), 'mongodb', 'dead-letters');
    this.tokens = tracedAdapter(new MongoApiTokens(db), 'mongodb', 'tokens');
    this.idempotency = tracedAdapter(new MongoIdempotencyKeys(db), 'mongodb', 'idempotency');
    this.holds = tracedAdapter(new MongoHoldStore(client, db, audit), 'mongodb', 'holds');
    this.requests = tracedAdapter(new MongoRequestStore(client, db, audit), 'mongodb', 'requests');
    this.archive = tracedAdapter(new MongoEventArchive(db), 'mongodb', 'event-archive');
    this.journal = tracedAdapter(new MongoErasureJournal(client.db(`${db.databaseName}_journal`)), 'mongodb', 'erasure-journal');
  }

  /** connects (unless given a client), refuses a server without transactions, and sets up collections */
  static async open(opts: MongoStoreOptions): Promise<MongoStore> {
    const owns = 'url' in opts;
    const client = owns ? new MongoClient(opts.url, opts.clientOptions) : opts.client;
    try {
      if (owns) await client.connect();
      const hello = await client.db('admin').command({ hello: 1 });
      if (typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid') throw new ReplicaSetRequiredError();
      const db = client.db(opts.dbName);
      await ensureCollections(db);
      return new MongoStore(client, db, owns);
    } catch (err) {
      if (owns) await client.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }
}
