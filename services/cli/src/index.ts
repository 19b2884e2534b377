export { run } from './main';
export { ApiClient, ApiError, ConnectionError } from './client';
export { publish, BATCH_SIZE, type PublishSummary } from './publish';
export * from './commands';
export { resolveToken, UsageError, DEFAULT_URL, DEFAULT_TOKEN_FILE } from './tokens';
export { EXIT, type Ctx, type Io } from './io';
