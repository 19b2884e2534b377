import type { Attributes, AttributeValue } from '@opentelemetry/api';

/**
 * The only span attribute keys that may leave the process. Defence in depth: the services set
 * only these, and anything else (a library's own attributes, a mistake) is dropped before export.
 * Allowed are pseudonymous ids (record ids, subject refs: keyed hashes and random refs), council
 * ids, event types, categories, store names, counts and outcomes, HTTP route patterns and statuses.
 * Not allowed, whoever sets them: event ids (chosen by council systems, may embed a case number),
 * locators, identifiers, payloads, URLs, error messages (connectors' may quote a vendor's reply).
 */
type Rule = true | ((v: AttributeValue) => boolean);

const MAX_STRING = 200;
/** a route pattern never carries a query string or a scheme (a full URL) */
const routePattern = (v: AttributeValue) => typeof v === 'string' && v.startsWith('/') && !/[?#]/.test(v);
const small = (v: AttributeValue) => typeof v === 'number' || typeof v === 'boolean';
const code = (v: AttributeValue) => typeof v === 'string' && /^[A-Za-z0-9_.:-]{1,80}$/.test(v);

export const ALLOWED_ATTRIBUTES: Readonly<Record<string, Rule>> = {
  // Custodian's own
  'custodian.controller': code,
  'custodian.event.type': code,
  'custodian.category': code,
  'custodian.store': code,
  'custodian.outcome': code,
  'custodian.phase': code,
  'custodian.record.id': code,
  'custodian.subject.ref': code,
  'custodian.events.count': small,
  'custodian.events.accepted': small,
  'custodian.events.rejected': small,
  'custodian.events.duplicate': small,
  'custodian.records.count': small,
  'custodian.records.changed': small,
  'custodian.records.started': small,
  'custodian.records.skipped': small,
  'custodian.records.disposed': small,
  'custodian.tasks.count': small,
  'custodian.tasks.run': small,
  'custodian.tasks.failed': small,
  'custodian.outcomes.deleted': small,
  'custodian.outcomes.absent': small,
  'custodian.outcomes.retry': small,
  'custodian.outcomes.failed': small,
  // HTTP (server and client): the pattern, never the URL
  'http.request.method': code,
  'http.route': routePattern,
  'http.response.status_code': small,
  // messaging (Kafka and the embedded log)
  'messaging.system': code,
  'messaging.operation.type': code,
  'messaging.operation.name': code,
  'messaging.destination.name': code,
  'messaging.destination.partition.id': code,
  'messaging.consumer.group.name': code,
  'messaging.batch.message_count': small,
  // database: the operation and collection, never the query
  'db.system.name': code,
  'db.operation.name': code,
  'db.collection.name': code,
  // the class of an error, never its message
  'error.type': code,
  'exception.type': code,
  // set by @temporalio/interceptors-opentelemetry: workflow and activity ids carry pseudonymous refs only
  temporalWorkflowId: code,
  run_id: code,
  temporalActivityId: code,
};

function allowed(key: string, value: AttributeValue | undefined): boolean {
  if (value === undefined || !Object.hasOwn(ALLOWED_ATTRIBUTES, key)) return false;
  const rule = ALLOWED_ATTRIBUTES[key]!;
  if (Array.isArray(value)) return false;
  if (typeof value === 'string' && value.length > MAX_STRING) return false;
  return rule === true || rule(value);
}

/** the allowed attributes of `attrs`, and how many were dropped */
export function filterAttributes(attrs: Attributes | undefined): { kept: Attributes; dropped: number } {
  const kept: Attributes = {};
  let dropped = 0;
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (allowed(k, v)) kept[k] = v;
    else dropped++;
  }
  return { kept, dropped };
}
