import { ChainVerifier, chain, type AuditEntry, type AuditInput, type AuditLog, type AuditVerification } from '@custodian/core';
import type { ClientSession, Collection, Db, MongoClient } from 'mongodb';
import { NAMES } from './collections';
import { inTransaction, noneWanted } from './transactions';

export interface AuditDoc {
  _id: number;
  at: string;
  actor: string;
  action: string;
  target?: { kind: NonNullable<AuditInput['target']>['kind']; id: string };
  reason: string;
  policyVersion?: string;
  /** JSON text: free-form, never queried, and it must hash the same after a round trip (no undefined -> null, no key rules) */
  details?: string;
  prevHash: string;
  hash: string;
}

export interface HeadDoc {
  _id: 'audit.head';
  seq: number;
  hash: string;
}

export function toAuditDoc(e: AuditEntry): AuditDoc {
  return {
    _id: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    ...(e.target ? { target: { kind: e.target.kind, id: e.target.id } } : {}),
    reason: e.reason,
    ...(e.policyVersion !== undefined ? { policyVersion: e.policyVersion } : {}),
    ...(e.details !== undefined ? { details: JSON.stringify(e.details) } : {}),
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

export function fromAuditDoc(d: AuditDoc): AuditEntry {
  return {
    actor: d.actor,
    action: d.action,
    ...(d.target ? { target: { kind: d.target.kind, id: d.target.id } } : {}),
    reason: d.reason,
    ...(d.policyVersion !== undefined ? { policyVersion: d.policyVersion } : {}),
    ...(d.details !== undefined ? { details: JSON.parse(d.details) as Record<string, unknown> } : {}),
    seq: d._id,
    at: d.at,
    prevHash: d.prevHash,
    hash: d.hash,
  };
}

/**
 * The chain head lives in `meta` and moves in the same transaction as the entries. Two appenders that read
 * the same head both try to insert the next seq (the _id): one commits, the other conflicts and re-runs
 * against the new head, so the chain never forks.
 */
export class MongoAudit implements AuditLog {
  private readonly entries: Collection<AuditDoc>;
  private readonly meta: Collection<HeadDoc>;
  constructor(
    private readonly client: MongoClient,
    db: Db,
  ) {
    this.entries = db.collection<AuditDoc>(NAMES.audit);
    this.meta = db.collection<HeadDoc>(NAMES.meta);
  }

  /** for callers that already hold a transaction (a registry save with its audit) */
  async appendIn(session: ClientSession, inputs: AuditInput[], atIso: string): Promise<AuditEntry[]> {
    if (!inputs.length) return [];
    const head = await this.meta.findOne({ _id: 'audit.head' }, { session });
    const docs = chain(head && { seq: head.seq, hash: head.hash }, inputs, atIso).map(toAuditDoc);
    await this.entries.insertMany(docs, { session, ordered: true });
    const last = docs[docs.length - 1]!;
    await this.meta.updateOne({ _id: 'audit.head' }, { $set: { seq: last._id, hash: last.hash } }, { session, upsert: true });
    return docs.map(fromAuditDoc);
  }

  async append(inputs: AuditInput[], atIso: string): Promise<AuditEntry[]> {
    if (!inputs.length) return [];
    return inTransaction(this.client, (s) => this.appendIn(s, inputs, atIso), { retryDuplicateKey: true });
  }

  async list(q: { afterSeq?: number; limit: number; targetId?: string }): Promise<AuditEntry[]> {
    if (noneWanted(q.limit)) return [];
    const filter = { _id: { $gt: q.afterSeq ?? 0 }, ...(q.targetId ? { 'target.id': q.targetId } : {}) };
    return (await this.entries.find(filter).sort({ _id: 1 }).limit(q.limit).toArray()).map(fromAuditDoc);
  }

  /** entries and head are read at one point in time, so an append running meanwhile is not mistaken for damage */
  async verify(): Promise<AuditVerification> {
    return this.client.withSession({ snapshot: true }, async (session) => {
      const v = new ChainVerifier();
      for await (const d of this.entries.find({}, { session }).sort({ _id: 1 })) if (!v.push(fromAuditDoc(d))) break;
      return v.result(await this.headOf(session));
    });
  }

  async head(): Promise<{ seq: number; hash: string } | null> {
    return this.headOf(undefined);
  }

  private async headOf(session: ClientSession | undefined) {
    const h = await this.meta.findOne({ _id: 'audit.head' }, session ? { session } : {});
    return h && { seq: h.seq, hash: h.hash };
  }
}
