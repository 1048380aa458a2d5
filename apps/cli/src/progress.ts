/** A job's state as the CLI shows it. */
export interface JobState {
  id: string;
  status: string;
  progress: number;
}

const WIDTH = 30;

/**
 * Reports a job's progress on `stream`: a bar redrawn in place on a terminal, else one plain line per change
 * (for logs and pipes). `done` ends the bar's line.
 */
export function progressReporter(stream: NodeJS.WriteStream, label: string) {
  const tty = stream.isTTY === true;
  let last = "";
  return {
    update(job: JobState): void {
      const key = `${job.status} ${job.progress}`;
      if (key === last) return;
      last = key;
      if (!tty) {
        stream.write(`${label} ${job.id}: ${job.status} ${job.progress}%\n`);
        return;
      }
      const filled = Math.round((job.progress / 100) * WIDTH);
      stream.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${String(job.progress).padStart(3)}% ${job.status.padEnd(9)}`);
    },
    done(): void {
      if (tty && last !== "") stream.write("\n");
    },
  };
}
