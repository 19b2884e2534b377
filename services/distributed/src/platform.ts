import { type EventArchive,
  NotServedHereError,
  Sealer,
  SubjectCache,
  type Clock,
  type ConnectorDirectory,
  type IdempotencyKeys,
  type KeyVault,
  type MasterKey,
  type PolicyBook,
  type SubjectIndex,
  PlatformService,
  UnsupportedRequestError,
  type EventBus,
  type EventStream,
  type Orchestrator,
  type PlatformPorts,
  type ReplayReport,
} from '@custodian/core';
import type { ServiceName } from './config';

export const LIFECYCLE_GROUP = 'custodian-lifecycle';

/** what a distributed service can do with the stream besides publishing (KafkaEventStream) */
export interface ReplayableStream extends EventStream {
  seek(group: string, to: { time: string }): Promise<Array<{ topic: string; partition: number; offset: string }>>;
  endOffsets(): Promise<Array<{ topic: string; partition: number; offset: string }>>;
}

export interface DistributedPorts extends Omit<PlatformPorts, 'bus'> {
  service: ServiceName;
  stream: ReplayableStream;
  /** Temporal; only the api service has it */
  orchestrator?: Orchestrator;
  /** the lifecycle service's archive of events: access exports and rectifications read it */
  archive?: EventArchive;
}

/**
 * The Kafka stream seen through the embedded log's port: publish and subscribe go to Kafka; a
 * record's events are read and corrected in the lifecycle service's archive (the topics age out);
 * what only a log of its own can do is refused with the service that does it instead.
 */
function streamAsBus(stream: EventStream, archive: EventArchive | undefined): EventBus {
  const refuse = (op: string, by: string) => async () => {
    throw new NotServedHereError(op, by);
  };
  return {
    publish: (events) => stream.publish(events),
    subscribe: (group, handler, opts) => stream.subscribe(group, handler, opts),
    poll: refuse('reading the log by polling', 'lifecycle (a Kafka consumer group)'),
    commit: refuse('committing a log position', 'lifecycle (a Kafka consumer group)'),
    committed: refuse('reading a log position', 'lifecycle (a Kafka consumer group)'),
    seek: refuse('moving a log position', 'api (replay)'),
    eventsOfRecord: archive
      ? (id) => archive.ofRecord(id)
      : async () => {
          throw new UnsupportedRequestError("this service has no archive of each record's events (the Kafka topics age out); GET /v1/subjects/{ref}/records lists what is held");
        },
    // the archive is corrected and purged; the topics' copies age out with their retention
    purgeRecords: archive ? (ids) => archive.purge(ids) : refuse('rewriting the log (Kafka topics age out instead)', 'lifecycle'),
    rewriteSealed: archive ? (updates) => archive.rewriteSealed(updates) : async () => 0,
    head: refuse('reading the head of the log', 'api'),
  };
}

/** the ingest service has no Temporal client: sweeps and process lists are the api service's */
const notHere: Orchestrator = {
  runSweep: async () => {
    throw new NotServedHereError('a sweep on demand', 'api');
  },
  processes: async () => {
    throw new NotServedHereError('the list of processes', 'api');
  },
  startErasure: async () => {
    throw new NotServedHereError('starting an erasure', 'api');
  },
};

/**
 * The Platform the HTTP API serves, in the distributed runtime: the same PlatformService over
 * Kafka and MongoDB ports, with what runs elsewhere handed over: projection to the lifecycle
 * service's consumer group, sweeps to Temporal, replay to a move of the consumer group.
 */
export class DistributedPlatform extends PlatformService {
  constructor(private readonly d: DistributedPorts) {
    super({ ...d, bus: streamAsBus(d.stream, d.archive), orchestrator: d.orchestrator ?? notHere });
  }

  override async project(): Promise<number> {
    throw new NotServedHereError('projection', 'lifecycle (it projects continuously)');
  }

  protected override async afterRelease(): Promise<void> {
    // a sweep now, not waited for: what a release freed goes at once, and the scheduled sweep (every
    // minute) is there if this one cannot start
    void this.sweep().catch(() => undefined);
  }

  protected override async afterReprocess(): Promise<void> {
    // the lifecycle service's consumers register the re-published event
  }

  /**
   * Moves the lifecycle group back to `time` on every partition. Kafka only allows this while the
   * group has no members: stop the lifecycle services first, then start them again to re-read.
   */
  override async replay(from: { offset: number } | { time: string }, actor: string): Promise<ReplayReport> {
    if (!('time' in from)) throw new UnsupportedRequestError('the distributed runtime replays from a time (fromTime); Kafka offsets are per partition, so a single offset names no position');
    const moved = await this.d.stream.seek(LIFECYCLE_GROUP, from);
    const ends = new Map((await this.d.stream.endOffsets()).map((e) => [`${e.topic}/${e.partition}`, Number(e.offset)]));
    const replayed = moved.reduce((n, m) => n + Math.max(0, (ends.get(`${m.topic}/${m.partition}`) ?? 0) - Number(m.offset)), 0);
    const head = [...ends.values()].reduce((n, h) => n + h, 0);
    const fromOffset = moved.length ? Math.min(...moved.map((m) => Number(m.offset))) : 0;
    await this.d.audit.append(
      [{ actor, action: 'log.replay-requested', target: { kind: 'system', id: 'event-topics' }, reason: `lifecycle group moved back to ${from.time}; its consumers re-read ${replayed} event(s) when they start`, details: { partitions: moved.length, replayed, head } }],
      this.clock.now().toISOString(),
    );
    return { fromOffset, replayed, head };
  }
}

/** the store ports a distributed service works on: MongoStore's, or the in-memory ones in tests */
export type DistributedStores = Pick<PlatformPorts, 'registry' | 'tasks' | 'deadLetters' | 'audit' | 'tokens' | 'holds' | 'requests' | 'journal'> & {
  vault: KeyVault;
  subjects: SubjectIndex;
  idempotency: IdempotencyKeys;
  archive?: EventArchive;
};

/** composes a service's platform from its stores and engines, as every distributed service does */
export function distributedPlatform(o: {
  service: ServiceName;
  clock: Clock;
  book: PolicyBook;
  master: MasterKey;
  stream: ReplayableStream;
  stores: DistributedStores;
  connectors: ConnectorDirectory;
  orchestrator?: Orchestrator;
}): DistributedPlatform {
  const { stores: st } = o;
  return new DistributedPlatform({
    service: o.service,
    clock: o.clock,
    book: o.book,
    master: o.master,
    sealer: new Sealer(o.master, st.vault),
    stream: o.stream,
    subjects: new SubjectCache(st.subjects),
    registry: st.registry,
    tasks: st.tasks,
    deadLetters: st.deadLetters,
    audit: st.audit,
    holds: st.holds,
    requests: st.requests,
    journal: st.journal,
    ...(st.archive ? { archive: st.archive } : {}),
    vault: st.vault,
    tokens: st.tokens,
    idempotency: st.idempotency,
    connectors: o.connectors,
    ...(o.orchestrator ? { orchestrator: o.orchestrator } : {}),
  });
}
