import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// Where the shared fixtures may be: the environment's choice, beside the checkout, or the workplace's shared folder.
const candidates = [
  process.env.PEERGOV_FIXTURES,
  resolve(here, '../../../../shared/fixtures'),
  '/work/shared/fixtures',
].filter((p): p is string => !!p);

/** The shared conformance fixtures: PEERGOV_FIXTURES, else ../shared/fixtures beside the checkout. Never skipped. */
export const fixturesDir: string = candidates.find((p) => existsSync(p)) ?? candidates[0]!;

/** A path inside the fixtures; throws loudly when the fixtures are not where they should be. */
export function fixture(...parts: string[]): string {
  if (!existsSync(fixturesDir)) {
    throw new Error(
      `conformance fixtures not found (looked in ${candidates.join(', ')}): set PEERGOV_FIXTURES to the shared/fixtures folder`,
    );
  }
  return join(fixturesDir, ...parts);
}
