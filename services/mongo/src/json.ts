/**
 * What the other adapters keep is what JSON keeps: members set to undefined vanish. BSON would store them as
 * null instead, which changes a record read back and (in audit details) the hash the chain covers.
 */
export const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
