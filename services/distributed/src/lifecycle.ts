import { ArchiveAndTopicsConnector, DisposalService, ErasedRecords, Projector, type EventArchive, type Clock, type ConnectorDirectory, type DeletionTasks, type ErasureJournal, type EventStream, type HoldStore, type PolicyBook, type Registry, type Subscription } from '@custodian/core';
import { TopicRetentionConnector } from '@custodian/kafka';
import { LIFECYCLE_GROUP } from './platform';

export interface LifecycleDeps {
  clock: Clock;
  book: PolicyBook;
  stream: EventStream;
  registry: Registry;
  tasks: DeletionTasks;
  holds: HoldStore;
  /** the erasure journal: records erased on request are never registered again from the topics */
  journal?: ErasureJournal;
  /** the archive of events the lifecycle service keeps as it consumes (access exports, rectification) */
  archive?: EventArchive;
  connectors: ConnectorDirectory;
  /** the topics' retention: how long the platform's own copies outlive their latest event */
  topicRetentionMs: number;
}

/**
 * The lifecycle service's two halves that need no Temporal server to be composed: the projector
 * as a consumer group, and the disposal phases the sweep activities run (with the topics'
 * retention standing in for a purge of the platform's own copies).
 */
export function lifecycleParts(d: LifecycleDeps) {
  const projector = new Projector({
    clock: d.clock,
    book: d.book,
    registry: d.registry,
    bus: {
      poll: async () => {
        throw new Error('the distributed projector is fed by its consumer group, not by polling');
      },
      commit: async () => undefined,
    },
    ...(d.journal ? { erased: new ErasedRecords(d.journal) } : {}),
    ...(d.archive ? { purge: (ids: string[]) => d.archive!.purge(ids) } : {}),
  });
  const topics = new TopicRetentionConnector({ clock: d.clock, registry: d.registry, retentionMs: d.topicRetentionMs });
  const disposal = new DisposalService({
    clock: d.clock,
    registry: d.registry,
    tasks: d.tasks,
    holds: d.holds,
    connectors: d.connectors,
    logConnector: d.archive ? new ArchiveAndTopicsConnector(d.archive, topics) : topics,
  });
  return {
    projector,
    disposal,
    /** the consumer group: a batch's offsets are committed once the registry has it */
    project: (opts?: { maxBatch?: number }): Promise<Subscription> =>
      d.stream.subscribe(
        LIFECYCLE_GROUP,
        async (b) => {
          // archived before registered: a record never exists without the events an access request exports
          await d.archive?.keep(b.events);
          await projector.handle(b.events);
        },
        opts,
      ),
  };
}
