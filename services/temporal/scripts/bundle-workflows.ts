import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../src/tracing';
import { WORKFLOWS_PATH } from '../src/worker';

/** Bundles the workflow code ahead of time: `npx tsx services/temporal/scripts/bundle-workflows.ts <out.js>`; point CUSTODIAN_WORKFLOW_BUNDLE at it. */
async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: bundle-workflows.ts <output file>');
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES] });
  writeFileSync(out, code);
  console.log(`workflow bundle written to ${out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
