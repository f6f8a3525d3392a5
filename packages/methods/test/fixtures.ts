import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The shared conformance fixtures: PEERGOV_FIXTURES, or ../shared/fixtures beside the checkout. Never skipped. */
export const fixturesDir: string =
  process.env.PEERGOV_FIXTURES ?? resolve(here, '../../../../shared/fixtures');

/** A path inside the fixtures; throws loudly when the fixtures are not where they should be. */
export function fixture(...parts: string[]): string {
  if (!existsSync(fixturesDir)) {
    throw new Error(
      `conformance fixtures not found at ${fixturesDir}: set PEERGOV_FIXTURES to the shared/fixtures folder`,
    );
  }
  return join(fixturesDir, ...parts);
}
