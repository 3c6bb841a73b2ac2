/**
 * Clean-up steps of the chaos run (children, Redis, database, temp files),
 * run once, newest first, whether the run passed, failed, threw or was
 * interrupted (SIGINT/SIGTERM). A step that fails does not stop the others.
 */
export class Cleanup {
  private readonly steps: Array<{ name: string; run: () => Promise<void> | void }> = [];
  private running?: Promise<void>;

  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  runAll(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.splice(0).reverse()) {
        try {
          await step.run();
        } catch (error) {
          process.stderr.write(`clean-up "${step.name}" failed: ${(error as Error)?.message ?? String(error)}\n`);
        }
      }
    })();
    return this.running;
  }

  /** On SIGINT/SIGTERM: clean up, then exit 130 (143). A second signal is ignored while cleaning up. */
  onSignals(): void {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      process.on(signal, () => {
        if (this.running) return;
        process.stderr.write(`\n${signal}: stopping the chaos run and cleaning up…\n`);
        void this.runAll().finally(() => process.exit(code));
      });
    }
  }
}
