#!/bin/sh
# Creates Temporal's two PostgreSQL databases and applies the schema bundled in the pinned
# temporalio/admin-tools image (the setup temporalio/auto-setup used to do, now deprecated).
# Idempotent: an existing database or schema is left alone; update-schema applies only what is missing.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
dir=/etc/temporal/schema/postgresql/v12
sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" "$@"; }
for pair in temporal:temporal temporal_visibility:visibility; do
  db="${pair%%:*}"
  schema="${pair##*:}"
  sql --db "$db" create-database >/dev/null 2>&1 || echo "database $db exists"
  sql --db "$db" setup-schema -v 0.0 >/dev/null 2>&1 || echo "schema of $db already set up"
  sql --db "$db" update-schema -d "$dir/$schema/versioned"
done
echo "Temporal schemas ready"
