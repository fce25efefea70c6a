import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { ResourceExhaustedError } from "../core/errors.js";
import { ipKey } from "./ip-key.js";

/** SignInLimits are how many attempts are tolerated per window before sign-in is refused. */
export interface SignInLimits {
  /** Failed sign-ins per account (email) per window: stops guessing one person's password. */
  perAccount: number;
  /** Failed sign-ins per client address (an IPv6 /64) per window: stops spraying many
   *  accounts from one place. */
  perIp: number;
  /** Sign-ups per client address per window: stops mass account creation. */
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
 * Addresses are counted by ipKey: an IPv6 client by its /64.
 *
 * A sign-in reserves its attempt before the password is checked: the counters move first, in
 * one atomic step each, so N guesses sent at once cannot all pass a check made while the
 * others are still hashing. A success gives the reservation back.
 */
export interface SignInLimiter {
  /** reserve counts an attempt against the account and the address, or throws
   *  ResourceExhaustedError when either is over its limit. */
  reserve(ip: string, email: string): Promise<void>;
  /** succeeded clears the account's count and gives the address its point back (a failed
   *  attempt from there stays counted: a spray may include a hit). */
  succeeded(ip: string, email: string): Promise<void>;
  /** release gives back an attempt that never checked the password (the hashing gate was
   *  full): the client was not guessing, only early. */
  release(ip: string, email: string): Promise<void>;
  /** signUp counts a sign-up attempt and throws when the address is over its limit. */
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
      // Once over, refused for a whole window from then on, not just until the counter's
      // window ends: a patient attacker gets no burst at every window boundary.
      blockDuration: limits.windowSeconds,
    });
  const byAccount = limiter("sign-in-account", limits.perAccount);
  const byIp = limiter("sign-in-ip", limits.perIp);
  const signUps = limiter("sign-up-ip", limits.signUpsPerIp);
  const accountKey = (email: string) => email.trim().toLowerCase();

  /** consume takes a point, or throws the refusal a client sees. */
  const consume = async (counter: RateLimiterRedis, key: string, what: string) => {
    try {
      await counter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new ResourceExhaustedError(`too many ${what}; try again in ${seconds} s`, seconds);
    }
  };

  return {
    async reserve(ip, email) {
      const address = ipKey(ip);
      // The address first: a client refused there never touches the account's count, so
      // an exhausted sprayer cannot keep locking other people's accounts.
      await consume(byIp, address, "failed sign-ins");
      try {
        await consume(byAccount, accountKey(email), "failed sign-ins");
      } catch (error) {
        await byIp.reward(address);
        throw error;
      }
    },
    async succeeded(ip, email) {
      await Promise.all([byAccount.delete(accountKey(email)), byIp.reward(ipKey(ip))]);
    },
    async release(ip, email) {
      await Promise.all([byAccount.reward(accountKey(email)), byIp.reward(ipKey(ip))]);
    },
    async signUp(ip) {
      await consume(signUps, ipKey(ip), "sign-ups from this address");
    },
  };
}
