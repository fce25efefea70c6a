/**
 * OrgSlot is one job of an organization in flight in this process; release() frees it.
 * Releasing twice is harmless.
 */
export interface OrgSlot {
  readonly orgId: string;
  /** When the job must be over (its timeout): the latest this slot can be held. */
  readonly deadlineMs: number;
  release(): void;
}

/** OrgSlotsOptions size the accounting. */
export interface OrgSlotsOptions {
  /** Jobs of one organization in flight at once. */
  maxPerOrg: number;
  /**
   * Waiters remembered per organization; past it a job still waits in Redis, but only its own
   * timer brings it back. Bounds memory whatever a tenant queues.
   */
  maxWaitersPerOrg?: number;
  /** The clock; tests pass their own. */
  now?: () => number;
}

interface Waiter<J> {
  job: J;
  expiresAtMs: number;
}

interface OrgState<J> {
  slots: Set<OrgSlot>;
  waiters: Waiter<J>[];
}

const DEFAULT_MAX_WAITERS_PER_ORG = 1000;

/**
 * OrgSlots counts, per organization, the jobs a worker process has in flight, so that one
 * organization never holds more than `maxPerOrg` of its slots; and remembers which of the
 * organization's jobs were sent back to wait (in Redis, not in a slot), so that a freed slot
 * wakes one of them at once instead of leaving it to its timer. It knows nothing of BullMQ:
 * a waiter is whatever the caller wakes (a job).
 *
 * Memory is bounded: an organization's entry lives while it has jobs in flight or waiting, and
 * its waiters are capped. Nothing is labelled or kept per organization beyond that.
 */
export class OrgSlots<J> {
  readonly #max: number;
  readonly #maxWaiters: number;
  readonly #now: () => number;
  readonly #orgs = new Map<string, OrgState<J>>();

  constructor(options: OrgSlotsOptions) {
    if (!Number.isInteger(options.maxPerOrg) || options.maxPerOrg < 1) {
      throw new RangeError(`maxPerOrg must be a positive integer, not ${options.maxPerOrg}`);
    }
    this.#max = options.maxPerOrg;
    this.#maxWaiters = options.maxWaitersPerOrg ?? DEFAULT_MAX_WAITERS_PER_ORG;
    this.#now = options.now ?? Date.now;
  }

  /** maxPerOrg is the bound this accounting enforces. */
  get maxPerOrg(): number {
    return this.#max;
  }

  /**
   * tryAcquire takes a slot of `orgId` until `deadlineMs`, or returns undefined when the
   * organization already has its maximum in flight. Synchronous, so two jobs of one
   * organization started in the same turn cannot both take its last slot.
   */
  tryAcquire(orgId: string, deadlineMs: number): OrgSlot | undefined {
    const state = this.#state(orgId);
    if (state.slots.size >= this.#max) return undefined;
    const slot: OrgSlot = {
      orgId,
      deadlineMs,
      release: () => {
        if (!state.slots.delete(slot)) return;
        this.#forgetIfIdle(orgId, state);
      },
    };
    state.slots.add(slot);
    return slot;
  }

  /** inFlight counts the organization's jobs holding a slot now. */
  inFlight(orgId: string): number {
    return this.#orgs.get(orgId)?.slots.size ?? 0;
  }

  /** soonestDeadline is when the first of the organization's slots must be free again. */
  soonestDeadline(orgId: string): number | undefined {
    const slots = this.#orgs.get(orgId)?.slots;
    if (slots === undefined || slots.size === 0) return undefined;
    let soonest = Number.POSITIVE_INFINITY;
    for (const slot of slots) soonest = Math.min(soonest, slot.deadlineMs);
    return soonest;
  }

  /**
   * wait remembers `job` as waiting for a slot of `orgId` until `expiresAtMs` (when its own
   * timer brings it back anyway). `first` puts it ahead of the others: a job that was woken
   * and lost the freed slot to a newcomer keeps its turn. Returns false when the organization
   * already has its maximum of waiters remembered.
   */
  wait(orgId: string, job: J, expiresAtMs: number, first = false): boolean {
    const state = this.#state(orgId);
    if (state.waiters.length >= this.#maxWaiters) this.#dropExpired(state);
    if (state.waiters.length >= this.#maxWaiters) {
      this.#forgetIfIdle(orgId, state);
      return false;
    }
    const waiter = { job, expiresAtMs };
    if (first) state.waiters.unshift(waiter);
    else state.waiters.push(waiter);
    return true;
  }

  /** canWait tells whether {@link wait} would remember one more waiter of `orgId` now. */
  canWait(orgId: string): boolean {
    const state = this.#orgs.get(orgId);
    if (state === undefined || state.waiters.length < this.#maxWaiters) return true;
    this.#dropExpired(state);
    return state.waiters.length < this.#maxWaiters;
  }

  /**
   * takeWaiter hands back the organization's longest-waiting job whose timer has not brought
   * it back yet, and forgets it; undefined when none. Call it when a slot is freed.
   */
  takeWaiter(orgId: string): J | undefined {
    const state = this.#orgs.get(orgId);
    if (state === undefined) return undefined;
    const now = this.#now();
    let taken: J | undefined;
    for (;;) {
      const waiter = state.waiters.shift();
      if (waiter === undefined) break;
      if (waiter.expiresAtMs > now) {
        taken = waiter.job;
        break;
      }
    }
    this.#forgetIfIdle(orgId, state);
    return taken;
  }

  /** waiting counts the waiters remembered, across organizations (for tests and metrics). */
  waiting(): number {
    let count = 0;
    for (const state of this.#orgs.values()) count += state.waiters.length;
    return count;
  }

  /** organizations counts the organizations with jobs in flight or waiting. */
  organizations(): number {
    return this.#orgs.size;
  }

  #state(orgId: string): OrgState<J> {
    let state = this.#orgs.get(orgId);
    if (state === undefined) {
      state = { slots: new Set(), waiters: [] };
      this.#orgs.set(orgId, state);
    }
    return state;
  }

  #dropExpired(state: OrgState<J>): void {
    const now = this.#now();
    state.waiters = state.waiters.filter((waiter) => waiter.expiresAtMs > now);
  }

  #forgetIfIdle(orgId: string, state: OrgState<J>): void {
    if (state.slots.size > 0 || state.waiters.length > 0) return;
    // Only the state still registered: a released slot of a forgotten entry must not remove
    // its successor.
    if (this.#orgs.get(orgId) === state) this.#orgs.delete(orgId);
  }
}
