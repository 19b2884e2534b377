/*
 * The Temporal workflow definitions: the module the worker bundles (workflowsPath). Kept out of the
 * package's main entry so code that never runs Temporal never loads @temporalio/workflow.
 */
export { retentionSweep, sweepProgressQuery } from './retention-sweep';
export { subjectErasure, erasureProgressQuery } from './erasure';
