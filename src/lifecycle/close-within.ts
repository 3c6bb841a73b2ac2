/**
 * A graceful close with a deadline: resolves true once `close` reports done,
 * false if `timeoutMs` passed first, after `force` cut whatever was left.
 */
export function closeWithin(timeoutMs: number, close: (done: () => void) => void, force: () => void): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      force();
      resolve(false);
    }, timeoutMs);
    timer.unref();
    close(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
