import { createHash, randomBytes } from 'node:crypto';
import type { ApiPrincipal, ApiTokens } from '@custodian/core';
import type { Collection, Db } from 'mongodb';
import { NAMES } from './collections';

export interface TokenDoc {
  /** sha256 of the token: the token itself is never stored */
  _id: string;
  name: string;
  roles: string[];
  createdAt: string;
}

const hash = (t: string) => createHash('sha256').update(t).digest('hex');

export class MongoApiTokens implements ApiTokens {
  readonly tokens: Collection<TokenDoc>;
  constructor(db: Db) {
    this.tokens = db.collection<TokenDoc>(NAMES.tokens);
  }
  async verify(token: string): Promise<ApiPrincipal | null> {
    const d = await this.tokens.findOne({ _id: hash(token) });
    return d ? { name: d.name, roles: [...d.roles] } : null;
  }
  async issue(name: string, roles: string[]): Promise<string> {
    const token = `cus_${randomBytes(24).toString('base64url')}`;
    await this.tokens.insertOne({ _id: hash(token), name, roles: [...roles], createdAt: new Date().toISOString() });
    return token;
  }
}
