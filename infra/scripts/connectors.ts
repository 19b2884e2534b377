/**
 * The development stack's connector bindings (infra/connectors.dev.json), made the way the demo makes
 * its own (services/demo/src/bindings.ts): every store every policy pack declares is bound, files
 * stores to folders in the `custodian-files` volume, HTTP stores to the vendor simulator that shares
 * the lifecycle container's loopback (infra/scripts/vendor-simulator.ts).
 *
 *   npx tsx infra/scripts/connectors.ts > infra/connectors.dev.json
 *
 * A council's deployment writes this file by hand for its real systems; the format is
 * services/connectors/src/directory.ts. test/infra/compose.test.ts checks the committed file is current.
 */
import { loadPolicyPacks } from '@custodian/core';
import { demoBindings } from '@custodian/demo/src/bindings';

export const DEV_FILES_ROOT = '/var/lib/custodian/files';
export const DEV_VENDOR_URL = 'http://127.0.0.1:4010';
export const DEV_VENDOR_TOKEN_ENV = 'CUSTODIAN_DEV_VENDOR_TOKEN';

export function devBindings() {
  return demoBindings(loadPolicyPacks(), { filesRoot: DEV_FILES_ROOT, vendorUrl: DEV_VENDOR_URL, tokenEnv: DEV_VENDOR_TOKEN_ENV });
}

if (require.main === module) process.stdout.write(`${JSON.stringify(devBindings(), null, 2)}\n`);
