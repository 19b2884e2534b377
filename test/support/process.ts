import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const MAIN = resolve(__dirname, '../../services/embedded/src/main.ts');

export interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** Starts the embedded service as its own process (as an operator would) and waits until it listens. */
export function startService(env: Record<string, string>, timeoutMs = 60_000): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`service did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /custodian listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ child, url: m[1]!, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`service exited (${code}) before listening: ${stderr}`));
    });
  });
}

export function runOnce(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? res(out.trim()) : rej(new Error(`exit ${code}: ${err}`))));
  });
}
