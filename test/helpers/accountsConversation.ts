import type { Activity } from 'botbuilder';
import type { Language } from '../../src/i18n';
import type { AccountsClient } from './accountsBot';

/** Opens a conversation in the language and starts « Mot de passe oublié » by free text; returns the user-name question. */
export async function startReset(client: AccountsClient, lang: Language): Promise<Partial<Activity>[]> {
  if (lang === 'fr') return client.say("J'ai oublié mon mot de passe");
  await client.say('English');
  return client.say('I forgot my password');
}

/** Opens a conversation in the language and chooses online services, then the given option key. */
export async function startOnlineServicesOption(
  client: AccountsClient,
  lang: Language,
  key: string,
): Promise<Partial<Activity>[]> {
  await client.say(lang === 'fr' ? 'Bonjour' : 'English');
  await client.say('1');
  return client.say(key);
}
