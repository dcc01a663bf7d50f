/**
 * Summarizes a V8 CPU profile written by `npm run bench -- --cpu-prof`:
 *
 *   node dist/bench/profile.js bench/results/CPU.<...>.cpuprofile [--from <ms>] [--to <ms>] [--top <n>]
 *
 * Prints self time by package and by function, and total (inclusive) time of the heaviest functions, so that
 * the cost of one library or one call site can be read at a glance. `--from` and `--to` keep only that window
 * of the profile (milliseconds since the server process started): the bench prints each round's window when
 * run with --cpu-prof, so one round (the bot at 50 conversations, say) can be looked at alone.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The npm package (or "app", "node", "(gc)"...) a frame belongs to. */
export function packageOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node';
  const dist = url.indexOf('/dist/');
  return dist >= 0
    ? `app ${url
        .slice(dist + '/dist/'.length)
        .split('/')
        .slice(0, 2)
        .join('/')}`
    : url;
}

function label(frame: CallFrame): string {
  const file = frame.url.split('/').slice(-2).join('/');
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
}

function parseOptions() {
  return parseArgs({
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      top: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function main(): void {
  const usage = 'usage: node dist/bench/profile.js <file.cpuprofile> [--from <ms>] [--to <ms>] [--top <n>]';
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions();
  } catch (error) {
    // An unknown option: say so in one line, not with parseArgs's stack trace.
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return;
  }
  if (positionals.length !== 1) {
    console.error(usage);
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(positionals[0], 'utf8')) as CpuProfile;
  const fromMicros = Number(values.from ?? 0) * 1000;
  const toMicros = values.to === undefined ? Infinity : Number(values.to) * 1000;
  const top = Number(values.top ?? 25);

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfByPackage = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const totalByFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, micros: number) =>
    map.set(key, (map.get(key) ?? 0) + micros);

  let elapsed = 0;
  let counted = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    elapsed += profile.timeDeltas[i];
    if (elapsed < fromMicros || elapsed > toMicros) continue;
    const micros = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]);
    if (!node || micros <= 0) continue;
    counted += micros;
    add(selfByPackage, packageOf(node.callFrame), micros);
    add(selfByFunction, label(node.callFrame), micros);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || !frame.url) continue;
      const key = label(frame);
      if (!seen.has(key)) add(totalByFunction, key, micros);
      seen.add(key);
    }
  }

  const print = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(
        `${((micros / counted) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}`,
      );
    }
  };
  console.log(
    `${(counted / 1000).toFixed(0)} ms of samples between ${fromMicros / 1000} and ${toMicros / 1000} ms`,
  );
  print('Self time by package', selfByPackage);
  print('Self time by function', selfByFunction);
  print('Total (inclusive) time by function', totalByFunction);
}

if (require.main === module) main();
