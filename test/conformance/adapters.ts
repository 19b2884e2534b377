import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry } from '@custodian/core';
import { MemoryPorts } from '@custodian/core/src/test-support/memory-ports';
import { EmbeddedStore, SCHEMA } from '@custodian/embedded';
import type { PortsFactory } from './suites';

export const memoryPorts: PortsFactory = async () => {
  const p = new MemoryPorts();
  return {
    registry: p.registry,
    tasks: p.tasks,
    vault: p.vault,
    subjects: p.subjects,
    audit: p.audit,
    deadLetters: p.deadLetters,
    tokens: p.tokens,
    holds: p.holds,
    requests: p.requests,
    archive: p.archive,
    idempotency: p.idempotency,
    tamper: {
      alter: async (seq, fields) => {
        Object.assign(p.audit.entries.find((e) => e.seq === seq)!, fields);
      },
      removeLast: async () => {
        p.audit.entries.pop();
      },
    },
    close: async () => undefined,
  };
};

/** a fresh SQLite file per call, as `npm start` would open it */
export const embeddedPorts: PortsFactory = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-conformance-'));
  const store = EmbeddedStore.open(join(dir, 'custodian.db'));
  const db = store.db;
  // the append-only triggers stand in the way of an intruder's edit; dropping them is what one would do
  const behindTriggers = (edit: () => void) => {
    db.exec('DROP TRIGGER audit_append_only_u; DROP TRIGGER audit_append_only_d;');
    edit();
    db.exec(SCHEMA);
  };
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
    tamper: {
      alter: async (seq, fields) =>
        behindTriggers(() => {
          const row = db.prepare('SELECT entry FROM audit WHERE seq = ?').get(seq) as { entry: string };
          db.prepare('UPDATE audit SET entry = ? WHERE seq = ?').run(JSON.stringify({ ...(JSON.parse(row.entry) as AuditEntry), ...fields }), seq);
        }),
      removeLast: async () => behindTriggers(() => db.prepare('DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)').run()),
    },
    close: async () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
