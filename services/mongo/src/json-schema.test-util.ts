import { Binary, ObjectId, type Document } from 'mongodb';

/**
 * The part of MongoDB's $jsonSchema the validators use (bsonType, required, properties, additionalProperties,
 * enum, pattern, items), so the documents the adapters write can be checked against them without a server.
 */
function bsonTypeOf(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Binary || Buffer.isBuffer(v)) return 'binData';
  if (v instanceof ObjectId) return 'objectId';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 'int' : 'double';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

export function schemaErrors(schema: Document, v: unknown, at = '$'): string[] {
  const errs: string[] = [];
  if (schema.bsonType !== undefined) {
    const allowed = ([] as string[]).concat(schema.bsonType as string | string[]);
    if (!allowed.includes(bsonTypeOf(v))) return [`${at}: ${bsonTypeOf(v)} is not ${allowed.join('|')}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(v)) errs.push(`${at}: ${String(v)} not in enum`);
  if (schema.pattern && typeof v === 'string' && !new RegExp(schema.pattern as string).test(v)) errs.push(`${at}: does not match ${schema.pattern}`);
  if (schema.items && Array.isArray(v)) v.forEach((x, i) => errs.push(...schemaErrors(schema.items as Document, x, `${at}[${i}]`)));
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Binary) && !(v instanceof ObjectId)) {
    const o = v as Record<string, unknown>;
    for (const k of (schema.required as string[] | undefined) ?? []) if (!(k in o)) errs.push(`${at}.${k}: required`);
    const props = (schema.properties as Record<string, Document> | undefined) ?? {};
    for (const [k, x] of Object.entries(o)) {
      if (props[k]) errs.push(...schemaErrors(props[k], x, `${at}.${k}`));
      else if (schema.additionalProperties === false) errs.push(`${at}.${k}: not allowed`);
    }
  }
  return errs;
}
