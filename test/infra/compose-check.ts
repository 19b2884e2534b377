import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConnectorBindings } from '@custodian/connectors';
import { loadPolicyPacks } from '@custodian/core';
import { SERVICES, knownVariables, requiredVariables, type ServiceName } from '@custodian/distributed/src/config';
import { addDuration } from '@custodian/workflows';
import { SearchAttributes } from '@custodian/workflows/src/temporal/contract';
import { topicCommands, topicNames } from '../../infra/scripts/topics';

export const REPO = resolve(__dirname, '../..');
export const INFRA = join(REPO, 'infra');
const CUSTODIAN: ServiceName[] = ['ingest', 'lifecycle', 'api'];

/** what the checks read: each part replaceable, so a test can hand in a broken copy */
export interface InfraFiles {
  /** infra/docker-compose.yml, parsed with YAML merge keys (as compose does) */
  compose: Compose;
  createTopicsSh: string;
  registerAttributesSh: string;
  /** the connector bindings file the lifecycle service mounts, by its path relative to infra/ */
  bindings: Record<string, unknown>;
  envExample: string;
  /** what infra/scripts/dev-env.sh wrote */
  dotenv: Record<string, string>;
  dockerfile: string;
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: unknown;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string };
  network_mode?: string;
}
export interface Compose {
  services: Record<string, ComposeService>;
}

/** KEY=value lines; comments and blanks skipped */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/** compose's ${VAR}, ${VAR:-default}, ${VAR:?error} against the .env values */
function interpolate(value: string, dotenv: Record<string, string>, where: string, problems: string[]): string {
  return value.replace(INTERPOLATION, (_m, name: string, op: string | undefined, arg: string | undefined) => {
    const v = dotenv[name];
    if (v !== undefined && (v !== '' || !op?.startsWith(':'))) return v;
    if (op?.endsWith('-')) return arg ?? '';
    problems.push(`${where}: \${${name}} is not in infra/.env as infra/scripts/dev-env.sh writes it`);
    return '';
  });
}

/** a service's environment as the container sees it (mapping or list form), interpolated */
export function environmentOf(svc: ComposeService, dotenv: Record<string, string>, where: string, problems: string[]): Record<string, string> {
  const raw: Record<string, string> = {};
  if (Array.isArray(svc.environment)) {
    for (const kv of svc.environment) {
      const i = kv.indexOf('=');
      raw[i < 0 ? kv : kv.slice(0, i)] = i < 0 ? '' : kv.slice(i + 1);
    }
  } else {
    for (const [k, v] of Object.entries(svc.environment ?? {})) raw[k] = v === null ? '' : String(v);
  }
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolate(v, dotenv, `${where} ${k}`, problems)]));
}

const argv = (x: string[] | string | undefined): string[] => (x === undefined ? [] : Array.isArray(x) ? x.map(String) : x.split(/\s+/).filter(Boolean));
const dependsOn = (svc: ComposeService): Record<string, string> =>
  Array.isArray(svc.depends_on) ? Object.fromEntries(svc.depends_on.map((d) => [d, 'service_started'])) : Object.fromEntries(Object.entries(svc.depends_on ?? {}).map(([k, v]) => [k, v.condition ?? 'service_started']));

/** host:port pairs a Kafka service advertises to clients */
function kafkaAdvertised(svc: ComposeService, dotenv: Record<string, string>): Set<string> {
  const env = environmentOf(svc, dotenv, 'kafka', []);
  const listeners = env.KAFKA_ADVERTISED_LISTENERS ?? '';
  return new Set(listeners.split(',').map((l) => l.replace(/^[A-Z_]+:\/\//, '')).filter(Boolean));
}

function mongoSettings(svc: ComposeService) {
  const cmd = argv(svc.command);
  const at = (flag: string) => (cmd.includes(flag) ? cmd[cmd.indexOf(flag) + 1] : undefined);
  const init = argv(svc.healthcheck?.test).join(' ');
  const initiate = /rs\.initiate\(\s*\{\s*_id:\s*'([^']+)'\s*,\s*members:\s*\[\s*\{\s*_id:\s*0\s*,\s*host:\s*'([^']+)'/.exec(init);
  return { replSet: at('--replSet'), port: at('--port') ?? '27017', initiatedAs: initiate?.[1], memberHost: initiate?.[2] };
}

/** runs one of the infra shell scripts with DRY_RUN=1 and the given environment; returns its lines */
export function dryRun(script: string, env: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-infra-'));
  try {
    const file = join(dir, 'script.sh');
    writeFileSync(file, script);
    return execFileSync('sh', [file], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, DRY_RUN: '1' }, encoding: 'utf8' }).split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** the shortest retention any category of any policy pack gives, in ms (from a fixed date, so months and years are real) */
export function shortestCategoryRetentionMs(): { ms: number; what: string } {
  const from = '2026-02-01T00:00:00.000Z';
  let best = { ms: Infinity, what: '' };
  for (const { pack } of loadPolicyPacks()) {
    for (const c of pack.categories) {
      const ms = Date.parse(addDuration(from, c.retention.duration)) - Date.parse(from);
      if (ms < best.ms) best = { ms, what: `${pack.id}/${c.id} (${c.retention.duration})` };
    }
  }
  return best;
}

/**
 * Every way the compose file and its scripts can disagree with the services' config, the Topics
 * class and the workflows' search attributes. Returns the problems found; none means consistent.
 */
export function composeProblems(f: InfraFiles): string[] {
  const p: string[] = [];
  const services = f.compose.services ?? {};
  const exampleKeys = new Set(Object.keys(parseDotenv(f.envExample)));
  // the secrets come from dev-env.sh, and the example documents each of them
  for (const k of Object.keys(f.dotenv)) if (!exampleKeys.has(k)) p.push(`infra/.env.example does not document ${k}, which dev-env.sh writes`);
  for (const k of exampleKeys) if (!(k in f.dotenv)) p.push(`infra/scripts/dev-env.sh does not write ${k}, which infra/.env.example lists`);

  for (const [name, svc] of Object.entries(services)) {
    if (svc.image === undefined && svc.network_mode === undefined && svc.build === undefined) p.push(`${name}: no image`);
    if (svc.image !== undefined && svc.build === undefined && !/:[^:/]*\d[^:/]*$/.test(svc.image)) p.push(`${name}: image ${svc.image} is not pinned to a version`);
    if (svc.env_file !== undefined) p.push(`${name}: uses env_file; secrets come from infra/.env through \${...} so each service gets only its own`);
    for (const dep of Object.keys(dependsOn(svc))) if (!services[dep]) p.push(`${name}: depends on ${dep}, which is not a service`);
  }

  const envs = {} as Record<ServiceName, Record<string, string>>;
  for (const service of CUSTODIAN) {
    const svc = services[service];
    if (!svc) {
      p.push(`${service}: not in the compose file`);
      continue;
    }
    const env = environmentOf(svc, f.dotenv, service, p);
    envs[service] = env;
    const cmd = argv(svc.command);
    const want = ['npx', 'tsx', 'services/distributed/src/main.ts', service];
    if (cmd.join(' ') !== want.join(' ')) p.push(`${service}: command is "${cmd.join(' ')}", not "${want.join(' ')}"`);
    if (!existsSync(join(REPO, 'services/distributed/src/main.ts'))) p.push('services/distributed/src/main.ts does not exist');
    if (svc.build === undefined) p.push(`${service}: is not built from the repository (infra/Dockerfile)`);

    // every variable the service cannot start without is provided
    for (const v of requiredVariables(service)) if (!(v in env)) p.push(`${service}: ${v} is required but not provided`);
    // no variable the service does not read (a typo would silently fall back to the default)
    const extra = new Set<string>();
    if (service === 'lifecycle') for (const e of bindingEnvRefs(f, env, p)) extra.add(e);
    for (const v of Object.keys(env)) if (!knownVariables(service).includes(v) && !extra.has(v)) p.push(`${service}: ${v} is set but the ${service} service does not read it`);
    // the values pass the service's own schema
    const parsed = SERVICES[service].safeParse(env);
    if (!parsed.success) for (const i of parsed.error.issues) p.push(`${service}: ${String(i.path[0])} ${i.message}`);

    // the addresses name services of this file, on the ports they listen on, and are waited for
    const deps = dependsOn(svc);
    const kafka = Object.entries(services).filter(([, s]) => (s.image ?? '').startsWith('apache/kafka') && s.environment && 'KAFKA_ADVERTISED_LISTENERS' in (s.environment as object));
    for (const broker of (env.KAFKA_BROKERS ?? '').split(',').filter(Boolean)) {
      const host = broker.split(':')[0]!;
      const k = kafka.find(([n]) => n === host);
      if (!k) p.push(`${service}: KAFKA_BROKERS names ${host}, which is not a Kafka service of this file`);
      else if (!kafkaAdvertised(k[1], f.dotenv).has(broker)) p.push(`${service}: KAFKA_BROKERS ${broker} is not a listener ${host} advertises (${[...kafkaAdvertised(k[1], f.dotenv)].join(', ')})`);
    }
    if (!deps['kafka-topics'] || deps['kafka-topics'] !== 'service_completed_successfully') p.push(`${service}: does not wait for the kafka-topics job to complete`);

    const mongoUrl = /^mongodb:\/\/([^/?]+)\/?[^?]*(?:\?(.*))?$/.exec(env.MONGO_URL ?? '');
    if (!mongoUrl) p.push(`${service}: MONGO_URL is not a mongodb:// URL with a host`);
    else {
      const [host, port = '27017'] = mongoUrl[1]!.split(':');
      const params = new URLSearchParams(mongoUrl[2] ?? '');
      const m = services[host!];
      if (!m || !(m.image ?? '').startsWith('mongo:')) p.push(`${service}: MONGO_URL names ${host}, which is not a MongoDB service of this file`);
      else {
        const s = mongoSettings(m);
        if (port !== s.port) p.push(`${service}: MONGO_URL port ${port} is not the port mongod listens on (${s.port})`);
        if (!params.get('replicaSet')) p.push(`${service}: MONGO_URL names no replicaSet (transactions need the replica set)`);
        else if (params.get('replicaSet') !== s.replSet) p.push(`${service}: MONGO_URL replicaSet=${params.get('replicaSet')} but mongod runs --replSet ${s.replSet}`);
        if (s.initiatedAs !== s.replSet) p.push(`${host}: rs.initiate names ${s.initiatedAs}, mongod runs --replSet ${s.replSet}`);
        if (s.memberHost !== `${host}:${port}`) p.push(`${host}: the replica set member is ${s.memberHost}, but the services reach it as ${host}:${port}`);
        if (deps[host!] !== 'service_healthy') p.push(`${service}: does not wait for ${host} to be healthy (the replica set initiated)`);
      }
    }

    if (service !== 'ingest') {
      const [host, port] = (env.TEMPORAL_ADDRESS ?? 'localhost:7233').split(':');
      const t = services[host!];
      if (!t || !(t.image ?? '').startsWith('temporalio/server:')) p.push(`${service}: TEMPORAL_ADDRESS names ${host}, which is not a Temporal server of this file`);
      else if (port !== '7233') p.push(`${service}: TEMPORAL_ADDRESS port ${port} is not the Temporal frontend's (7233)`);
      if (deps['temporal-setup'] !== 'service_completed_successfully') p.push(`${service}: does not wait for temporal-setup (namespace and search attributes)`);
    }
  }

  // the services agree with each other where they must
  const shared = ['CUSTODIAN_MASTER_KEY', 'KAFKA_BROKERS', 'KAFKA_TOPIC_PREFIX', 'KAFKA_PARTITIONS', 'KAFKA_REPLICATION_FACTOR', 'KAFKA_RETENTION_MS', 'MONGO_URL', 'MONGO_DB'];
  for (const v of shared) {
    const values = new Set(CUSTODIAN.filter((s) => envs[s]).map((s) => envs[s]![v] ?? '(default)'));
    if (values.size > 1) p.push(`the services disagree on ${v}`);
  }
  for (const v of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE']) {
    if (envs.lifecycle && envs.api && (envs.lifecycle[v] ?? '(default)') !== (envs.api[v] ?? '(default)')) p.push(`lifecycle and api disagree on ${v}`);
  }
  const lc = envs.lifecycle ?? {};

  // the topic job makes the topics the services use, as the services would make them
  const topicJob = services['kafka-topics'];
  if (!topicJob) p.push('kafka-topics: no job creates the topics');
  else {
    const env = environmentOf(topicJob, f.dotenv, 'kafka-topics', p);
    if (!argv(topicJob.entrypoint).concat(argv(topicJob.command)).some((a) => a.endsWith('create-topics.sh'))) p.push('kafka-topics: does not run create-topics.sh');
    if (!(topicJob.volumes ?? []).some((v) => v.startsWith('./scripts/create-topics.sh:'))) p.push('kafka-topics: infra/scripts/create-topics.sh is not mounted');
    const pairs: Array<[string, string]> = [['KAFKA_BOOTSTRAP', 'KAFKA_BROKERS'], ['KAFKA_TOPIC_PREFIX', 'KAFKA_TOPIC_PREFIX'], ['KAFKA_PARTITIONS', 'KAFKA_PARTITIONS'], ['KAFKA_REPLICATION_FACTOR', 'KAFKA_REPLICATION_FACTOR'], ['KAFKA_RETENTION_MS', 'KAFKA_RETENTION_MS']];
    for (const [job, svcVar] of pairs) if (lc[svcVar] !== undefined && env[job] !== lc[svcVar]) p.push(`kafka-topics: ${job}=${env[job]} but the services use ${svcVar}=${lc[svcVar]}`);
    if (Number(env.KAFKA_MIN_INSYNC_REPLICAS) > Number(env.KAFKA_REPLICATION_FACTOR)) p.push('kafka-topics: min.insync.replicas is above the replication factor: no acks=all write could succeed');
    const prefix = env.KAFKA_TOPIC_PREFIX ?? 'custodian';
    let lines: string[] = [];
    try {
      lines = dryRun(f.createTopicsSh, env);
    } catch (e) {
      p.push(`create-topics.sh fails: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`);
    }
    const created = lines.map((l) => /--create .*--topic (\S+)/.exec(l)?.[1]).filter((x): x is string => !!x);
    const want = topicNames(prefix);
    if (created.join(' ') !== want.join(' ')) p.push(`create-topics.sh creates [${created.join(', ')}], Topics names [${want.join(', ')}]`);
    let fromClass: string[] = [];
    try {
      fromClass = topicCommands({ bootstrap: env.KAFKA_BOOTSTRAP ?? '', prefix, partitions: Number(env.KAFKA_PARTITIONS), replication: Number(env.KAFKA_REPLICATION_FACTOR), minInsync: Number(env.KAFKA_MIN_INSYNC_REPLICAS), retentionMs: Number(env.KAFKA_RETENTION_MS), bin: '/opt/kafka/bin' });
    } catch (e) {
      p.push(`infra/scripts/topics.ts refuses the kafka-topics job's settings: ${(e as Error).message}`);
    }
    if (lines.join('\n') !== fromClass.join('\n')) p.push('create-topics.sh and infra/scripts/topics.ts print different commands for the same settings');
    const shortest = shortestCategoryRetentionMs();
    if (!(Number(env.KAFKA_RETENTION_MS) < shortest.ms)) p.push(`kafka-topics: retention ${env.KAFKA_RETENTION_MS} ms is not below the shortest category retention, ${shortest.what}: disposal relies on the topics forgetting first`);
  }

  // the setup job registers exactly the workflows' search attributes on the services' namespace
  const setup = services['temporal-setup'];
  if (!setup) p.push('temporal-setup: no job registers the search attributes');
  else {
    const env = environmentOf(setup, f.dotenv, 'temporal-setup', p);
    if (!(setup.volumes ?? []).some((v) => v.startsWith('./scripts/register-search-attributes.sh:'))) p.push('temporal-setup: infra/scripts/register-search-attributes.sh is not mounted');
    if (env.TEMPORAL_ADDRESS !== (lc.TEMPORAL_ADDRESS ?? 'localhost:7233')) p.push(`temporal-setup: TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS} but the services use ${lc.TEMPORAL_ADDRESS}`);
    const ns = lc.TEMPORAL_NAMESPACE ?? 'default';
    if ((env.TEMPORAL_NAMESPACE ?? 'default') !== ns) p.push(`temporal-setup: namespace ${env.TEMPORAL_NAMESPACE} but the services use ${ns}`);
    const lines = dryRun(f.registerAttributesSh, env);
    const created = lines
      .map((l) => /search-attribute create --namespace (\S+) --name (\S+) --type (\S+)/.exec(l))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => `${m[1]}/${m[2]}:${m[3]!.toUpperCase()}`)
      .sort();
    const want = Object.values(SearchAttributes)
      .map((a) => `${ns}/${a.name}:${a.type}`)
      .sort();
    if (created.join(' ') !== want.join(' ')) p.push(`register-search-attributes.sh registers [${created.join(', ')}], the workflows use [${want.join(', ')}]`);
    if (!lines.some((l) => l.includes(`namespace create --namespace ${ns}`))) p.push(`register-search-attributes.sh does not create the namespace ${ns}`);
  }

  // the workflow bundle the lifecycle service is pointed at is the one the image builds
  if (lc.CUSTODIAN_WORKFLOW_BUNDLE && !f.dockerfile.includes(`bundle-workflows.ts ${lc.CUSTODIAN_WORKFLOW_BUNDLE}`)) p.push(`lifecycle: CUSTODIAN_WORKFLOW_BUNDLE=${lc.CUSTODIAN_WORKFLOW_BUNDLE} is not the bundle infra/Dockerfile writes`);
  return p;
}

/** the lifecycle's bindings file: mounted, valid, binding every declared store; returns the env vars its headers read */
function bindingEnvRefs(f: InfraFiles, env: Record<string, string>, p: string[]): string[] {
  const target = env.CUSTODIAN_CONNECTORS;
  const lifecycle = f.compose.services.lifecycle!;
  const mount = (lifecycle.volumes ?? []).map((v) => v.split(':')).find(([, t]) => t === target);
  if (!target || !mount) {
    p.push(`lifecycle: CUSTODIAN_CONNECTORS=${target} is not a file mounted into the container`);
    return [];
  }
  const source = mount[0]!.replace(/^\.\//, '');
  const doc = f.bindings[source];
  if (doc === undefined) {
    p.push(`lifecycle: the bindings file infra/${source} does not exist`);
    return [];
  }
  let bindings;
  try {
    bindings = parseConnectorBindings(doc, `infra/${source}`);
  } catch (e) {
    p.push((e as Error).message);
    return [];
  }
  for (const { pack } of loadPolicyPacks()) {
    // command stores are bound by the lifecycle service itself, to the erasure-command topic
    for (const s of pack.stores) if (s.kind !== 'command' && !bindings.some((b) => b.controller === pack.id && b.store === s.id)) p.push(`infra/${source}: ${pack.id}'s store ${s.id} is not bound (its deletions would fail)`);
  }
  const volumeTargets = (lifecycle.volumes ?? []).map((v) => v.split(':')[1]!);
  for (const b of bindings) if (b.kind === 'files' && !volumeTargets.some((t) => b.root.startsWith(`${t}/`))) p.push(`infra/${source}: files root ${b.root} is not in a mounted volume`);
  const refs = new Set<string>();
  for (const b of bindings) if (b.kind === 'http') for (const v of Object.values(b.headers ?? {})) for (const m of v.matchAll(/\$\{env:([^}]*)\}/g)) refs.add(m[1]!);
  for (const r of refs) if (!(r in env) || env[r] === '') p.push(`lifecycle: the connector bindings read \${env:${r}}, which is not set`);
  return [...refs];
}

