/**
 * `custodian`: the operator's command line. It talks only to the HTTP API (never to a runtime's
 * files), so it works the same against the embedded demo and a distributed deployment.
 */
import { HOLD_REASONS } from '@custodian/contracts';
import { RIGHTS, type RequestStatus } from '@custodian/workflows';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ApiClient, ApiError } from './client';
import {
  auditCommand,
  auditVerifyCommand,
  clockAdvanceCommand,
  clockCommand,
  dlqListCommand,
  dlqReprocessCommand,
  dlqShowCommand,
  holdsListCommand,
  holdsPlaceCommand,
  holdsReviewCommand,
  holdsShowCommand,
  recordCommand,
  requestsConfirmIdentityCommand,
  requestsExtendCommand,
  requestsListCommand,
  requestsNewCommand,
  requestsPauseCommand,
  requestsResumeCommand,
  requestsShowCommand,
  type NewRequestOptions,
  type PlaceHoldOptions,
  subjectCommand,
  sweepCommand,
  processesCommand,
  replayCommand,
} from './commands';
import { EXIT, processIo, type Ctx, type Io } from './io';
import { publish } from './publish';
import { DEFAULT_TOKEN_FILE, DEFAULT_URL, resolveToken } from './tokens';

const REQUEST_STATUSES: readonly RequestStatus[] = ['awaiting-identity', 'open', 'in-progress', 'completed', 'withdrawn'];

function wholeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    const details = Array.isArray(e.details)
      ? e.details.map((d: { path?: unknown; message?: unknown }) => `\n  ${String(d.path)}: ${String(d.message)}`).join('')
      : '';
    return `${e.message} (HTTP ${e.status} ${e.error})${details}`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Runs the CLI on user arguments (without node and script) and returns the exit code. */
export async function run(args: string[], io: Io = processIo()): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('custodian')
    .description('Operate a Custodian platform through its HTTP API.')
    .option('--url <url>', 'API base URL (env CUSTODIAN_URL)', io.env.CUSTODIAN_URL ?? DEFAULT_URL)
    .option('--token <token>', `API token (env CUSTODIAN_TOKEN; else from CUSTODIAN_TOKEN_FILE or ${DEFAULT_TOKEN_FILE})`)
    .option('--json', 'print the raw JSON the API returned')
    .addHelpText('after', '\nExit codes: 0 done; 1 done but found a problem (rejected events, broken audit chain); 2 could not run.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  /** a command's context; `prefer` are the roles whose demo token suits it, best first */
  const ctx = (cmd: Command, prefer: readonly string[]): Ctx => {
    const g = cmd.optsWithGlobals<{ url: string; token?: string; json?: boolean }>();
    const token = resolveToken({ flag: g.token, env: io.env, cwd: io.cwd }, prefer);
    return { api: new ApiClient(g.url, token), io, json: !!g.json };
  };

  program
    .command('publish')
    .description('publish a JSONL file of events in batches of 500; exit 1 if any was rejected')
    .argument('<file>', 'one event envelope per line')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      code = await publish(ctx(cmd, ['service']), file);
    });

  program
    .command('record')
    .description('show a record and why it is (or is not) being deleted')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      code = await recordCommand(ctx(cmd, ['dpo', 'auditor']), id);
    });

  program
    .command('subject')
    .description("list a data subject's records")
    .argument('<ref>', 'pseudonymous subject reference')
    .action(async (ref: string, _o: unknown, cmd: Command) => {
      code = await subjectCommand(ctx(cmd, ['dpo', 'auditor']), ref);
    });

  const dlq = program.command('dlq').description('the dead-letter queue');
  dlq
    .command('list')
    .description('list dead letters, oldest first')
    .addOption(new Option('--status <status>', 'only open or reprocessed').choices(['open', 'reprocessed']))
    .option('--limit <n>', 'how many', wholeNumber)
    .option('--after <id>', 'continue after this dead letter id')
    .action(async (o: { status?: string; limit?: number; after?: string }, cmd: Command) => {
      code = await dlqListCommand(ctx(cmd, ['operator', 'dpo']), o);
    });
  dlq
    .command('show')
    .description('show a dead letter: reasons and the original event')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      code = await dlqShowCommand(ctx(cmd, ['operator', 'dpo']), id);
    });
  dlq
    .command('reprocess')
    .description('re-ingest a dead letter, with a corrected event if given; exit 1 if still rejected')
    .argument('<id>')
    .option('--file <corrected.json>', 'the corrected event envelope')
    .action(async (id: string, o: { file?: string }, cmd: Command) => {
      code = await dlqReprocessCommand(ctx(cmd, ['operator']), id, o);
    });

  const holds = program.command('holds').description('legal holds: keep what they cover past retention until released');
  holds
    .command('list')
    .description('list legal holds, newest first, with where each review stands')
    .addOption(new Option('--status <status>', 'only active or released').choices(['active', 'released']))
    .option('--controller <id>', "only this council's holds")
    .option('--limit <n>', 'how many', wholeNumber)
    .action(async (o: { status?: string; controller?: string; limit?: number }, cmd: Command) => {
      code = await holdsListCommand(ctx(cmd, ['dpo', 'operator', 'auditor']), o);
    });
  holds
    .command('show')
    .description('show a legal hold with its reviews')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      code = await holdsShowCommand(ctx(cmd, ['dpo', 'operator', 'auditor']), id);
    });
  holds
    .command('place')
    .description('place a legal hold on one scope: a record, a subject, a council case, or a category within a date range')
    .requiredOption('--controller <id>', 'the council the hold is for')
    .addOption(new Option('--reason <reason>', 'why the data is kept').choices(HOLD_REASONS).makeOptionMandatory())
    .requiredOption('--review-every <duration>', 'ISO 8601 review interval, e.g. P30D')
    .option('--reference <ref>', "the council's own reference (complaint number, crime reference); not personal data")
    .option('--record <recordId>', 'scope: one record (rec_…)')
    .option('--subject <subjectRef>', 'scope: every record of a subject (subj_…)')
    .option('--case <caseRef>', 'scope: a council case and the recordings linked to it')
    .option('--category <category>', 'scope: every record of a category begun in [--from, --to)')
    .option('--from <iso>', 'with --category: start of the range (inclusive)')
    .option('--to <iso>', 'with --category: end of the range (exclusive)')
    .action(async (o: PlaceHoldOptions, cmd: Command) => {
      code = await holdsPlaceCommand(ctx(cmd, ['dpo']), o);
    });
  holds
    .command('review')
    .description('review a legal hold: keep it (next review moves on) or release it')
    .argument('<id>')
    .option('--keep', 'the hold is still needed')
    .option('--release', 'the hold is no longer needed: what no other hold covers is disposed at the next sweep')
    .requiredOption('--note <text>', 'what the reviewer considered, in words that name no one')
    .action(async (id: string, o: { keep?: boolean; release?: boolean; note: string }, cmd: Command) => {
      code = await holdsReviewCommand(ctx(cmd, ['dpo']), id, o);
    });

  const requests = program.command('requests').description('subject-rights requests: each with its statutory clock (one month, paused while waiting, extendable)');
  requests
    .command('list')
    .description('list subject-rights requests, newest first, with their due date and where each clock stands')
    .addOption(new Option('--status <status>', 'only requests in this state').choices(REQUEST_STATUSES))
    .option('--controller <id>', "only this council's requests")
    .option('--subject <subjectRef>', "only this subject's requests (subj_…)")
    .option('--limit <n>', 'how many', wholeNumber)
    .action(async (o: { status?: string; controller?: string; subject?: string; limit?: number }, cmd: Command) => {
      code = await requestsListCommand(ctx(cmd, ['dpo', 'auditor']), o);
    });
  requests
    .command('show')
    .description('show a request: its clock and why, its history, and (erasure) the decisions and the certificate')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      code = await requestsShowCommand(ctx(cmd, ['dpo', 'auditor']), id);
    });
  requests
    .command('new')
    .description('log a subject-rights request for a person named by --subject or by identifiers; an erasure with identity verified is decided and begun at once')
    .requiredOption('--controller <id>', 'the council the request was made to')
    .addOption(new Option('--kind <right>', 'the right exercised').choices(RIGHTS).makeOptionMandatory())
    .option('--subject <subjectRef>', 'the person: the pseudonymous subject reference (subj_…)')
    .option('--email <address>', 'or identifiers as the council knows the person: email address')
    .option('--phone <number>', 'phone number')
    .option('--name <name>', 'full name')
    .option('--dob <yyyy-mm-dd>', 'date of birth')
    .option('--postcode <postcode>', 'postcode')
    .option('--received-at <iso>', 'when the council received it (default now): the clock counts from that day')
    .option('--identity-verified', "the person's identity is already confirmed; without it the clock stands still until confirm-identity")
    .action(async (o: NewRequestOptions, cmd: Command) => {
      code = await requestsNewCommand(ctx(cmd, ['dpo']), o);
    });
  requests
    .command('confirm-identity')
    .description("confirm the person's identity: the clock runs again (an erasure is decided and begun)")
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      code = await requestsConfirmIdentityCommand(ctx(cmd, ['dpo']), id);
    });
  requests
    .command('pause')
    .description('stop the clock while waiting for the person')
    .argument('<id>')
    .addOption(new Option('--reason <reason>', 'what the council is waiting for').choices(['identity', 'clarification', 'fee']).makeOptionMandatory())
    .action(async (id: string, o: { reason: string }, cmd: Command) => {
      code = await requestsPauseCommand(ctx(cmd, ['dpo']), id, o);
    });
  requests
    .command('resume')
    .description('run the clock again: the answer came')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      code = await requestsResumeCommand(ctx(cmd, ['dpo']), id);
    });
  requests
    .command('extend')
    .description('extend the deadline of a complex request by one or two months (only within the first month)')
    .argument('<id>')
    .addOption(new Option('--months <n>', 'how many months').choices(['1', '2']).makeOptionMandatory())
    .requiredOption('--reason <text>', 'why, as the person is told it; name no one')
    .action(async (id: string, o: { months: string; reason: string }, cmd: Command) => {
      code = await requestsExtendCommand(ctx(cmd, ['dpo']), id, o);
    });

  const audit = program
    .command('audit')
    .description('list audit entries (see also: audit verify)')
    .option('--after <seq>', 'entries after this sequence number', wholeNumber)
    .option('--limit <n>', 'how many', wholeNumber)
    .option('--target <id>', 'only entries about this record, subject, event or dead letter')
    .action(async (o: { after?: number; limit?: number; target?: string }, cmd: Command) => {
      code = await auditCommand(ctx(cmd, ['dpo', 'auditor']), o);
    });
  audit
    .command('verify')
    .description('re-compute the hash chain; exit 1 if it is broken')
    .action(async (_o: unknown, cmd: Command) => {
      code = await auditVerifyCommand(ctx(cmd, ['auditor', 'dpo']));
    });

  const clock = program
    .command('clock')
    .description('show platform time (see also: clock advance)')
    .action(async (_o: unknown, cmd: Command) => {
      code = await clockCommand(ctx(cmd, ['operator', 'dpo', 'auditor']));
    });
  clock
    .command('advance')
    .description('move a simulated clock forward and sweep')
    .argument('<duration>', 'ISO 8601 duration, e.g. P40D or P7Y')
    .action(async (by: string, _o: unknown, cmd: Command) => {
      code = await clockAdvanceCommand(ctx(cmd, ['operator', 'dpo']), by);
    });

  program
    .command('replay')
    .description('re-read the event log into the registry (idempotent)')
    .option('--from-offset <n>', 'log offset to start at (1 = the beginning)')
    .option('--from-time <iso>', 'start at the first event appended at or after this time')
    .action(async (o: { fromOffset?: string; fromTime?: string }, cmd: Command) => {
      code = await replayCommand(ctx(cmd, ['operator']), { offset: o.fromOffset, time: o.fromTime });
    });

  program
    .command('sweep')
    .description('dispose of what is due now')
    .action(async (_o: unknown, cmd: Command) => {
      code = await sweepCommand(ctx(cmd, ['operator']));
    });

  program
    .command('processes')
    .description('retention sweeps (and, in the distributed runtime, other Temporal workflows), newest first')
    .option('--kind <kind>', 'only this kind, e.g. retention-sweep')
    .option('--limit <n>', 'how many', '20')
    .action(async (o: { kind?: string; limit?: string }, cmd: Command) => {
      code = await processesCommand(ctx(cmd, ['dpo', 'operator', 'auditor']), o);
    });

  try {
    await program.parseAsync(args, { from: 'user' });
    return code;
  } catch (e) {
    // commander has already printed its own usage errors; help and version exit 0
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.failed;
    io.err(`custodian: ${describeError(e)}\n`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((c) => {
    process.exitCode = c;
  });
}
