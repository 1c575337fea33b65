// What a run says while it works. People read stderr: a progress bar and one sentence per retry, pause or problem.
// Scripts read stdout with --json: one object per line, each with a `type`, and nothing else on stdout.
import { ProgressBar, type ProgressStream } from './progress-bar';

export interface RunOutput {
  stdout: (line: string) => void;
  stderr: ProgressStream;
}

/** One image of a job that could not be fetched, and why. */
export interface MissingImage {
  filename: string;
  reason: string;
}

export interface JobOutcome {
  job: string;
  state: string;
  /** The files written into --out for this job (absolute paths). */
  files: string[];
  /** Outputs the service reported that are not in --out, with the reason. */
  missing: MissingImage[];
  error: string | null;
}

export interface RunSummary {
  total: number;
  succeeded: number;
  failed: number;
  /** Images the service made that could not be fetched (their jobs count as failed). */
  missingImages: number;
  seconds: number;
  outDir: string;
}

/** A notice for the person (stderr) and, with --json, an event for a script (stdout). */
export type RunEvent =
  | { type: 'retry'; job: string; reason: string }
  | { type: 'connection'; state: string; reason?: string; retryInSeconds?: number }
  | { type: 'paused'; reason: string }
  /** One member of a pool takes no more work; the run goes on with the others. */
  | { type: 'paused'; service: string; reason: string; continuing: true }
  | { type: 'stalled'; seconds: number; reason: string }
  | { type: 'interrupted'; onService: number; notSent: number; action: 'cancel' | 'keep'; message: string }
  | { type: 'duplicate-possible'; job: string }
  | { type: 'notice'; code: string; message: string };

export class RunReporter {
  private readonly bar: ProgressBar;

  constructor(
    private readonly io: RunOutput,
    private readonly json: boolean,
  ) {
    this.bar = new ProgressBar(io.stderr);
  }

  progress(done: number, total: number): void {
    this.bar.update(done, total);
  }

  /** A sentence for the person; with --json also an event for a script. */
  event(event: RunEvent, sentence: string): void {
    this.bar.interrupt();
    this.io.stderr.write(`${sentence}\n`);
    if (this.json) this.io.stdout(JSON.stringify(event));
  }

  /** A sentence for the person; scripts get it with a stable `code`. */
  notice(code: string, message: string): void {
    this.event({ type: 'notice', code, message }, message);
  }

  job(outcome: JobOutcome): void {
    if (this.json) this.io.stdout(JSON.stringify({ type: 'job', ...outcome }));
    if (outcome.missing.length > 0 || (outcome.error !== null && !this.json)) {
      this.bar.interrupt();
      this.io.stderr.write(`Job ${outcome.job} (${outcome.state}): ${outcome.error ?? ''}\n`);
    }
  }

  summary(summary: RunSummary): void {
    this.bar.done();
    const { outDir, ...counts } = summary;
    if (this.json) this.io.stdout(JSON.stringify({ type: 'summary', ...counts }));
    const missing = summary.missingImages > 0 ? `; ${summary.missingImages} image(s) could not be fetched` : '';
    this.io.stderr.write(
      `${summary.succeeded} of ${summary.total} jobs succeeded in ${summary.seconds} s${missing}; outputs in ${outDir}\n`,
    );
    if (summary.missingImages > 0) {
      this.io.stderr.write('Run the same command again with the same --data-dir to fetch what is missing.\n');
    }
  }
}
