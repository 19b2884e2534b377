import type { LoadedPack } from '@custodian/core';
import type { ConnectorBinding } from '@custodian/connectors';
import { join } from 'node:path';

/**
 * Binds every store the packs declare to something real on this machine: files stores to folders
 * under `filesRoot`, HTTP stores to the local vendor simulator. A council's deployment writes the
 * same document by hand (see README, "Connecting stores"), pointing at its real systems.
 */
export function demoBindings(packs: LoadedPack[], opts: { filesRoot: string; vendorUrl: string; tokenEnv: string }): ConnectorBinding[] {
  const out: ConnectorBinding[] = [];
  for (const { pack } of packs) {
    for (const s of pack.stores) {
      if (s.kind === 'files') out.push({ controller: pack.id, store: s.id, kind: 'files', root: join(opts.filesRoot, pack.id, s.id) } as ConnectorBinding);
      else if (s.kind === 'http') {
        out.push({
          controller: pack.id,
          store: s.id,
          kind: 'http',
          urlTemplate: `${opts.vendorUrl}/v1/recordings/{controller}:${s.id}:{locator}`,
          headers: { Authorization: `Bearer \${env:${opts.tokenEnv}}` },
          // the simulator takes corrections to a recording's details by PATCH, as the vendors' APIs do
          rectifyMethod: 'PATCH',
        } as ConnectorBinding);
      }
    }
  }
  return out;
}

/** The id the simulator knows an HTTP artifact by (matches the URL template above). */
export function simulatorId(controller: string, store: string, locator: string): string {
  return `${controller}:${store}:${locator}`;
}
