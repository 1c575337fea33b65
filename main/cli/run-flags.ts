// `artlab run` flags: parsed strictly, and every problem is a UsageError (exit 2) that names the flag. Secrets are
// never flags — a token on the command line shows in `ps` — only the names of environment variables that hold them.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MAX_POOL_MEMBERS, type BatchSpecInput } from '../../preload/schemas/jobs';
import { detectEdition } from '../services/service-url';
import { UsageError } from './run-usage';

export { UsageError };

/** How long a run may go without any job or image moving before it gives up, by default (seconds). */
export const DEFAULT_STALL_TIMEOUT_SEC = 600;

export const RUN_USAGE = `Usage: artlab run <workflow.json|image.png|starter> --url <service url> [options]

  --url URL                   the service; repeat it to spread the batch over several services (a pool): the
                              service flags below apply to the --url before them (before the first --url: to all)
  --edition queue|exclusive   the service edition (inferred from the URL when omitted)
  --token-env VAR             read the service token from environment variable VAR (default ARTLAB_TOKEN if set)
  --prompts FILE              one prompt per line (blank lines skipped); {a|b} alternatives and __name__
                              wildcards expand (see --variations, --wildcards)
  --variations combinatorial|random|off
                              every combination of the alternatives (default), one drawn per job, or none
  --wildcards DIR             where __name__ reads name.txt (default: the data folder's wildcards/)
  --negative TEXT             the negative prompt for every job
  --seeds N|a,b,c             N: seeds N, N+1, …; a,b,c: run every prompt with each seed (default: random;
                              a workflow without a seed input runs as it is)
  --seed-input <node>.<input>|none
                              which input takes the seeds when the workflow has several (default: every one)
  --count N                   jobs per prompt (and seed), default 1
  --set <node>.<input>=<value>  set a parameter (repeatable); --set 3.seed=42 fixes that seed
  --image <node>[.<input>]=<file|folder>
                              an input image for a LoadImage node (input "image" unless named), sent to the
                              service once per content (API edition: into its --oss mount's input/); a folder
                              runs every image in it
  --concurrency N             jobs sent to the service at once
  --out DIR                   where outputs are saved (default ./artlab-output)
  --oss oss://bucket/prefix   the service's OSS output mount (queue edition outputs come from there)
  --oss-endpoint URL --oss-region R --oss-key-id-env VAR --oss-secret-env VAR
                              (--edition, --token-env and the --oss flags are service flags)
  --data-dir DIR              keep the job ledger here: the same command run again resumes its batch and fetches
                              what is missing (default: a temporary folder, removed at the end)
  --stall-timeout SECONDS     give up when no job or image has moved for this long (default ${DEFAULT_STALL_TIMEOUT_SEC})
  --json                      JSON events on stdout, one object per line with a "type": each finished job, each
                              retry and pause, then the summary

Outputs are never overwritten: a name already taken in --out gets " (2)", " (3)"…
Ctrl+C cancels what is still on the service (with --data-dir it stays, to resume); a second Ctrl+C exits at once.
`;

/** One service of a run: the flags that follow its `--url`. */
export interface ServiceFlags {
  url: string;
  edition: 'queue' | 'exclusive';
  token?: string;
  oss?: { location: string; endpoint?: string; region?: string; accessKeyId: string; accessKeySecret: string };
}

export interface RunFlags {
  source: string;
  /** One service, or the members of a pool (the batch goes to whichever has room). */
  services: [ServiceFlags, ...ServiceFlags[]];
  spec: BatchSpecInput;
  concurrency?: number;
  out: string;
  dataDir?: string;
  /** Where `__name__` in a prompt reads `name.txt`; the data folder's `wildcards/` when omitted. */
  wildcardsDir?: string;
  json: boolean;
  /** Milliseconds without progress before the run ends. */
  stallTimeoutMs: number;
  /** `--image`: the input (`<node>.<input>`) and the file or folder whose images it takes. */
  images?: { parameter: string; path: string }[];
}

const positiveInt = (flag: string) =>
  z.coerce
    .number({ error: `${flag} must be a whole number` })
    .int(`${flag} must be a whole number`)
    .min(1);

function env(name: string | undefined, flag: string, environment: NodeJS.ProcessEnv): string | undefined {
  if (name === undefined) return undefined;
  const value = environment[name];
  if (value === undefined || value.trim() === '') {
    throw new UsageError(`${flag} names the environment variable ${name}, which is not set.`);
  }
  return value.trim();
}

/** `<node>.<input>=<value>`: numbers and true/false become values of their type, anything else stays text. */
function parseSet(entry: string): [string, string | number | boolean] {
  const eq = entry.indexOf('=');
  const key = eq > 0 ? entry.slice(0, eq) : '';
  if (!/^[^.=\s]+\.[^=\s]+$/.test(key)) {
    throw new UsageError(`--set ${entry}: write it as <node>.<input>=<value>, e.g. --set 3.steps=30.`);
  }
  const text = entry.slice(eq + 1);
  if (text === 'true' || text === 'false') return [key, text === 'true'];
  const number = Number(text);
  if (text.trim() !== '' && Number.isFinite(number) && (!Number.isInteger(number) || Number.isSafeInteger(number))) {
    return [key, number];
  }
  return [key, text];
}

/** `<node>[.<input>]=<path>`: the input defaults to LoadImage's `image`. */
function parseImage(entry: string): { parameter: string; path: string } {
  const eq = entry.indexOf('=');
  const key = eq > 0 ? entry.slice(0, eq) : '';
  const path = entry.slice(eq + 1);
  if (!/^[^.=\s]+(\.[^=\s]+)?$/.test(key) || path.trim() === '') {
    throw new UsageError(`--image ${entry}: write it as <node>=<file or folder>, e.g. --image 10=photo.png.`);
  }
  return { parameter: key.includes('.') ? key : `${key}.image`, path };
}

function parseSeeds(text: string): NonNullable<BatchSpecInput['seeds']> {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^\d+$/.test(part))) {
    throw new UsageError(`--seeds ${text}: give a starting seed (--seeds 42) or a list (--seeds 1,2,3).`);
  }
  const [first = '0'] = parts;
  return parts.length === 1 ? { mode: 'increment', start: first } : { mode: 'list', values: parts };
}

function parseSeedInput(text: string): string[] {
  if (text === 'none') return [];
  if (!/^[^.=\s]+\.[^=\s]+$/.test(text)) {
    throw new UsageError(`--seed-input ${text}: write it as <node>.<input> (e.g. --seed-input 3.seed) or "none".`);
  }
  return [text];
}

export function parseRunFlags(
  argv: string[],
  environment: NodeJS.ProcessEnv,
  readPrompts: (file: string) => string,
): RunFlags {
  refuseSecretFlags(argv);
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true; tokens: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals, tokens } = parsed;
  if (positionals.length !== 1 || positionals[0] === undefined) {
    throw new UsageError('Give exactly one workflow: a ComfyUI API-format .json, a ComfyUI .png, or "starter".');
  }
  const [first, ...others] = serviceSegments(tokens).map((segment) => serviceFlags(segment, environment));
  if (!first) throw new UsageError('--url is required: the service URL from the console.');
  if (others.length + 1 > MAX_POOL_MEMBERS) {
    throw new UsageError(
      `--url is given ${others.length + 1} times: a batch can use at most ${MAX_POOL_MEMBERS} services.`,
    );
  }
  const spec: BatchSpecInput = { seeds: values.seeds ? parseSeeds(values.seeds) : { mode: 'random' } };
  if (values.count !== undefined) spec.countPerPrompt = checked(positiveInt('--count'), values.count);
  if (values.negative !== undefined) spec.negative = values.negative;
  if (values.prompts !== undefined) {
    let text: string;
    try {
      text = readPrompts(values.prompts);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--prompts ${values.prompts}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const prompts = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    if (prompts.length === 0) throw new UsageError(`--prompts ${values.prompts}: the file has no prompt.`);
    spec.prompts = prompts;
  }
  if (values.set) spec.set = Object.fromEntries(values.set.map(parseSet));
  if (values['seed-input'] !== undefined) spec.targets = { seed: parseSeedInput(values['seed-input']) };
  if (values.variations !== undefined) {
    const mode = values.variations;
    if (mode !== 'combinatorial' && mode !== 'random' && mode !== 'off') {
      throw new UsageError(`--variations must be "combinatorial", "random" or "off", not "${mode}".`);
    }
    spec.dynamicPrompts = mode;
  }

  const flags: RunFlags = {
    source: positionals[0],
    services: [first, ...others],
    spec,
    out: values.out ?? 'artlab-output',
    json: values.json ?? false,
    stallTimeoutMs:
      (values['stall-timeout'] === undefined
        ? DEFAULT_STALL_TIMEOUT_SEC
        : checked(positiveInt('--stall-timeout'), values['stall-timeout'])) * 1000,
  };
  if (values.wildcards !== undefined) flags.wildcardsDir = values.wildcards;
  if (values.concurrency !== undefined) flags.concurrency = checked(positiveInt('--concurrency'), values.concurrency);
  if (values['data-dir']) flags.dataDir = values['data-dir'];
  if (values.image) flags.images = values.image.map(parseImage);
  return flags;
}

/** The flags that belong to a service: each applies to the `--url` before it (before the first `--url`: to all). */
const SERVICE_FLAGS = ['edition', 'token-env', 'oss', 'oss-endpoint', 'oss-region', 'oss-key-id-env', 'oss-secret-env'];

type Segment = { url: string | undefined; values: Map<string, string> };

/** Splits the options at each `--url`: the defaults before the first, then one segment per service. */
function serviceSegments(tokens: { kind: string; name?: string; value?: string | undefined }[]): Segment[] {
  const defaults = new Map<string, string>();
  const segments: Segment[] = [];
  let current: { segment: Segment; own: Set<string> } | undefined;
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    if (token.name === 'url') {
      current = { segment: { url: token.value ?? '', values: new Map(defaults) }, own: new Set() };
      segments.push(current.segment);
      continue;
    }
    if (!SERVICE_FLAGS.includes(token.name)) continue;
    if (!current) {
      defaults.set(token.name, token.value ?? '');
      continue;
    }
    if (current.own.has(token.name)) {
      throw new UsageError(`--${token.name} is given twice for the service ${current.segment.url ?? ''}.`);
    }
    current.own.add(token.name);
    current.segment.values.set(token.name, token.value ?? '');
  }
  return segments;
}

function serviceFlags(segment: Segment, environment: NodeJS.ProcessEnv): ServiceFlags {
  const { values } = segment;
  const url = segment.url ?? '';
  if (url.trim() === '') throw new UsageError('--url is empty: give the service URL from the console.');
  const edition = values.get('edition') ?? detectEdition(url);
  if (edition !== 'queue' && edition !== 'exclusive') {
    throw new UsageError(`--edition must be "queue" or "exclusive" (the URL ${url} does not say which).`);
  }
  const service: ServiceFlags = { url, edition };
  const token = env(
    values.get('token-env') ?? (environment.ARTLAB_TOKEN ? 'ARTLAB_TOKEN' : undefined),
    '--token-env',
    environment,
  );
  if (token) service.token = token;
  const location = values.get('oss');
  if (location !== undefined) {
    const accessKeyId = env(values.get('oss-key-id-env'), '--oss-key-id-env', environment);
    const accessKeySecret = env(values.get('oss-secret-env'), '--oss-secret-env', environment);
    if (!accessKeyId || !accessKeySecret) {
      throw new UsageError('--oss needs --oss-key-id-env and --oss-secret-env: the variables holding the AccessKey.');
    }
    const endpoint = values.get('oss-endpoint');
    const region = values.get('oss-region');
    if (!endpoint && !region) throw new UsageError('--oss needs --oss-region (e.g. cn-shanghai) or --oss-endpoint.');
    service.oss = {
      location,
      accessKeyId,
      accessKeySecret,
      ...(endpoint ? { endpoint } : {}),
      ...(region ? { region } : {}),
    };
  }
  return service;
}

/** Secrets on the command line show in `ps` and shell history: say where they go instead. */
function refuseSecretFlags(argv: string[]): void {
  const secretFlags: Record<string, string> = {
    '--token': '--token-env VAR (the name of an environment variable holding the token)',
    '--oss-secret': '--oss-secret-env VAR',
    '--oss-key-id': '--oss-key-id-env VAR',
  };
  for (const arg of argv) {
    if (arg === '--') return;
    const flag = arg.split('=', 1)[0] ?? arg;
    const instead = secretFlags[flag];
    if (instead) {
      throw new UsageError(
        `${flag} is not accepted: a secret on the command line shows in the process list. Use ${instead}.`,
      );
    }
  }
}

function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(result.error.issues[0]?.message ?? 'invalid value');
  return result.data;
}

// Service flags are `multiple`: each `--url` may have its own; serviceSegments() reads them in order.
const OPTIONS = {
  url: { type: 'string', multiple: true },
  edition: { type: 'string', multiple: true },
  'token-env': { type: 'string', multiple: true },
  prompts: { type: 'string' },
  negative: { type: 'string' },
  seeds: { type: 'string' },
  'seed-input': { type: 'string' },
  count: { type: 'string' },
  set: { type: 'string', multiple: true },
  image: { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  out: { type: 'string' },
  oss: { type: 'string', multiple: true },
  'oss-endpoint': { type: 'string', multiple: true },
  'oss-region': { type: 'string', multiple: true },
  'oss-key-id-env': { type: 'string', multiple: true },
  'oss-secret-env': { type: 'string', multiple: true },
  'data-dir': { type: 'string' },
  variations: { type: 'string' },
  wildcards: { type: 'string' },
  'stall-timeout': { type: 'string' },
  json: { type: 'boolean' },
} as const;
