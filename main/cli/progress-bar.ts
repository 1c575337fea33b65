// The progress bar on stderr: redrawn in place on a terminal; on a pipe (CI logs) one line per tenth of the batch.
export interface ProgressStream {
  write(text: string): boolean;
  isTTY?: boolean;
}

const WIDTH = 30;

export class ProgressBar {
  private lastTenth = -1;
  private drawn = false;

  constructor(private readonly stream: ProgressStream) {}

  update(done: number, total: number): void {
    if (total <= 0) return;
    const fraction = Math.min(1, done / total);
    const text = `[${'#'.repeat(Math.round(fraction * WIDTH)).padEnd(WIDTH, ' ')}] ${done}/${total} jobs`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${text}`);
      this.drawn = true;
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth === this.lastTenth) return;
    this.lastTenth = tenth;
    this.stream.write(`${text}\n`);
  }

  /** Ends the line the bar is drawn on, so that a message printed next starts on its own line. */
  interrupt(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
