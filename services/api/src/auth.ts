/**
 * Bearer tokens with roles, checked on every route before the body is read (an unauthenticated
 * client cannot make us parse 32 MB). Routes declare the roles that may use them in their config;
 * a route that declares none still needs a valid token.
 */
import type { ApiPrincipal, Platform } from '@custodian/core';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';

export const ROLES = ['service', 'operator', 'dpo', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const SESSION_COOKIE = 'custodian_token';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** any one of these roles lets a token use the route; absent: any valid token */
    roles?: readonly Role[];
    /** no token at all: for the liveness probe only */
    public?: boolean;
    /** the HTML status page: also takes the session cookie, and `?token=` to set it */
    browser?: boolean;
  }
  interface FastifyRequest {
    principal: ApiPrincipal | null;
  }
}

function bearer(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function roleList(roles: readonly string[]): string {
  return roles.length === 1 ? roles[0]! : `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}`;
}

function deny(reply: FastifyReply, code: 401 | 403, message: string): FastifyReply {
  if (code === 401) reply.header('www-authenticate', 'Bearer realm="custodian"');
  return reply.code(code).send({ error: code === 401 ? 'unauthorized' : 'forbidden', message });
}

/** Why a principal may not use a route, or null if it may. */
function forbidden(principal: ApiPrincipal, roles: readonly Role[] | undefined): string | null {
  if (!roles || roles.some((r) => principal.roles.includes(r))) return null;
  const held = principal.roles.length ? `it has ${roleList(principal.roles)}` : 'it has no roles';
  return `this needs the ${roleList(roles)} role; ${held}`;
}

export function authenticate(platform: Platform): onRequestAsyncHookHandler {
  return async function (request: FastifyRequest, reply: FastifyReply) {
    const cfg = request.routeOptions.config;
    if (cfg.public) return;

    if (cfg.browser && request.method === 'GET') {
      const q = request.query as Record<string, unknown> | undefined;
      if (typeof q?.token === 'string') return exchangeForCookie(platform, q.token, cfg.roles, reply);
    }

    const headerToken = bearer(request.headers.authorization);
    // The cookie counts on the status page alone: no state-changing route ever honours it, so a
    // cross-site form post cannot ride on a browser session (SameSite=Strict is the second guard).
    const token = headerToken ?? (cfg.browser && request.method === 'GET' ? readCookie(request.headers.cookie, SESSION_COOKIE) : undefined);
    if (!token) {
      const how = cfg.browser
        ? 'open this page once as /?token=<a dpo, operator or auditor token>, or send "Authorization: Bearer <token>"'
        : 'send "Authorization: Bearer <token>"';
      return deny(reply, 401, `missing API token: ${how}`);
    }
    const principal = await platform.tokens.verify(token);
    if (!principal) return deny(reply, 401, 'unknown or revoked API token');
    const why = forbidden(principal, cfg.roles);
    if (why) return deny(reply, 403, why);
    request.principal = principal;
  };
}

/**
 * The browser sign-in: a token in the URL is checked once, moved into an HttpOnly cookie, and the
 * browser redirected to the bare page so the token leaves the address bar and history.
 */
async function exchangeForCookie(platform: Platform, token: string, roles: readonly Role[] | undefined, reply: FastifyReply) {
  const principal = await platform.tokens.verify(token);
  if (!principal) return deny(reply, 401, 'unknown or revoked API token');
  const why = forbidden(principal, roles);
  if (why) return deny(reply, 403, why);
  // No `Secure`: the API listens on 127.0.0.1 over plain HTTP, where a Secure cookie is never sent back.
  const cookie = `${SESSION_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${8 * 3600}`;
  return reply
    .code(303)
    .header('set-cookie', cookie)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('location', '/')
    .send();
}
