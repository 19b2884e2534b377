import { auditLogConformance } from './audit';
import { deadLetterConformance } from './dead-letters';
import { keyVaultConformance } from './key-vault';
import type { PortsFactory } from './ports-under-test';
import { registryConformance } from './registry';
import { subjectIndexConformance } from './subjects';
import { deletionTasksConformance } from './tasks';
import { apiTokensConformance } from './tokens';
import { idempotencyKeysConformance } from './idempotency';
import { holdStoreConformance } from './holds';
import { requestStoreConformance } from './requests';
import { eventArchiveConformance } from './event-archive';

export type { AuditTamper, PortsFactory, PortsUnderTest } from './ports-under-test';

/** every store-port suite (the EventBus has its own) against one adapter */
export function storePortsConformance(adapter: string, open: PortsFactory, opts: { canTamper: boolean; idempotency?: boolean; archive?: boolean } = { canTamper: true }) {
  registryConformance(adapter, open);
  deletionTasksConformance(adapter, open);
  keyVaultConformance(adapter, open);
  subjectIndexConformance(adapter, open);
  auditLogConformance(adapter, open, opts);
  deadLetterConformance(adapter, open);
  apiTokensConformance(adapter, open);
  holdStoreConformance(adapter, open);
  requestStoreConformance(adapter, open);
  if (opts.idempotency) idempotencyKeysConformance(adapter, open);
  if (opts.archive) eventArchiveConformance(adapter, open);
}
