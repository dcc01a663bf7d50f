import { createHash } from 'node:crypto';
import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Fields that could carry personal data are censored by pino itself, so a careless log call cannot leak them.
 */
const REDACTED_PATHS = [
  'text',
  'value',
  'password',
  'answer',
  'answers',
  'nam',
  'activity',
  'body',
  '*.text',
  '*.value',
  '*.password',
  '*.answer',
  '*.nam',
];

/** Builds the process logger: JSON lines on stdout, personal fields censored. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ramq-bot' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

// A turn hashes the same few ids several times (transcript key, flow traces): remembering the recent ones
// saves a SHA-256 each time. Cleared when full rather than kept in order, which is enough for a cache.
const recentHashes = new Map<string, string>();
const RECENT_HASHES_MAX = 4096;

/** A stable, non-reversible id for a conversation or user, so log lines can be correlated without exposing ids. */
export function hashId(id: string | undefined): string {
  if (!id) return '-';
  let hashed = recentHashes.get(id);
  if (hashed === undefined) {
    if (recentHashes.size >= RECENT_HASHES_MAX) recentHashes.clear();
    hashed = createHash('sha256').update(id).digest('hex').slice(0, 16);
    recentHashes.set(id, hashed);
  }
  return hashed;
}
