/**
 * Topic naming: `<prefix>.events.<family>.v<schema>` per event family (the type's first segment:
 * contact, call, webchat, complaint, payment, visitor, crm, equalities), one dead-letter topic
 * `<prefix>.dlq.v1`. Families keep unrelated producers' load and retention apart; the schema
 * version in the name lets a breaking change run beside the old topic during a migration.
 * Partitions are fixed at creation: messages are keyed by subject, and re-partitioning would move a
 * subject's later events to another partition, where their offsets no longer order them.
 */
export const FAMILIES = ['contact', 'call', 'webchat', 'complaint', 'payment', 'visitor', 'crm', 'equalities'] as const;
export type Family = (typeof FAMILIES)[number];

export const STORED_EVENT_SCHEMA = 1;

export class Topics {
  constructor(readonly prefix: string) {
    if (!/^[a-zA-Z0-9._-]{1,100}$/.test(prefix)) throw new Error(`topic prefix "${prefix}" may only hold letters, digits, ".", "_" and "-"`);
  }
  familyOf(type: string): Family {
    const f = type.split('.')[0] as Family;
    if (!FAMILIES.includes(f)) throw new Error(`no topic for event type "${type}"`);
    return f;
  }
  forType(type: string): string {
    return this.forFamily(this.familyOf(type));
  }
  forFamily(f: Family): string {
    return `${this.prefix}.events.${f}.v${STORED_EVENT_SCHEMA}`;
  }
  events(): string[] {
    return FAMILIES.map((f) => this.forFamily(f));
  }
  get deadLetters(): string {
    return `${this.prefix}.dlq.v1`;
  }
}
