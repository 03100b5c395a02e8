import type { FastifyInstance } from 'fastify';

/**
 * Runs `job` every `everyMs` on this node, never two at once (a run still going when the next is
 * due is skipped), logging what it reports and any failure; the timer does not keep the process
 * alive, and closing the app stops it and waits for a run in progress. `everyMs` 0 turns it off.
 */
export function every(
  app: FastifyInstance,
  everyMs: number,
  name: string,
  job: () => Promise<unknown>,
  report?: (result: unknown) => void,
): void {
  if (!everyMs) return;
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = job()
      .then((result) => report?.(result))
      .catch((err: unknown) => app.log.error({ err }, `${name} failed`))
      .finally(() => {
        running = null;
      });
  }, everyMs);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
