import type { Activity } from 'botbuilder';
import { type TestClient, textOf } from './bot';

/** Valid answers to every question of form 4313, in order, « oui » to the same-workplace question. */
export const QUICK_ANSWERS = [
  'Tremblay',
  'Marie',
  'F',
  '3',
  'passer',
  'Pharmacie Côté',
  '1 rue A, Québec',
  'marie@pharmacie.ca',
  'G1R 1P9',
  '418 555-1234',
  'passer',
  'Côté',
  'François',
  'M',
  '1',
  '123456',
  'oui',
  'f@pharmacie.ca',
  '418 555-1200',
  'passer',
] as const;

/** Opens the access request from the menus (French), answers every question, and returns the summary's replies. */
export async function fillAccessRequest(client: TestClient): Promise<Partial<Activity>[]> {
  await client.say('bonjour');
  await client.say('1');
  await client.say('4');
  let last: Partial<Activity>[] = [];
  for (const text of QUICK_ANSWERS) last = await client.say(text);
  return last;
}

/** The download link in the bot's reply. */
export function downloadLinkIn(text: string): string {
  const match = /\((https?:\/\/[^)\s]+\/forms\/[A-Za-z0-9_-]{43})\)/.exec(text);
  if (!match) throw new Error(`no download link in: ${text}`);
  return match[1];
}

/** Fills and confirms the form; returns the link's path (`/forms/<token>`). */
export async function requestForm(client: TestClient): Promise<string> {
  await fillAccessRequest(client);
  return new URL(downloadLinkIn(textOf(await client.say('confirmer')))).pathname;
}
