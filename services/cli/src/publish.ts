/**
 * `custodian publish <file.jsonl>`: streams the file (any size) and posts it in batches. A line
 * that is not JSON is still sent, as the string it is, so it reaches the dead-letter store with a
 * reason like any other bad event: nothing a council system produced is silently dropped.
 */
import { createReadStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { SingleBar } from 'cli-progress';
import type { IngestResult } from '@custodian/core';
import { EXIT, printJson, type Ctx } from './io';

export const BATCH_SIZE = 500;
const MAX_LISTED = 50;
const PROGRESS_EVERY_MS = 2_000;

interface IngestResponse {
  results: IngestResult[];
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface PublishSummary {
  file: string;
  lines: number;
  events: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  invalidJsonLines: number[];
  rejections: Array<{ line: number; eventId: string | null; deadLetterId: string; reasons: Array<{ path: string; message: string }> }>;
}

interface Progress {
  update(bytes: number, s: PublishSummary): void;
  stop(): void;
}

function progressFor(ctx: Ctx, totalBytes: number): Progress {
  if (ctx.io.errIsTTY) {
    const bar = new SingleBar({
      format: 'publishing [{bar}] {percentage}% | {events} events | {accepted} accepted, {duplicates} duplicate, {rejected} rejected',
      hideCursor: true,
      stream: process.stderr,
    });
    bar.start(Math.max(totalBytes, 1), 0, { events: 0, accepted: 0, duplicates: 0, rejected: 0 });
    return {
      update: (bytes, s) => bar.update(bytes, { events: s.events, accepted: s.accepted, duplicates: s.duplicates, rejected: s.rejected }),
      stop: () => bar.stop(),
    };
  }
  let last = Date.now();
  return {
    update: (bytes, s) => {
      if (Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      const pct = totalBytes ? Math.floor((bytes / totalBytes) * 100) : 100;
      ctx.io.err(`publishing: ${pct}% (${s.events} events: ${s.accepted} accepted, ${s.duplicates} duplicate, ${s.rejected} rejected)\n`);
    },
    stop: () => undefined,
  };
}

export async function publish(ctx: Ctx, file: string, opts: { batchSize?: number } = {}): Promise<number> {
  const batchSize = opts.batchSize ?? BATCH_SIZE;
  const totalBytes = statSync(file).size;
  const s: PublishSummary = { file, lines: 0, events: 0, accepted: 0, duplicates: 0, rejected: 0, invalidJsonLines: [], rejections: [] };
  const progress = progressFor(ctx, totalBytes);
  let bytesRead = 0;
  let batch: unknown[] = [];
  let batchLines: number[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const lines = batchLines;
    let res: IngestResponse;
    try {
      res = await ctx.api.post<IngestResponse>('/v1/events', batch);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      // events are deduplicated by eventId, so running the same file again is safe
      throw new Error(`publishing lines ${lines[0]}–${lines.at(-1)} failed: ${why}. Lines before ${lines[0]} were published; re-running the file is safe (duplicates are recognised).`);
    }
    for (const r of res.results) {
      const line = lines[r.index] ?? -1;
      if (r.status === 'accepted') s.accepted += 1;
      else if (r.status === 'duplicate') s.duplicates += 1;
      else {
        s.rejected += 1;
        s.rejections.push({ line, eventId: r.eventId, deadLetterId: r.deadLetterId, reasons: r.reasons });
      }
    }
    s.events += batch.length;
    batch = [];
    batchLines = [];
    progress.update(bytesRead, s);
  };

  const onLine = async (raw: string) => {
    s.lines += 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      s.invalidJsonLines.push(s.lines);
      event = line;
    }
    batch.push(event);
    batchLines.push(s.lines);
    if (batch.length >= batchSize) await flush();
  };

  try {
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for await (const chunk of createReadStream(file)) {
      bytesRead += (chunk as Buffer).length;
      const parts = (rest + decoder.write(chunk as Buffer)).split('\n');
      rest = parts.pop()!;
      for (const p of parts) await onLine(p);
    }
    rest += decoder.end();
    if (rest !== '') await onLine(rest);
    await flush();
  } finally {
    progress.stop();
  }

  if (ctx.json) printJson(ctx, s);
  else report(ctx, s);
  return s.rejected > 0 ? EXIT.problem : EXIT.ok;
}

function report(ctx: Ctx, s: PublishSummary): void {
  const invalid = new Set(s.invalidJsonLines);
  const listed = s.rejections.slice(0, MAX_LISTED);
  for (const r of listed) {
    const what = invalid.has(r.line) ? 'not valid JSON; sent as-is' : (r.reasons.map((x) => `${x.path}: ${x.message}`).join('; ') || 'rejected');
    ctx.io.err(`line ${r.line}: ${what} → dead letter ${r.deadLetterId}\n`);
  }
  if (s.rejections.length > listed.length) ctx.io.err(`… and ${s.rejections.length - listed.length} more rejected; see \`custodian dlq list\`\n`);
  ctx.io.out(`Published ${s.events} events from ${s.file}: ${s.accepted} accepted, ${s.duplicates} duplicate, ${s.rejected} rejected\n`);
  if (s.invalidJsonLines.length) {
    const shown = s.invalidJsonLines.slice(0, MAX_LISTED).join(', ');
    ctx.io.out(`${s.invalidJsonLines.length} line(s) were not valid JSON (line ${shown}${s.invalidJsonLines.length > MAX_LISTED ? ', …' : ''}) and went to the dead-letter queue\n`);
  }
}
