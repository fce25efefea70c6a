/**
 * ReplayScheduler runs one connection's replays: at most one per topic at a time, and at most
 * `limit` at once over all topics. A replay asked for while the same topic's previous one is
 * still being read or sent waits for it, and asking again while it waits changes nothing, so
 * a storm of unsubscribe/subscribe pairs costs one replay in flight plus one waiting per topic
 * instead of a read per pair. Topics that wait start in the order they were asked for.
 */
export class ReplayScheduler {
  private readonly running = new Set<string>();
  /** Insertion-ordered: the first topic that can start, starts. */
  private readonly waiting = new Set<string>();

  /**
   * run reads and sends the replay of a topic's current subscription (or nothing when there
   * is none by then); it must not reject.
   */
  constructor(
    private readonly run: (topic: string) => Promise<void>,
    private readonly limit: number,
  ) {}

  /** request asks for a replay of topic: now if it can start, else once it can. */
  request(topic: string): void {
    this.waiting.add(topic);
    this.pump();
  }

  /** cancel forgets a replay of topic that has not started (its subscription is gone). */
  cancel(topic: string): void {
    this.waiting.delete(topic);
  }

  /** inFlight is how many replays are being read or sent. */
  inFlight(): number {
    return this.running.size;
  }

  private pump(): void {
    for (const topic of this.waiting) {
      if (this.running.size >= this.limit) return;
      if (this.running.has(topic)) continue;
      this.waiting.delete(topic);
      this.running.add(topic);
      const done = () => {
        this.running.delete(topic);
        this.pump();
      };
      this.run(topic).then(done, done);
    }
  }
}
