import { randomInt } from 'node:crypto';

// No 0/O, 1/I/L: agents type these ids and users read reference numbers over the phone.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A new escalation id such as `E-7K3M9Q` (about 30 bits: unique among any realistic number of open ones). */
export function newEscalationId(): string {
  return `E-${Array.from({ length: 6 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`;
}

/** Finds an escalation id in an agent's command (« accepter e-7k3m9q », « fermer E7K3M9Q »). */
export function findEscalationId(text: string): string | undefined {
  const match = /\bE-?([A-Z2-9]{6})\b/i.exec(text);
  return match ? `E-${match[1].toUpperCase()}` : undefined;
}

/** A call-back reference such as `R-261130-004`: the day it was left and its number that day. */
export function callbackReference(day: string, sequence: number): string {
  return `R-${day.slice(2).replace(/-/g, '')}-${String(sequence).padStart(3, '0')}`;
}

/** Finds a call-back reference in an agent's command. */
export function findCallbackReference(text: string): string | undefined {
  const match = /\bR-?(\d{6})-?(\d{3,})\b/i.exec(text);
  return match ? `R-${match[1]}-${match[2]}` : undefined;
}
