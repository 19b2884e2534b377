#!/bin/sh
# Writes infra/.env for the development stack with freshly generated values (never committed:
# infra/.gitignore). Keeps an existing file: the master key wraps every subject's data key, so a new
# one would make everything already stored unreadable. Usage: sh infra/scripts/dev-env.sh [file]
set -eu
out="${1:-$(dirname "$0")/../.env}"
if [ -s "$out" ]; then echo "$out exists; keeping it (delete it and the volumes to start over)"; exit 0; fi
rand() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
umask 077
{
  echo "# written by infra/scripts/dev-env.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ); development only"
  echo "CUSTODIAN_MASTER_KEY=$(rand 32)"
  echo "CUSTODIAN_DEV_VENDOR_TOKEN=$(rand 24 | tr '+/' '-_')"
  echo "TEMPORAL_DB_PASSWORD=$(rand 18 | tr '+/' '-_')"
} > "$out"
echo "wrote $out"
