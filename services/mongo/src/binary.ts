import { packSealed, unpackSealed, type SealedBox } from '@custodian/core';
import { Binary } from 'mongodb';

/** bytes as BinData (generic subtype); always a copy, so a caller's buffer never aliases a document */
export const toBinary = (b: Uint8Array): Binary => new Binary(Buffer.from(b));

/** a stored BinData (or a Buffer, with promoteBuffers) back to a Buffer of its own */
export function fromBinary(v: Binary | Uint8Array): Buffer {
  if (v instanceof Binary) return Buffer.from(v.buffer.subarray(0, v.position));
  return Buffer.from(v);
}

/** a sealed box packed as one BinData: ~25% smaller than its base64 fields and opaque to queries */
export const sealedToBinary = (box: SealedBox): Binary => new Binary(packSealed(box));
export const sealedFromBinary = (v: Binary | Uint8Array): SealedBox => unpackSealed(fromBinary(v));
