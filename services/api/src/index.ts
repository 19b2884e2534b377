export { buildServer, startServer, EVENTS_BODY_LIMIT, type ServerOptions } from './server';
export { renderStatusPage, escapeHtml } from './status-page';
export { ROLES, SESSION_COOKIE, type Role } from './auth';
export * from './schemas';
