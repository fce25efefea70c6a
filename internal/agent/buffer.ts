/** Batch is the oldest samples of a buffer, encoded, and the sequence number of the last one. */
export interface Batch {
  samples: Uint8Array[];
  lastSeq: number;
}

/**
 * SampleBuffer holds encoded samples, oldest first, until the API has stored them. It is
 * bounded: past `capacity` the oldest sample is dropped (and counted), so a long outage costs
 * the oldest history, never the agent's memory.
 */
export interface SampleBuffer {
  /** push appends a sample; true when it pushed the oldest one out. */
  push(sample: Uint8Array): boolean;
  /** peek returns up to maxCount of the oldest samples, at most maxBytes in all (at least one). */
  peek(maxCount: number, maxBytes: number): Batch;
  /** ack removes the samples up to and including lastSeq (those the API stored). */
  ack(lastSeq: number): void;
  readonly size: number;
  /** dropped counts the samples pushed out since the buffer was made. */
  readonly dropped: number;
}

/**
 * createSampleBuffer makes a buffer of at most `capacity` samples. Samples carry sequence
 * numbers so that an ack after the oldest were dropped (during a slow request) removes only
 * what was actually sent.
 */
export function createSampleBuffer(capacity: number): SampleBuffer {
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error("capacity must be >= 1");
  // Entries before head are cleared (undefined), so that sent samples are not kept alive.
  let items: ({ seq: number; bytes: Uint8Array } | undefined)[] = [];
  let head = 0;
  let nextSeq = 1;
  let dropped = 0;
  // Removing from the front by index, compacting now and then, keeps push and ack O(1).
  const compact = () => {
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
  };
  return {
    push(sample) {
      items.push({ seq: nextSeq++, bytes: sample });
      if (items.length - head <= capacity) return false;
      items[head++] = undefined;
      dropped++;
      compact();
      return true;
    },
    peek(maxCount, maxBytes) {
      const samples: Uint8Array[] = [];
      let bytes = 0;
      let lastSeq = 0;
      for (let i = head; i < items.length && samples.length < maxCount; i++) {
        const item = items[i];
        if (!item || (samples.length > 0 && bytes + item.bytes.length > maxBytes)) break;
        samples.push(item.bytes);
        bytes += item.bytes.length;
        lastSeq = item.seq;
      }
      return { samples, lastSeq };
    },
    ack(lastSeq) {
      while (head < items.length && (items[head]?.seq ?? Number.POSITIVE_INFINITY) <= lastSeq) {
        items[head++] = undefined;
      }
      compact();
    },
    get size() {
      return items.length - head;
    },
    get dropped() {
      return dropped;
    },
  };
}
