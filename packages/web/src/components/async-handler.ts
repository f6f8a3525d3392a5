// React ignores what an event handler or a callback prop returns, so the rejection of an async one would go
// nowhere but the console's "unhandled rejection". The handlers show the failures they expect themselves (a form's
// error, a load's retry); this wrapper reports anything they let through.

/** An async function as an event handler or a `() => void` callback: started, not awaited, a rejection logged. */
export function asyncHandler<A extends unknown[]>(
  run: (...args: A) => Promise<unknown>,
): (...args: A) => void {
  return (...args) => {
    run(...args).catch((error: unknown) => console.error('peergov: an action failed unexpectedly', error));
  };
}
