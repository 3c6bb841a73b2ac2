import pLimit from 'p-limit';

/** Runs async tasks one after the other, in the order they were given; a failure does not stop the ones after it. */
export class SerialQueue {
  private readonly limit = pLimit(1);

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.limit(task);
  }
}
