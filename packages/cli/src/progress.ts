import type { ProgressReporter } from './commands/tally-types';

/** A progress bar on stderr that appears only after `delayMs` and only on a terminal (or when forced). */
export function progressBar(options: { delayMs?: number; force?: boolean } = {}): ProgressReporter & {
  done: () => void;
} {
  const started = Date.now();
  const delay = options.delayMs ?? 1000;
  const show = options.force || process.stderr.isTTY;
  let drawn = false;
  let lastDraw = 0;
  const report = ((done: number, total: number, label = '') => {
    if (!show) return;
    const now = Date.now();
    if (now - started < delay || now - lastDraw < 100) return;
    lastDraw = now;
    drawn = true;
    const width = 30;
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(ratio * width);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${label}`.padEnd(
        70,
      ),
    );
  }) as ProgressReporter & { done: () => void };
  report.done = () => {
    if (drawn) process.stderr.write('\r' + ' '.repeat(70) + '\r');
  };
  return report;
}
