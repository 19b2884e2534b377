#!/bin/sh
# Creates Custodian's Kafka topics, or brings existing ones to the wanted configuration: safe to run
# at every deployment. Runs in the apache/kafka image (kafka-topics.sh, kafka-configs.sh); the
# compose file runs it once as the `kafka-topics` job. DRY_RUN=1 prints the commands instead.
#
# The names are Topics' (services/kafka/src/topics.ts): <prefix>.events.<family>.v1 for each family
# and <prefix>.dlq.v1; test/infra/compose.test.ts checks this list against the class, and
# infra/scripts/topics.ts prints the same commands from the class itself.
set -eu

BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
PREFIX="${KAFKA_TOPIC_PREFIX:-custodian}"
PARTITIONS="${KAFKA_PARTITIONS:-12}"
REPLICATION="${KAFKA_REPLICATION_FACTOR:-3}"
MIN_INSYNC="${KAFKA_MIN_INSYNC_REPLICAS:-2}"
RETENTION_MS="${KAFKA_RETENTION_MS:-604800000}"
BIN="${KAFKA_BIN:-/opt/kafka/bin}"
if [ "$MIN_INSYNC" -gt "$REPLICATION" ]; then
  echo "min.insync.replicas $MIN_INSYNC is more than the replication factor $REPLICATION: no write could succeed" >&2
  exit 2
fi
FAMILIES="contact call webchat complaint payment visitor crm equalities"

run() {
  if [ "${DRY_RUN:-0}" = 1 ]; then echo "$*"; else "$@"; fi
}

ensure() {
  topic="$1"
  run "$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$topic" \
    --partitions "$PARTITIONS" --replication-factor "$REPLICATION" \
    --config "retention.ms=$RETENTION_MS" --config "min.insync.replicas=$MIN_INSYNC" --config cleanup.policy=delete
  # an existing topic keeps its partitions (keys would move); its retention and ISR floor are enforced
  run "$BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --alter --entity-type topics --entity-name "$topic" \
    --add-config "retention.ms=$RETENTION_MS,min.insync.replicas=$MIN_INSYNC,cleanup.policy=delete"
}

for family in $FAMILIES; do
  ensure "$PREFIX.events.$family.v1"
done
ensure "$PREFIX.dlq.v1"
[ "${DRY_RUN:-0}" = 1 ] || echo "topics ready: $PREFIX.events.{$(echo "$FAMILIES" | tr ' ' ',')}.v1, $PREFIX.dlq.v1"
