import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';

/**
 * A kafkajs client as every Custodian component makes one: warnings and errors only, passed on as
 * their message line (kafkajs logs broker and request details, never message values), and retries
 * that ride out a leader election.
 */
export function kafkaClient(o: { clientId: string; brokers: string[]; onLog?: ((level: 'error' | 'warn', message: string) => void) | undefined; kafka?: Partial<KafkaConfig> | undefined }): Kafka {
  const log = o.onLog;
  return new Kafka({
    clientId: o.clientId,
    brokers: o.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      if (!log) return;
      if (entry.level === logLevel.ERROR) log('error', entry.log.message);
      else if (entry.level === logLevel.WARN) log('warn', entry.log.message);
    },
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
    ...o.kafka,
  });
}
