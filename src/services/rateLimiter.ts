import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppRedisClient } from './redisClient';

/** The answer of a rate limiter. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts requests per key over a window. */
export interface RateLimiter {
  consume(key: string): Promise<RateDecision>;
}

/** Limits per minute; 0 disables a limit. */
export interface RateLimits {
  perConversationPerMinute: number;
  perClientPerMinute: number;
}

/** Limiters for the two keys the server uses. */
export interface RequestRateLimiters {
  conversation: RateLimiter;
  client: RateLimiter;
}

const unlimited: RateLimiter = { consume: async () => ({ allowed: true }) };

function wrap(limiter: RateLimiterMemory | RateLimiterRedis): RateLimiter {
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        }
        // The store failed (Redis down and no insurance left): serving users beats counting them.
        return { allowed: true };
      }
    },
  };
}

function build(points: number, keyPrefix: string, redis?: AppRedisClient): RateLimiter {
  if (points <= 0) return unlimited;
  const options = { points, duration: 60, keyPrefix };
  if (!redis) return wrap(new RateLimiterMemory(options));
  // While Redis is unreachable each instance counts on its own rather than refusing everyone.
  return wrap(
    new RateLimiterRedis({
      ...options,
      storeClient: redis,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    }),
  );
}

/** Per-conversation and per-client-address limiters, shared across instances through Redis when given. */
export function createRateLimiters(
  limits: RateLimits,
  prefix: string,
  redis?: AppRedisClient,
): RequestRateLimiters {
  return {
    conversation: build(limits.perConversationPerMinute, `${prefix}rl:conv`, redis),
    client: build(limits.perClientPerMinute, `${prefix}rl:ip`, redis),
  };
}
