/**
 * Summarises a V8 .cpuprofile from a bench run: self and inclusive time per function, limited to the
 * timed windows bench/run.ts wrote (BENCH_PROFILE_WINDOWS), so generation and set-up do not count.
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [windows.json] [window name ...] [--top=25]
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative } from 'node:path';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface Node {
  id: number;
  callFrame: Frame;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const topArg = args.find((a) => a.startsWith('--top='));
const top = topArg ? Number(topArg.slice(6)) : 25;
const profFiles = args.filter((a) => a.endsWith('.cpuprofile'));
const winFile = args.find((a) => a.endsWith('.json'));
const names = args.filter((a) => !a.startsWith('--') && !a.endsWith('.cpuprofile') && !a.endsWith('.json'));
if (!profFiles.length) {
  console.error('usage: profile-summary.ts <file.cpuprofile ...> [windows.json] [window name ...] [--top=25]');
  process.exit(2);
}
type Window = { name: string; startUs: number; endUs: number };
let wanted: Window[] | null = null;
const maps = new Map<string, SourceMap>();
if (winFile) {
  const w = JSON.parse(readFileSync(winFile, 'utf8')) as { windows: Window[]; maps?: Record<string, SourceMap['payload']> };
  wanted = w.windows;
  for (const [file, payload] of Object.entries(w.maps ?? {})) maps.set(file, new SourceMap(payload));
  if (names.length) wanted = wanted.filter((w) => names.includes(w.name));
}
// --cpu-prof writes one profile per thread (tsx adds a loader thread): keep the one the windows fall in
const profiles = profFiles.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Profile);
const prof = wanted ? profiles.find((p) => wanted!.every((w) => w.startUs >= p.startTime && w.endUs <= p.endTime)) : profiles.sort((a, b) => b.samples.length - a.samples.length)[0];
if (!prof) {
  console.error('no profile covers the timed windows');
  process.exit(1);
}
const windows: Window[] = wanted ?? [{ name: 'all', startUs: prof.startTime, endUs: prof.endTime }];

const byId = new Map<number, Node>();
const parent = new Map<number, number>();
for (const n of prof.nodes) byId.set(n.id, n);
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const cwd = process.cwd();
/** "name  file:line", the line mapped back to the .ts source when bench/run.ts saved its source map */
const label = (f: Frame) => {
  const path = f.url.replace(/^file:\/\//, '');
  let line = f.lineNumber + 1;
  const sm = maps.get(path);
  if (sm && f.lineNumber >= 0) {
    const e = sm.findEntry(f.lineNumber, f.columnNumber) as { originalLine?: number };
    if (typeof e.originalLine === 'number') line = e.originalLine + 1;
  }
  const where = path.startsWith('/') ? relative(cwd, path) : path;
  return `${f.functionName || '(anonymous)'}  ${where ? `${where}:${line}` : '(native)'}`;
};

for (const w of windows) {
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  let t = prof.startTime;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i]!;
    if (t < w.startUs || t > w.endUs) continue;
    // the time until the next sample belongs to this one
    const dt = prof.timeDeltas[i + 1] ?? 0;
    total += dt;
    const leaf = byId.get(prof.samples[i]!)!;
    const key = label(leaf.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    const url = leaf.callFrame.url.replace(/^file:\/\//, '');
    const file = url ? (url.startsWith('/') ? relative(cwd, url) : url) : leaf.callFrame.functionName.startsWith('(') ? leaf.callFrame.functionName : '(native)';
    byFile.set(file, (byFile.get(file) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const k = label(byId.get(id)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
  }
  const pct = (x: number) => `${((100 * x) / (total || 1)).toFixed(1).padStart(5)}%`;
  const ms = (x: number) => `${(x / 1000).toFixed(0).padStart(7)} ms`;
  const show = (title: string, m: Map<string, number>, n: number, filter: (k: string) => boolean = () => true) => {
    console.log(`\n  ${title}`);
    for (const [k, v] of [...m.entries()].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${ms(v)} ${pct(v)}  ${k}`);
  };
  console.log(`\n=== window "${w.name}": ${(total / 1e6).toFixed(2)} s sampled`);
  show('self time, by function', self, top);
  show('self time, by file', byFile, 15);
  // inclusive time of the platform's own code (where to look), skipping the event loop's frames
  show('inclusive time, project code only', incl, top, (k) => /\s(services|contracts|workflows)\//.test(k));
}
