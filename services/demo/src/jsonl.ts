import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A JSONL file that cannot be read, with the 1-based line so a person can open the file at the fault. */
export class JsonlError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${path}:${line}: ${reason}`);
    this.name = 'JsonlError';
  }
}

/** One JSON value per line, newline-terminated, so the file can be appended to and streamed line by line. */
export function writeJsonl(path: string, events: Iterable<unknown>): number {
  let text = '';
  let count = 0;
  for (const e of events) {
    // undefined would serialise to nothing and silently shift every later line number
    if (e === undefined) throw new TypeError(`event ${count} is undefined and cannot be written as JSON`);
    text += `${JSON.stringify(e)}\n`;
    count++;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, 'utf8');
  return count;
}

/** Parses every non-blank line; the first malformed one stops the read with its line number. */
export function readJsonl(path: string): unknown[] {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const out: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch (err) {
      throw new JsonlError(path, i + 1, `invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}
