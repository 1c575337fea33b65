// `artlab` (also `npm run cli -- …`): the headless Studio. `artlab run` queues a batch and downloads its outputs.
// (The simulator is a development tool, started with `npm run sim`; the published CLI does not carry it.)
import { isArtlabError } from '../errors';
import { redact } from '../log/redact';
import { readPromptsFile } from './cli-files';
import { INTERRUPTED_EXIT, runCommand } from './run-command';
import { parseRunFlags, RUN_USAGE, UsageError } from './run-flags';

const USAGE = `Usage: artlab <command> [options]

  run <workflow> --url <service url> …   queue a batch and download its outputs (artlab run --help)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'run' || rest.includes('--help') || rest.includes('-h')) {
    const help = command === 'run' ? RUN_USAGE : USAGE;
    const asked = command === undefined || command === 'help' || rest.includes('--help') || rest.includes('-h');
    (asked ? process.stdout : process.stderr).write(help);
    return asked ? 0 : 2;
  }
  const flags = parseRunFlags(rest, process.env, readPromptsFile);
  // The first Ctrl+C (or SIGTERM) winds the run down: say what is left on the service, cancel or keep it. The
  // second leaves at once; the 'exit' hook still removes a throw-away data folder.
  const controller = new AbortController();
  const stop = (): void => {
    if (!controller.signal.aborted) {
      controller.abort();
      return;
    }
    process.stderr.write('artlab: stopped at once.\n');
    process.exit(INTERRUPTED_EXIT);
  };
  // The CLI owns these signals: `atomically` (under the settings store) hooks them at import and re-raises the signal
  // after its cleanup, which would end the run before its jobs are cancelled. Its cleanup also runs on 'exit'.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, stop);
  }
  // Everything the run prints passes redact(): job errors quote services, and a service may echo a token back.
  const stderr = { write: (text: string) => process.stderr.write(redact(text)), isTTY: process.stderr.isTTY };
  return runCommand(flags, { stdout: (line) => process.stdout.write(`${redact(line)}\n`), stderr }, controller.signal);
}

// Node runs no 'exit' listener after an uncaught error: end through process.exit so that the throw-away data folder
// (secret.key, the sealed token) is removed on this way out too.
const crash = (error: unknown): void => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`artlab: an unexpected error ended the run: ${redact(message)}\n`);
  process.exit(1);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError;
    // A refused workflow (UI format) or a bad setting is the caller's to fix: exit 2, like a bad flag.
    const callerFault =
      usage || (isArtlabError(error) && ['validation', 'bad_request', 'not_found'].includes(error.kind));
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`artlab: ${redact(message)}\n${usage ? '\n' + RUN_USAGE : ''}`);
    process.exitCode = callerFault ? 2 : 1;
  },
);
