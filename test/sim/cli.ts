// `npm run sim -- [flags]`: runs the simulator until SIGINT/SIGTERM. With --json it prints exactly one line, the
// SimulatorInfo, so a script or test can read where everything is; otherwise a summary for a person. npm itself writes
// its `> pkg@ver sim` banner to stdout, and no per-script setting silences it (a project `.npmrc` with loglevel=silent
// would also hide `npm install` warnings), so scripts run `npm run -s sim -- --json`.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSimulator, type SimulatorInfo, type SimulatorOptions } from './index';

// Free ports unless --port fixes them: a fixed default (ComfyUI's 8188 was one) collides with whatever else a
// developer runs, a local ComfyUI first of all. The ports are printed, in the summary and in --json.
const DEFAULT_PORT = 0;

const SIM_USAGE = `Usage: npm run sim -- [options]

  --port P                   Exclusive on P, the queue on P+2, OSS on P+3, the EAS control API on P+4
                             (default: free ports, printed)
  --json                     print exactly one line of JSON (the call information) instead of a summary;
                             run it as \`npm run -s sim -- --json\` so npm's banner stays off stdout
  --step-ms MS               how long each sampler step takes
  --workers N                API-edition workers (1-64)
  --latency-ms MS            added to every reply
  --fail-rate F              share of requests answered with an error (0-1)
  --rate-limit N             requests per second before 429
  --drop-ws-every N          drop the WebSocket every N messages
  --restart-every S          restart every server every S seconds
  --worker-crash-rate F      share of API-edition tasks whose worker crashes (0-1)
  --redelivery-grace-ms MS   before a crashed worker's task is delivered again
  --seed N                   seed of the simulator's randomness
  --help                     this text
`;

const flagsSchema = z.object({
  'latency-ms': z.coerce.number().int().min(0).optional(),
  'fail-rate': z.coerce.number().min(0).max(1).optional(),
  'rate-limit': z.coerce.number().int().min(0).optional(),
  'drop-ws-every': z.coerce.number().int().min(0).optional(),
  'restart-every': z.coerce.number().min(0).optional(),
  'worker-crash-rate': z.coerce.number().min(0).max(1).optional(),
  'step-ms': z.coerce.number().int().min(0).optional(),
  workers: z.coerce.number().int().min(1).max(64).optional(),
  seed: z.coerce.number().int().optional(),
  'redelivery-grace-ms': z.coerce.number().int().min(0).optional(),
  port: z.coerce.number().int().min(0).max(65531).default(DEFAULT_PORT),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});

const numberFlags = [
  'latency-ms',
  'fail-rate',
  'rate-limit',
  'drop-ws-every',
  'restart-every',
  'worker-crash-rate',
  'step-ms',
  'workers',
  'seed',
  'redelivery-grace-ms',
  'port',
] as const;

function parseFlags(argv: string[]): z.infer<typeof flagsSchema> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(numberFlags.map((name) => [name, { type: 'string' as const }])),
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`);
    throw new Error(problems.join('; '));
  }
  return parsed.data;
}

/** `--port P`: Exclusive on P, the queue on P+2, OSS on P+3, control on P+4; 0 (the default) = free ports. */
function optionsFrom(flags: z.infer<typeof flagsSchema>): Partial<SimulatorOptions> {
  const options: Partial<SimulatorOptions> = {
    exclusivePort: flags.port,
    queuePort: flags.port === 0 ? 0 : flags.port + 2,
    ossPort: flags.port === 0 ? 0 : flags.port + 3,
    controlPort: flags.port === 0 ? 0 : flags.port + 4,
  };
  if (flags['latency-ms'] !== undefined) options.latencyMs = flags['latency-ms'];
  if (flags['fail-rate'] !== undefined) options.failRate = flags['fail-rate'];
  if (flags['rate-limit'] !== undefined) options.rateLimit = flags['rate-limit'];
  if (flags['drop-ws-every'] !== undefined) options.dropWsEvery = flags['drop-ws-every'];
  if (flags['restart-every'] !== undefined) options.restartEverySec = flags['restart-every'];
  if (flags['worker-crash-rate'] !== undefined) options.workerCrashRate = flags['worker-crash-rate'];
  if (flags['step-ms'] !== undefined) options.stepMs = flags['step-ms'];
  if (flags.workers !== undefined) options.workers = flags.workers;
  if (flags.seed !== undefined) options.seed = flags.seed;
  if (flags['redelivery-grace-ms'] !== undefined) options.redeliveryGraceMs = flags['redelivery-grace-ms'];
  return options;
}

function summary(info: SimulatorInfo): string {
  return [
    'ArtLab simulator running on 127.0.0.1 (Ctrl+C to stop)',
    '',
    'Exclusive edition',
    `  URL       ${info.exclusive.url}`,
    `  Token     ${info.exclusive.token}`,
    'API edition',
    `  URL       ${info.queue.url}`,
    `  Token     ${info.queue.token}`,
    `  Endpoint  ${info.queue.endpoint}`,
    `  Service   ${info.queue.service}`,
    'OSS',
    `  Endpoint  ${info.oss.endpoint}`,
    `  Bucket    oss://${info.oss.bucket}/${info.oss.prefix}/ (region ${info.oss.region})`,
    `  AccessKey ${info.oss.accessKeyId} / ${info.oss.accessKeySecret}`,
    'EAS control API (http)',
    `  Endpoint  ${info.control.endpoint} (region ${info.control.region})`,
    `  AccessKey ${info.control.accessKeyId} / ${info.control.accessKeySecret}`,
    `  Services  ${info.control.services.queue} (API edition), ${info.control.services.exclusive} (Exclusive)`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let flags: z.infer<typeof flagsSchema>;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`sim: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(SIM_USAGE);
    return;
  }
  const simulator = await startSimulator(optionsFrom(flags));
  process.stdout.write(flags.json ? `${JSON.stringify(simulator.info)}\n` : summary(simulator.info));
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`sim: closing failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const inUse = (error as { code?: unknown } | null)?.code === 'EADDRINUSE';
  const hint = inUse ? ' (something else listens there; leave --port out to pick free ports)' : '';
  process.stderr.write(`sim: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
  process.exit(1);
});
