import { EventEnvelope, IDENTIFIER_KINDS, fieldErrors, lifecycleFacts, redactPans, type FieldError, type PanFinding, type SubjectIdentifier } from '@custodian/contracts';
import { linkingKeys } from '@custodian/workflows';
import { random } from './crypto';
import type { IngestResult } from './platform';
import type { PlatformPorts } from './platform-service';
import type { AuditInput, DeadLetter, EventStream, StoredEvent } from './ports';
import { batchPlacement, inSpan, rawTrace, sole } from './tracing';

export type IngestDeps = Pick<PlatformPorts, 'clock' | 'book' | 'master' | 'sealer' | 'subjects' | 'deadLetters' | 'audit' | 'idempotency'> & { bus: Pick<EventStream, 'publish'> };

export const newId = (prefix: string) => `${prefix}_${random(12).toString('base64url')}`;

/** the identifiers a rejected event carried, where they are well formed enough to link on */
function peekIdentifiers(raw: unknown): SubjectIdentifier[] {
  const ids = (raw as { subject?: { identifiers?: unknown } } | null)?.subject?.identifiers;
  if (!Array.isArray(ids)) return [];
  return ids.filter((x): x is SubjectIdentifier => !!x && typeof x === 'object' && (IDENTIFIER_KINDS as readonly string[]).includes((x as SubjectIdentifier).kind) && typeof (x as SubjectIdentifier).value === 'string' && (x as SubjectIdentifier).value.length > 0 && (x as SubjectIdentifier).value.length <= 254).slice(0, 12);
}

function peek(raw: unknown, key: string): string | null {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const v = (raw as Record<string, unknown>)[key];
    if (typeof v === 'string' && v.length <= 128) return v;
  }
  return null;
}

/** what the log keeps of an accepted event: its non-personal facts in clear, identifiers and payload sealed */
export function storedEvent(e: EventEnvelope, x: Pick<StoredEvent, 'receivedAt' | 'subjectRef' | 'recordId' | 'facts' | 'cardData' | 'policyVersion' | 'sealed'>): StoredEvent {
  return {
    eventId: e.eventId,
    type: e.type,
    version: e.version,
    source: e.source,
    controller: e.controller,
    category: e.category,
    occurredAt: e.occurredAt,
    receivedAt: x.receivedAt,
    subjectRef: x.subjectRef,
    recordId: x.recordId,
    facts: x.facts,
    locations: e.locations,
    cardData: x.cardData,
    policyVersion: x.policyVersion,
    trace: e.trace,
    sealed: x.sealed,
  };
}

type Checked =
  | { ok: true; event: EventEnvelope; cardData: PanFinding[]; policyVersion: string }
  | { ok: false; reasons: FieldError[]; redacted: unknown; cardData: PanFinding[] };

/**
 * Ingest: every event is validated against the contract and the controller's policy pack; card
 * numbers are made unreadable before anything is stored; bad events go to the dead-letter store
 * with field-level reasons; good ones are linked to a pseudonymous subject, sealed under the
 * subject's data key and appended to the log, deduplicated by event id.
 */
export class IngestService {
  constructor(private readonly d: IngestDeps) {}

  check(raw: unknown): Checked {
    const { value: redacted, findings } = redactPans(raw);
    const parsed = EventEnvelope.safeParse(redacted);
    if (!parsed.success) return { ok: false, reasons: fieldErrors(parsed.error), redacted, cardData: findings };
    const e = parsed.data as EventEnvelope;
    const reasons: FieldError[] = [];
    const loaded = this.d.book.pack(e.controller);
    if (!loaded) {
      reasons.push({ path: 'controller', message: `no policy pack is loaded for council "${e.controller}" (loaded: ${this.d.book.controllers().join(', ')})` });
      return { ok: false, reasons, redacted, cardData: findings };
    }
    const cat = this.d.book.category(e.controller, e.category);
    if (!cat) {
      reasons.push({ path: 'category', message: `${loaded.pack.council}'s policy pack ${loaded.ref} does not hold category "${e.category}"` });
    } else {
      const declared = new Set(cat.stores);
      e.locations.forEach((l, i) => {
        if (!declared.has(l.store)) {
          reasons.push({ path: `locations[${i}].store`, message: `store "${l.store}" is not declared for ${e.category} in ${loaded.ref} (declared: ${cat.stores.join(', ')})` });
        }
      });
    }
    if (findings.length && loaded.pack.cardData.onDetect === 'reject') {
      for (const f of findings) {
        reasons.push({ path: f.path, message: `contains a card number (PAN); ${loaded.pack.council} does not accept card data. The stored copy keeps only a PCI truncation` });
      }
    }
    if (reasons.length) return { ok: false, reasons, redacted, cardData: findings };
    return { ok: true, event: e, cardData: findings, policyVersion: loaded.ref };
  }

  /**
   * @param reuse re-ingesting a dead letter: its entry is updated instead of a new one being made
   */
  ingest(raws: unknown[], actor: string, reuse?: DeadLetter): Promise<IngestResult[]> {
    // the council systems' own trace contexts: links (or the parent, when nothing is active and they share one trace)
    const { parent, links } = batchPlacement(raws.map(rawTrace));
    // a council id only once a loaded policy pack confirms it is one: raw input is not trusted into spans
    const controller = sole(raws.map((r) => peek(r, 'controller')));
    const attributes = controller && this.d.book.pack(controller) ? { 'custodian.controller': controller } : {};
    return inSpan('custodian.ingest', { parent, links, attributes: { ...attributes, 'custodian.events.count': raws.length } }, async (span) => {
      const results = await this.ingestBatch(raws, actor, reuse);
      const count = (s: IngestResult['status']) => results.filter((r) => r.status === s).length;
      span.setAttributes({ 'custodian.events.accepted': count('accepted'), 'custodian.events.rejected': count('rejected'), 'custodian.events.duplicate': count('duplicate') });
      return results;
    });
  }

  private async ingestBatch(raws: unknown[], actor: string, reuse?: DeadLetter): Promise<IngestResult[]> {
    const now = this.d.clock.now().toISOString();
    const results: IngestResult[] = new Array(raws.length);
    const dead: DeadLetter[] = [];
    const audit: AuditInput[] = [];
    const good: Array<{ index: number; event: EventEnvelope; cardData: PanFinding[]; policyVersion: string }> = [];
    const seenInBatch = new Set<string>();

    raws.forEach((raw, index) => {
      const c = this.check(raw);
      if (c.ok) {
        if (seenInBatch.has(c.event.eventId)) {
          results[index] = { index, eventId: c.event.eventId, status: 'duplicate' };
          return;
        }
        seenInBatch.add(c.event.eventId);
        good.push({ index, ...c });
        return;
      }
      const id = reuse?.id ?? newId('dlq');
      const kid = `dlq:${id}`;
      const controller = peek(c.redacted, 'controller');
      const category = peek(c.redacted, 'category');
      // keyed like the subject's own blind indexes, so the person's erasure finds this copy too
      const scope = controller && category && this.d.book.category(controller, category as never)?.segregated ? `${controller}#${category}` : controller;
      const subjectHashes = scope ? linkingKeys(peekIdentifiers(c.redacted)).map((k) => this.d.master.blindIndex(scope, k)) : [];
      dead.push({
        id,
        receivedAt: reuse?.receivedAt ?? now,
        eventId: peek(c.redacted, 'eventId'),
        type: peek(c.redacted, 'type'),
        controller: peek(c.redacted, 'controller'),
        reasons: c.reasons,
        cardData: c.cardData,
        // sealed later, once the key exists
        sealed: { v: 1, kid, iv: '', tag: '', ct: JSON.stringify(c.redacted) },
        status: 'open',
        attempts: (reuse?.attempts ?? 0) + 1,
        resolvedAt: null,
        resolvedEventId: null,
        ...(subjectHashes.length ? { subjectHashes } : {}),
      });
      results[index] = { index, eventId: peek(c.redacted, 'eventId'), status: 'rejected', deadLetterId: id, reasons: c.reasons, cardData: c.cardData };
      audit.push({
        actor,
        action: reuse ? 'event.rejected-again' : 'event.rejected',
        target: { kind: 'dead-letter', id },
        reason: c.reasons.map((r) => r.path).join(', '),
        details: { paths: c.reasons.map((r) => r.path), cardDataFound: c.cardData.length },
      });
    });

    if (dead.length) {
      const keys = await this.d.sealer.keysFor(dead.map((x) => x.sealed.kid));
      for (const x of dead) x.sealed = this.d.sealer.sealWith(x.sealed.kid, keys.get(x.sealed.kid)!, JSON.parse(x.sealed.ct), x.id);
      if (reuse) for (const x of dead) await this.d.deadLetters.update(x);
      else await this.d.deadLetters.add(dead);
    }

    if (good.length && this.d.idempotency) {
      const known = await this.d.idempotency.seen(good.map((g) => g.event.eventId));
      for (const g of good) if (known.has(g.event.eventId)) results[g.index] = { index: g.index, eventId: g.event.eventId, status: 'duplicate' };
      good.splice(0, good.length, ...good.filter((g) => !known.has(g.event.eventId)));
    }

    if (good.length) {
      // subject resolution: one request per distinct identifier set, all of the batch in one unit
      const requestOf = new Map<string, number>();
      const requests: Array<{ controller: string; hashes: string[]; newRef: string }> = [];
      const requestIndex = good.map((g) => {
        // a segregated category (equalities monitoring) links only within itself, never to case subjects
        const scope = this.d.book.category(g.event.controller, g.event.category)?.segregated ? `${g.event.controller}#${g.event.category}` : g.event.controller;
        const hashes = linkingKeys(g.event.subject.identifiers).map((k) => this.d.master.blindIndex(scope, k));
        // an event with no linking key is a subject of its own: never share it within the batch
        const memo = hashes.length ? `${scope}|${hashes.join(',')}` : null;
        const known = memo === null ? undefined : requestOf.get(memo);
        if (known !== undefined) return known;
        requests.push({ controller: scope, hashes, newRef: newId('subj') });
        if (memo) requestOf.set(memo, requests.length - 1);
        return requests.length - 1;
      });
      const resolved = await this.d.subjects.resolve(requests, now);
      const refs = requestIndex.map((i) => resolved[i]!.ref);
      const conflicts: AuditInput[] = resolved
        .filter((r) => r.conflicts.length)
        .map((r) => ({
          actor: 'ingest',
          action: 'subject.link-conflict',
          target: { kind: 'subject', id: r.ref },
          reason: 'identifiers of one event matched more than one subject; linked to the earliest, left for review',
          details: { otherSubjects: r.conflicts },
        }));
      const keys = await this.d.sealer.keysFor(refs.map((r) => `subj:${r}`));
      const stored: StoredEvent[] = good.map((g, i) => {
        const e = g.event;
        const subjectRef = refs[i]!;
        const kid = `subj:${subjectRef}`;
        const facts = lifecycleFacts(e);
        return storedEvent(e, {
          receivedAt: now,
          subjectRef,
          recordId: this.d.master.recordId(e.controller, e.category, facts.recordKey),
          facts,
          cardData: g.cardData,
          policyVersion: g.policyVersion,
          sealed: this.d.sealer.sealWith(kid, keys.get(kid)!, { identifiers: e.subject.identifiers, payload: e.payload }, e.eventId),
        });
      });
      const statuses = await this.d.bus.publish(stored);
      let appended = 0;
      statuses.forEach((s, i) => {
        const g = good[i]!;
        const ev = stored[i]!;
        if (s.status === 'appended') {
          appended++;
          results[g.index] = { index: g.index, eventId: ev.eventId, status: 'accepted', subjectRef: ev.subjectRef, recordId: ev.recordId, cardData: g.cardData };
        } else results[g.index] = { index: g.index, eventId: ev.eventId, status: 'duplicate' };
      });
      audit.push(...conflicts);
      if (appended && this.d.idempotency) await this.d.idempotency.remember(stored.filter((_, i) => statuses[i]!.status === 'appended').map((e) => e.eventId), now);
      if (appended) {
        const truncated = good.filter((g) => g.cardData.length).length;
        audit.push({
          actor,
          action: 'events.accepted',
          target: { kind: 'system', id: 'event-log' },
          reason: `${appended} event(s) validated, sealed and appended`,
          details: { count: appended, cardDataTruncated: truncated },
        });
      }
    }
    if (audit.length) await this.d.audit.append(audit, now);
    return results;
  }
}
