#!/bin/sh
# Makes the Temporal namespace ready for Custodian's workers: waits for the server, creates the
# namespace if it is missing, and registers the search attributes the workflows set
# (workflows/src/temporal/contract.ts, SearchAttributes). Idempotent: what exists is left alone.
# Runs in the temporalio/admin-tools image (the `temporal` CLI); the compose file runs it once as the
# `temporal-setup` job. DRY_RUN=1 prints the commands instead.
set -eu

export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-7d}"
# name:type, as `temporal operator search-attribute create --type` spells the types
ATTRIBUTES="CustodianKind:Keyword CustodianController:Keyword CustodianSubjectRef:Keyword"

if [ "${DRY_RUN:-0}" = 1 ]; then
  echo "temporal operator namespace create --namespace $NAMESPACE --retention $RETENTION"
  for a in $ATTRIBUTES; do
    echo "temporal operator search-attribute create --namespace $NAMESPACE --name ${a%%:*} --type ${a##*:}"
  done
  exit 0
fi

tries=0
until temporal operator cluster health >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then echo "Temporal at $TEMPORAL_ADDRESS is not healthy after 120 s" >&2; exit 1; fi
  sleep 2
done

temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1 \
  || temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"

existing="$(temporal operator search-attribute list --namespace "$NAMESPACE" 2>/dev/null || true)"
for a in $ATTRIBUTES; do
  name="${a%%:*}"
  type="${a##*:}"
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type"
  fi
done
echo "namespace $NAMESPACE ready with search attributes: $ATTRIBUTES"
