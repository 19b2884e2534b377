/**
 * The operator's topic commands, from the class the services name their topics with
 * (services/kafka/src/topics.ts), so the list cannot drift from the code:
 *
 *   npx tsx infra/scripts/topics.ts [--prefix custodian] [--partitions 12] [--replication 3]
 *                                   [--min-insync 2] [--retention-ms 604800000] [--bootstrap kafka:9092]
 *
 * prints the kafka-topics.sh / kafka-configs.sh commands, one per line, for a shell where Kafka's
 * tools are (pipe to `sh`). The defaults are production's (infra/README.md, "Production topology").
 * infra/scripts/create-topics.sh, which the compose file runs where there is no Node, prints exactly
 * these lines under DRY_RUN=1 (test/infra/compose.test.ts holds them to that).
 */
import { Topics } from '@custodian/kafka';

export interface TopicSettings {
  bootstrap: string;
  prefix: string;
  partitions: number;
  replication: number;
  minInsync: number;
  retentionMs: number;
  bin: string;
}

export const PRODUCTION: TopicSettings = { bootstrap: 'kafka:9092', prefix: 'custodian', partitions: 12, replication: 3, minInsync: 2, retentionMs: 7 * 86_400_000, bin: '/opt/kafka/bin' };

export function topicNames(prefix: string): string[] {
  const t = new Topics(prefix);
  return [...t.events(), t.deadLetters];
}

export function topicCommands(s: TopicSettings): string[] {
  if (s.minInsync > s.replication) throw new Error(`min.insync.replicas ${s.minInsync} is more than the replication factor ${s.replication}: no write could succeed`);
  return topicNames(s.prefix).flatMap((topic) => [
    `${s.bin}/kafka-topics.sh --bootstrap-server ${s.bootstrap} --create --if-not-exists --topic ${topic} --partitions ${s.partitions} --replication-factor ${s.replication} --config retention.ms=${s.retentionMs} --config min.insync.replicas=${s.minInsync} --config cleanup.policy=delete`,
    `${s.bin}/kafka-configs.sh --bootstrap-server ${s.bootstrap} --alter --entity-type topics --entity-name ${topic} --add-config retention.ms=${s.retentionMs},min.insync.replicas=${s.minInsync},cleanup.policy=delete`,
  ]);
}

function parseArgs(argv: string[]): TopicSettings {
  const s = { ...PRODUCTION };
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number, not "${v ?? ''}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, v] = [argv[i]!, argv[i + 1]];
    if (flag === '--prefix') s.prefix = v ?? '';
    else if (flag === '--bootstrap') s.bootstrap = v ?? '';
    else if (flag === '--bin') s.bin = v ?? '';
    else if (flag === '--partitions') s.partitions = num(flag, v);
    else if (flag === '--replication') s.replication = num(flag, v);
    else if (flag === '--min-insync') s.minInsync = num(flag, v);
    else if (flag === '--retention-ms') s.retentionMs = num(flag, v);
    else throw new Error(`unknown option ${flag}`);
  }
  return s;
}

if (require.main === module) {
  try {
    process.stdout.write(`${topicCommands(parseArgs(process.argv.slice(2))).join('\n')}\n`);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
}
