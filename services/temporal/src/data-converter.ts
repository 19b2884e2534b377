import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, payloadKeyFromMaster } from './codec';
import type { TemporalConfig } from './config';

/** The one data converter the worker and every client use: both must read what the other wrote. */
export function custodianDataConverter(cfg: Pick<TemporalConfig, 'CUSTODIAN_MASTER_KEY' | 'CUSTODIAN_PAYLOAD_KEY_VERSION' | 'CUSTODIAN_PAYLOAD_PREVIOUS_KEY_VERSIONS'>): DataConverter {
  const material = Buffer.from(cfg.CUSTODIAN_MASTER_KEY, 'base64');
  const current = payloadKeyFromMaster(material, cfg.CUSTODIAN_PAYLOAD_KEY_VERSION);
  const previous = cfg.CUSTODIAN_PAYLOAD_PREVIOUS_KEY_VERSIONS.map((v) => payloadKeyFromMaster(material, v));
  return { payloadCodecs: [new EncryptionCodec(current, previous)] };
}
