/**
 * Decides when runs start: one at a time per thread (later runs wait their
 * turn, in order) and at most `maxConcurrent` in the whole process (runs
 * beyond that wait, first come first served).
 *
 * @example
 * ```ts
 * const scheduler = createScheduler(2);
 * scheduler.submit({ id: "r1", key: "thread-1", start: async () => {} });
 * ```
 * @module
 */

/** A unit of work; `key` serializes jobs (the thread id). */
export interface Job {
  id: string;
  key: string;
  start(): Promise<void>;
}

/** The scheduler. */
export interface Scheduler {
  submit(job: Job): void;
  /** Removes a job that has not started; false when it is running or unknown. */
  withdraw(jobId: string): boolean;
  /** Jobs submitted and not yet started. */
  readonly waiting: number;
  /** Jobs running now. */
  readonly running: number;
  /** Jobs queued or running under `key`. */
  queued(key: string): number;
}

/** Creates a scheduler allowing `maxConcurrent` jobs at once. */
export function createScheduler(maxConcurrent: number): Scheduler {
  const queues = new Map<string, Job[]>();
  const ready: Job[] = [];
  const started = new Set<string>();
  let waiting = 0;

  function drain(): void {
    while (started.size < maxConcurrent && ready.length > 0) launch(ready.shift() as Job);
  }

  function launch(job: Job): void {
    started.add(job.id);
    waiting--;
    job.start().finally(() => {
      started.delete(job.id);
      const queue = queues.get(job.key) ?? [];
      queue.splice(queue.indexOf(job), 1);
      if (queue.length === 0) queues.delete(job.key);
      else ready.push(queue[0] as Job);
      drain();
    });
  }

  return {
    submit(job) {
      const queue = queues.get(job.key) ?? [];
      queue.push(job);
      queues.set(job.key, queue);
      waiting++;
      if (queue.length === 1) {
        ready.push(job);
        drain();
      }
    },
    withdraw(jobId) {
      if (started.has(jobId)) return false;
      for (const [key, queue] of queues) {
        const index = queue.findIndex((j) => j.id === jobId);
        if (index === -1) continue;
        const [job] = queue.splice(index, 1);
        waiting--;
        const readyIndex = ready.indexOf(job as Job);
        if (readyIndex !== -1) ready.splice(readyIndex, 1);
        if (queue.length === 0) queues.delete(key);
        else if (index === 0) {
          ready.push(queue[0] as Job);
          drain();
        }
        return true;
      }
      return false;
    },
    get waiting() {
      return waiting;
    },
    get running() {
      return started.size;
    },
    queued(key) {
      return queues.get(key)?.length ?? 0;
    },
  };
}
