import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryEventBus } from '@custodian/core/src/test-support/memory-ports';
import { EmbeddedStore } from '@custodian/embedded';
import { eventStreamConformance } from './event-stream.suite';

eventStreamConformance('in-memory log', async () => ({ stream: new MemoryEventBus(), close: async () => undefined }));

eventStreamConformance('embedded SQLite log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-stream-'));
  const store = EmbeddedStore.open(join(dir, 'custodian.db'));
  return {
    stream: store.bus,
    close: async () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
