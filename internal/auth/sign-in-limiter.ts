import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { ResourceExhaustedError } from "../service/errors.js";

/** SignInLimits are how many failures are tolerated per window before sign-in is refused. */
export interface SignInLimits {
  /** Failed sign-ins per account (email) per window: stops guessing one person's password. */
  perAccount: number;
  /** Failed sign-ins per client IP per window: stops spraying many accounts from one place. */
  perIp: number;
  /** Sign-ups per client IP per window: stops mass account creation. */
  signUpsPerIp: number;
  windowSeconds: number;
}

/** DEFAULT_SIGN_IN_LIMITS: 10 failures per account, 30 per IP, 20 sign-ups per IP, per 15 min. */
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  perAccount: 10,
  perIp: 30,
  signUpsPerIp: 20,
  windowSeconds: 15 * 60,
};

/**
 * SignInLimiter guards SignIn and SignUp against brute force. Counters live in Redis
 * (rate-limiter-flexible's atomic counters), so the limits hold across every API process.
 */
export interface SignInLimiter {
  /** check throws ResourceExhaustedError when the account or the IP is over its limit. */
  check(ip: string, email: string): Promise<void>;
  /** failed counts a failed attempt against both. */
  failed(ip: string, email: string): Promise<void>;
  /** succeeded clears the account's failures (the IP's stay: a spray may include a hit). */
  succeeded(email: string): Promise<void>;
  /** signUp counts a sign-up attempt and throws when the IP is over its limit. */
  signUp(ip: string): Promise<void>;
}

/** createSignInLimiter builds the limiter on a Redis command connection the caller owns. */
export function createSignInLimiter(
  redis: Redis,
  prefix: string,
  limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
): SignInLimiter {
  const limiter = (name: string, points: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:rl:${name}`,
      points,
      duration: limits.windowSeconds,
      // Once over, refused for a whole window from the last failure, not just until the
      // counter's window ends: a patient attacker gets no burst at every window boundary.
      blockDuration: limits.windowSeconds,
    });
  const byAccount = limiter("sign-in-account", limits.perAccount);
  const byIp = limiter("sign-in-ip", limits.perIp);
  const signUps = limiter("sign-up-ip", limits.signUpsPerIp);
  const accountKey = (email: string) => email.trim().toLowerCase();

  const refuse = (what: string, msBeforeNext: number): never => {
    const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    throw new ResourceExhaustedError(`too many ${what}; try again in ${seconds} s`, seconds);
  };

  return {
    async check(ip, email) {
      const [account, address] = await Promise.all([
        byAccount.get(accountKey(email)),
        byIp.get(ip),
      ]);
      for (const [state, points] of [
        [account, limits.perAccount],
        [address, limits.perIp],
      ] as const) {
        if (state && state.consumedPoints >= points) refuse("failed sign-ins", state.msBeforeNext);
      }
    },
    async failed(ip, email) {
      // Over the limit, consume() rejects with the counter's state: already refused next time.
      await Promise.all([
        byAccount.consume(accountKey(email)).catch(ignoreLimit),
        byIp.consume(ip).catch(ignoreLimit),
      ]);
    },
    async succeeded(email) {
      await byAccount.delete(accountKey(email));
    },
    async signUp(ip) {
      try {
        await signUps.consume(ip);
      } catch (error) {
        if (error instanceof RateLimiterRes)
          refuse("sign-ups from this address", error.msBeforeNext);
        throw error;
      }
    },
  };
}

/** ignoreLimit swallows the rejection consume() uses to say "over the limit", not Redis errors. */
function ignoreLimit(error: unknown): void {
  if (!(error instanceof RateLimiterRes)) throw error;
}
