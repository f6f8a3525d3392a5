// Its own module, without dependencies, so that the web app can show the same limits its forms are checked against.

/** Limits on free text, in characters. The server's schemas use the same numbers. */
export const LIMITS = {
  name: 120,
  title: 200,
  purpose: 2_000,
  charter: 50_000,
  body: 20_000,
  reason: 2_000,
  comment: 10_000,
  statement: 2_000,
  displayName: 80,
  id: 64,
} as const;
