import type { Activity } from 'botbuilder';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { keypressActivity } from '../../src/dialogs/shared/dtmf';
import { ssmlToText } from '../../src/dialogs/shared/ssml';
import { createLogger } from '../../src/services/logger';
import type { SessionGate } from '../../src/services/requestStatus/session';
import { HttpRequestStatusService } from '../../src/services/requestStatus/httpService';
import { ssmlProblems, textOf, type TestClient } from '../helpers/bot';
import { JULIE } from '../helpers/accounts';
import { messagesBeforeLastKey, pressEach } from '../helpers/voice';
import {
  createRequestStatusBot,
  openRequestStatus,
  type RequestStatusTestBot,
  SIGNED_IN,
} from '../helpers/requestStatusBot';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/** What a caller hears: the SSML of every reply, as plain text. */
function heard(replies: Partial<Activity>[]): string {
  return replies.map((a) => (a.speak ? ssmlToText(a.speak) : '')).join(' ');
}

function cards(replies: Partial<Activity>[]): Partial<Activity>[] {
  return replies.filter((a) => a.attachments?.some((x) => x.contentType === ADAPTIVE));
}

/** The online-services option keys shown in the last menu of a reply. */
function keysOf(text: string): string[] {
  return [...text.matchAll(/\*\*(\d)\*\* – /g)].map((m) => m[1]);
}

let bot: RequestStatusTestBot;

beforeEach(async () => {
  bot = await createRequestStatusBot();
});

async function signedInFrench(): Promise<TestClient> {
  const client = bot.client();
  const question = await openRequestStatus(client);
  expect(question).toContain("Quel est le numéro d'assurance maladie de la personne assurée?");
  return client;
}

async function signedInEnglish(): Promise<TestClient> {
  const client = bot.client();
  const question = await openRequestStatus(client, true);
  expect(question).toContain("What is the insured person's health insurance number (NAM)?");
  return client;
}

describe('RequestStatusDialog', () => {
  describe('access', () => {
    it('is online-services option 2 and requires signing in first', async () => {
      const client = bot.client();
      await client.say('bonjour');
      expect(keysOf(textOf(await client.say('1')))).toContain('2');
      const signIn = textOf(await client.say('2'));
      expect(signIn).toContain('je dois d’abord vérifier votre identité'.replace('’', "'"));
      expect(bot.service.calls).toBe(0);
    });

    it('shows nothing once the session has ended while the user answered, and asks to sign in again', async () => {
      let signedIn = true;
      const session: SessionGate = {
        isAuthenticated: async () => signedIn,
        userName: async () => 'CE100001',
      };
      const expiring = await createRequestStatusBot({ session });
      const client = expiring.client();
      await client.say('bonjour');
      await client.say('1');
      await client.say('2');
      expect(textOf(await client.say('BOUM 5508 1212'))).toContain('Pour quel médicament?');
      signedIn = false;
      const text = textOf(await client.say('Humira'));
      expect(text).toContain("Votre session a pris fin après 15 minutes d'inactivité.");
      expect(text).toContain("nom d'utilisateur");
      expect(text).not.toContain('Humira');
      expect(expiring.service.calls).toBe(0);
      expect(expiring.audit.entries).toEqual([]);
    });

    it('continues where it was after signing in: the NAM question comes next', async () => {
      await signedInFrench();
    });

    it('does not consult anything when sign-in fails', async () => {
      const client = bot.client();
      await client.say('bonjour');
      await client.say('1');
      await client.say('2');
      await client.say(JULIE.userName);
      let text = '';
      for (let i = 0; i < 3 && !text.includes('Sans authentification'); i += 1) {
        text = textOf(await client.say({ value: { accountsCard: 'current', password: 'Mauvais-Mot-2026' } }));
        if (text.includes("nom d'utilisateur")) text += textOf(await client.say(JULIE.userName));
      }
      expect(text).toContain('Sans authentification, je ne peux pas afficher');
      expect(bot.service.calls).toBe(0);
    });

    it('routes free text naming the flow and keeps the medication it names', async () => {
      const client = bot.client();
      await client.say('où en est ma demande pour Humira');
      await client.say(JULIE.userName);
      const question = textOf(
        await client.say({ value: { accountsCard: 'current', password: JULIE.password } }),
      );
      expect(question).toContain("Pour consulter les demandes de cette personne, j'ai besoin de son numéro");
      const replies = await client.say('BOUM 5508 1212');
      const text = textOf(replies);
      expect(text).not.toContain('Pour quel médicament?');
      expect(text).toContain('Voici la demande d’autorisation pour adalimumab (Humira)'.replace('’', "'"));
      // What was searched, not what is displayed: the seed's « n'est plus restreinte aux 90 derniers jours ».
      expect(text).toContain(
        'La recherche couvre toutes les demandes, y compris celles de plus de 90 jours.',
      );
      expect(cards(replies)).toHaveLength(1);
    });

    it('routes "statut de la demande de Mme Gagnon" from a menu to the NAM question', async () => {
      const client = bot.client();
      await client.say('bonjour');
      await client.say('statut de la demande de Mme Gagnon');
      await client.say(JULIE.userName);
      const question = textOf(
        await client.say({ value: { accountsCard: 'current', password: JULIE.password } }),
      );
      expect(question).toContain("j'ai besoin de son numéro d'assurance maladie");
    });
  });

  describe('NAM', () => {
    it.each([
      ['BOUM 5508 121', 'compte 8 chiffres, mais j’en ai reconnu 7'],
      ['BOU 5508 1212', 'doit commencer par 4 lettres, suivies des 8 chiffres. J’ai reconnu 3 lettre(s)'],
      ['55081212', 'doit commencer par 4 lettres : les 3 premières lettres du nom de famille'],
      ['BOUM 5513 1212', 'Le mois de naissance (13, 3e et 4e chiffres) n’est pas valide'],
      ['BOUM 5563 1212', 'ou de 51 à 62 pour une femme'],
      ['BOUM 5504 3112', 'Le jour de naissance (31, 5e et 6e chiffres) n’existe pas en avril'],
      ['BOUM 5502 3012', 'n’existe pas en février'],
      ['je ne sais pas', "Je n'ai pas reconnu de numéro d'assurance maladie"],
    ])('%p: says precisely what is wrong and asks again', async (input, problem) => {
      const client = await signedInFrench();
      const text = textOf(await client.say(input));
      expect(text).toContain(problem.replace(/’/g, "'"));
      expect(text).toContain("Veuillez indiquer de nouveau le numéro d'assurance maladie.");
    });

    it.each([
      ['BOUM55081212', '1212'],
      ['boum 5508 1212', '1212'],
      ['BOUM-5508-1212', '1212'],
      ['B comme Bernard O comme Olivier U comme Ursule M comme Marie 5508 1212', '1212'],
      ['gags soixante-douze soixante-deux zéro trois quatorze', '0314'],
    ])('%p is accepted and confirmed masked', async (input, lastFour) => {
      const client = await signedInFrench();
      const text = textOf(await client.say(input));
      expect(text).toContain(`Numéro d'assurance maladie se terminant par ${lastFour} : c'est noté.`);
      expect(text).toContain('Pour quel médicament?');
    });

    it('takes the sign-in card submitted again as no answer, not as a refused number', async () => {
      const client = await signedInFrench();
      const again = textOf(
        await client.say({ value: { accountsCard: 'current', password: JULIE.password } }),
      );
      expect(again).toContain("Cette fiche n'est plus active.");
      expect(again).not.toContain("Je n'ai pas reconnu de numéro d'assurance maladie");
      // Still three tries left: two refusals do not end the flow.
      await client.say('BOUM 5513 1212');
      expect(textOf(await client.say('XX 1'))).toContain(
        "Veuillez indiquer de nouveau le numéro d'assurance maladie.",
      );
    });

    it('says how to reach an agent with the second refused number, before the last try', async () => {
      const client = await signedInFrench();
      expect(textOf(await client.say('BOUM 5513 1212'))).not.toContain('parler à un agent');
      const second = textOf(await client.say('XX 1'));
      expect(second).toContain('Pour parler à un agent, écrivez « agent ».');
      expect(second).toContain("Veuillez indiquer de nouveau le numéro d'assurance maladie.");
    });

    it('asks for the number again on « répéter » or « * », without counting a refused number', async () => {
      const client = await signedInFrench();
      for (const request of ['répéter', '*', 'Pouvez-vous répéter?']) {
        const text = textOf(await client.say(request));
        expect(text).toContain("Quel est le numéro d'assurance maladie de la personne assurée?");
        expect(text).not.toContain("Je n'ai pas reconnu");
      }
      // The first refused number still comes without the agent offer.
      expect(textOf(await client.say('BOUM 5513 1212'))).not.toContain('parler à un agent');
    });

    it('after three refused numbers, offers the centre and an agent and ends the flow', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5513 1212');
      await client.say('XX 1');
      const text = textOf(await client.say('BOUM 5508 3212'));
      expect(text).toContain("Je n'arrive pas à valider ce numéro d'assurance maladie");
      expect(text).toContain('parler à un agent');
      expect(text).toContain('418 643-8210');
      expect(text).toContain('Que puis-je faire d’autre pour vous?'.replace('’', "'"));
      expect(bot.service.calls).toBe(0);
    });

    it('answers help and comes back to the same question', async () => {
      const client = await signedInFrench();
      const text = textOf(await client.say('aide'));
      expect(text).toContain('Je peux vous orienter');
      expect(text).toContain("Quel est le numéro d'assurance maladie");
    });
  });

  describe('where cards are shown (Web Chat, Teams)', () => {
    it('sends each request as its card alone, so that it is not read twice', async () => {
      const client = bot.client('webchat');
      await openRequestStatus(client);
      await client.say('BOUM 5508 1212');
      const [card] = cards(await client.say('Humira'));
      expect(card.text).toBeUndefined();
      const content = card.attachments?.[0].content as { fallbackText: string; body: unknown };
      expect(content.fallbackText).toContain('État : **Acceptée**');
      expect(JSON.stringify(content.body)).toContain('du 15 janvier 2026 au 14 janvier 2027');
    });

    it('numbers each card as written: « 2. » alone would be a markdown list that Web Chat shows « 1. »', async () => {
      const client = bot.client('webchat');
      await openRequestStatus(client);
      await client.say('BOUM 5508 1212');
      const contents = cards(await client.say('toutes')).map(
        (a) => a.attachments?.[0].content as { fallbackText: string; body: Array<{ text?: string }> },
      );
      expect(contents.map((c) => c.body[0].text)).toEqual([
        '1\\. adalimumab (Humira)',
        '2\\. étanercept (Enbrel)',
      ]);
      // The plain-text fallback shows no backslash.
      expect(contents[1].fallbackText).toContain('**2. étanercept (Enbrel)**');
      expect(contents.map((c) => c.fallbackText).join('')).not.toContain('\\');
    });
  });

  describe('an earlier card pressed again at « Que voulez-vous faire maintenant? »', () => {
    it('says the card is no longer active and asks again, without counting it as not understood', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5508 1212');
      expect(textOf(await client.say('Humira'))).toContain('Que voulez-vous faire maintenant?');
      for (let i = 0; i < 3; i++) {
        const text = textOf(
          await client.say({ text: '', value: { menuChoice: '1', menu: 'onlineServices' } }),
        );
        expect(text).toContain("Cette fiche n'est plus active.");
        expect(text).toContain('Que voulez-vous faire maintenant?');
        expect(text).not.toContain("Je n'arrive pas à bien comprendre");
      }
      // The first answer not understood is still the first.
      const text = textOf(await client.say('bof'));
      expect(text).toContain("Je n'ai pas compris votre réponse.");
      expect(text).not.toContain("Je n'arrive pas à bien comprendre");
    });
  });

  describe('every state, in French', () => {
    it('acceptée: type, medication, date received, mode, state and period, in a card with a text fallback', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5508 1212');
      const replies = await client.say('Humira');
      const [card] = cards(replies);
      expect(card.text).toContain('**1. adalimumab (Humira)**');
      expect(card.text).toContain('Type de demande : Médicament d’exception'.replace('’', "'"));
      expect(card.text).toContain('Date de réception : 10 janvier 2026');
      expect(card.text).toContain('Mode de transmission : En ligne');
      expect(card.text).toContain('État : **Acceptée**');
      expect(card.text).toContain(
        'Période d’autorisation : du 15 janvier 2026 au 14 janvier 2027'.replace('’', "'"),
      );
      const content = JSON.stringify(card.attachments?.[0].content);
      expect(content).toContain('"type":"AdaptiveCard"');
      expect(content).toContain('du 15 janvier 2026 au 14 janvier 2027');
      expect(textOf(replies)).toContain('Que voulez-vous faire maintenant?');
    });

    it('refusée with the reason, then another medication without retyping the NAM', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5508 1212');
      await client.say('Humira');
      expect(textOf(await client.say('2'))).toContain('Pour quel médicament?');
      const text = textOf(await client.say('enbrell'));
      expect(text).toContain('étanercept (Enbrel)');
      expect(text).toContain('Date de réception : 2 mars 2025');
      expect(text).toContain('Mode de transmission : Télécopieur');
      expect(text).toContain('État : **Refusée**');
      expect(text).toContain('Motif du refus : Les critères de paiement ne sont pas satisfaits');
    });

    it('"toutes" lists every request, most recent first', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5508 1212');
      const replies = await client.say('toutes');
      expect(textOf(replies)).toContain('Voici les 2 demandes d’autorisation'.replace('’', "'"));
      const titles = cards(replies).map((a) => a.text?.split('\n')[0]);
      expect(titles).toEqual(['**1. adalimumab (Humira)**', '**2. étanercept (Enbrel)**']);
    });

    it('en traitement and en attente de renseignements complémentaires (what is missing and how to send it)', async () => {
      const client = await signedInFrench();
      await client.say('GAGS 7262 0314');
      const replies = await client.say('toutes');
      const [prolia, kalydeco] = cards(replies).map((a) => a.text ?? '');
      expect(prolia).toContain('dénosumab (Prolia)');
      expect(prolia).toContain('Date de réception : 20 novembre 2026');
      expect(prolia).toContain('Mode de transmission : Poste');
      expect(prolia).toContain('État : **En traitement**');
      expect(kalydeco).toContain('ivacaftor (Kalydeco)');
      expect(kalydeco).toContain('Type de demande : Mesure du patient d’exception'.replace('’', "'"));
      expect(kalydeco).toContain('Date de réception : 30 octobre 2026');
      expect(kalydeco).toContain('État : **En attente de renseignements complémentaires**');
      expect(kalydeco).toContain('Résultats du test à la sueur et note clinique du prescripteur');
      expect(kalydeco).toContain('Le prescripteur doit faire parvenir ces renseignements à la Régie');
    });

    it.each([
      ["patient d'exception", 'ivacaftor (Kalydeco)'],
      ['Prolia', 'dénosumab (Prolia)'],
      ['02343541', 'dénosumab (Prolia)'],
      ['prolya', 'dénosumab (Prolia)'],
    ])('%p selects %p', async (answer, expected) => {
      const client = await signedInFrench();
      await client.say('GAGS72620314');
      const replies = await client.say(answer);
      expect(cards(replies)).toHaveLength(1);
      expect(cards(replies)[0].text).toContain(expected);
    });

    it('no request for LAVP90013101: says so and how requests are submitted', async () => {
      const client = await signedInFrench();
      await client.say('LAVP 9001 3101');
      const replies = await client.say('toutes');
      const text = textOf(replies);
      expect(cards(replies)).toHaveLength(0);
      expect(text).toContain(
        'Aucune demande d’autorisation pour un médicament d’exception'.replace(/’/g, "'"),
      );
      expect(text).toContain('se termine par 3101');
      expect(text).toContain('transmise à la Régie par le prescripteur');
    });

    it('no request for one medication offers every request for the NAM', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5508 1212');
      const text = textOf(await client.say('Ozempic'));
      expect(text).toContain('Aucune demande d’autorisation pour sémaglutide (Ozempic)'.replace('’', "'"));
      expect(keysOf(text)).toEqual(['2', '3', '4', '9']);
      expect(cards(await client.say('4'))).toHaveLength(2);
    });

    it('then another NAM, then back to the menu', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5508 1212');
      await client.say('Humira');
      expect(textOf(await client.say('3'))).toContain("Quel est le numéro d'assurance maladie");
      await client.say('GAGS72620314');
      await client.say('Prolia');
      const back = textOf(await client.say('9'));
      expect(back).toContain("Que puis-je faire d'autre pour vous?");
      expect(back).toContain('Consulter l’état d’une demande'.replace(/’/g, "'"));
    });
  });

  describe('empty answers', () => {
    it('asks the medication again, and with the second empty answer says how to reach an agent', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5508 1212');
      const first = textOf(await client.say(' '));
      expect(first).toContain("Je n'ai pas reçu de réponse.");
      expect(first).toContain('Pour quel médicament?');
      expect(first).not.toContain('parler à un agent');
      const second = textOf(await client.say(''));
      expect(second).toContain('Pour parler à un agent, écrivez « agent ».');
      expect(second).toContain('Pour quel médicament?');
      expect(textOf(await client.say('Humira'))).toContain('Acceptée');
    });
  });

  describe('medication matching in the dialog', () => {
    it('asks which one when two medications are close, as a menu', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5508 1212');
      const text = textOf(await client.say('sekinumab'));
      expect(text).toContain('Plusieurs médicaments ressemblent à votre réponse');
      expect(text).toMatch(/\*\*1\*\* – (sécukinumab|ustékinumab)/);
      expect(text).toContain('**9** – Aucun de ceux-ci');
      const chosen = textOf(await client.say('1'));
      expect(chosen).toContain('Aucune demande d’autorisation pour'.replace('’', "'"));
    });

    it('says when nothing matches and offers every request or another name', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5508 1212');
      const text = textOf(await client.say('Tylenol'));
      expect(text).toContain(
        'Je n’ai trouvé aucun médicament d’exception qui corresponde à « Tylenol »'.replace(/’/g, "'"),
      );
      expect(keysOf(text)).toEqual(['1', '2']);
      expect(textOf(await client.say('2'))).toContain('Pour quel médicament?');
      expect(cards(await client.say('Enbrel'))).toHaveLength(1);
    });

    it('says back what was not found as typed, never as bold or a link, and never a password', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5508 1212');
      const bold = textOf(await client.say('**Tylenol** _extra_'));
      expect(bold).toContain('qui corresponde à « \\*\\*Tylenol\\*\\* \\_extra\\_ »');
      await client.say('2');
      const link = textOf(await client.say('[Sign in again](https://e.example)'));
      expect(link).toContain('qui corresponde à « \\[Sign in');
      expect(link).not.toMatch(/\]\(|https?:/);
      await client.say('2');
      const password = textOf(await client.say('Bureau-Levis-2026-Nord'));
      expect(password).toContain('qui corresponde à « •••• »');
      expect(password).not.toContain('Bureau');
    });

    it('never echoes a NAM typed where a medication was expected', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5508 1212');
      const text = textOf(await client.say('GAGS 7262 0314'));
      expect(text).not.toContain('GAGS');
      expect(text).not.toContain('7262');
      for (const typed of ['GAGS72620314X', 'ＧＡＧＳ７２６２０３１４']) {
        await client.say('2');
        const echoed = textOf(await client.say(typed));
        // The mask's stars are escaped as the rest of the echo (markdown): shown « ********0314 ».
        expect(echoed).toContain(`qui corresponde à « ${'\\*'.repeat(8)}0314`);
        expect(echoed).not.toMatch(/GAGS|ＧＡＧＳ|7262|７２６２/);
      }
    });
  });

  describe('service down', () => {
    it('says the consultation is temporarily unavailable with phones and hours, and « réessayer » retries', async () => {
      const client = await signedInFrench();
      await client.say('BOUM 5508 1212');
      bot.service.down = true;
      const down = textOf(await client.say('Humira'));
      expect(down).toContain(
        'La consultation des demandes d’autorisation est temporairement indisponible'.replace('’', "'"),
      );
      expect(down).toContain('418 643-8210');
      expect(down).toContain('514 873-3480');
      expect(down).toContain('1 800 463-4776');
      expect(down).toContain('du lundi au vendredi, de 8 h 30 à 16 h 30');
      expect(down).not.toMatch(/Error|at .*\.ts|stack/);
      expect(keysOf(down)).toEqual(['1', '9']);
      expect(textOf(await client.say('réessayer'))).toContain('temporairement indisponible');
      bot.service.down = false;
      const replies = await client.say('réessayer');
      expect(textOf(replies)).not.toContain("Quel est le numéro d'assurance maladie");
      expect(textOf(replies)).not.toContain('Pour quel médicament?');
      expect(cards(replies)[0].text).toContain('adalimumab (Humira)');
    });

    it('answers at once with the real HTTP client when the API refuses connections, without a stack trace', async () => {
      const server = http.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const service = new HttpRequestStatusService({
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 3000,
        retries: 1,
        retryDelayMs: { min: 1, max: 5 },
        breaker: { failureThreshold: 5, cooldownMs: 30000 },
        logger: createLogger('silent'),
      });
      const httpBot = await createRequestStatusBot({ service });
      const client = httpBot.client();
      await openRequestStatus(client);
      await client.say('BOUM 5508 1212');
      const text = textOf(await client.say('toutes'));
      expect(text).toContain('temporairement indisponible');
      expect(text).not.toMatch(/ECONNREFUSED|fetch failed|TypeError/);
    });
  });

  describe('in English', () => {
    it('accepted, with dates in English', async () => {
      const client = await signedInEnglish();
      const confirmed = textOf(await client.say('BOUM 5508 1212'));
      expect(confirmed).toContain('Health insurance number ending in 1212: noted.');
      expect(confirmed).toContain('For which medication?');
      const [card] = cards(await client.say('Humira'));
      expect(card.text).toContain('Request type: Exception medication');
      expect(card.text).toContain('Date received: January 10, 2026');
      expect(card.text).toContain('Mode of transmission: Online');
      expect(card.text).toContain('Status: **Accepted**');
      expect(card.text).toContain('Authorization period: from January 15, 2026 to January 14, 2027');
    });

    it('refused with the reason in English', async () => {
      const client = await signedInEnglish();
      await client.say('BOUM 5508 1212');
      const [card] = cards(await client.say('etanercept'));
      expect(card.text).toContain('etanercept (Enbrel)');
      expect(card.text).toContain('Date received: March 2, 2025');
      expect(card.text).toContain('Mode of transmission: Fax');
      expect(card.text).toContain('Status: **Refused**');
      expect(card.text).toContain('Reason for refusal: The payment criteria are not met');
    });

    it('in progress and awaiting additional information', async () => {
      const client = await signedInEnglish();
      await client.say('GAGS72620314');
      const [prolia, kalydeco] = cards(await client.say('all')).map((a) => a.text ?? '');
      expect(prolia).toContain('denosumab (Prolia)');
      expect(prolia).toContain('Mode of transmission: Mail');
      expect(prolia).toContain('Status: **In progress**');
      expect(kalydeco).toContain('Request type: Exceptional-patient measure');
      expect(kalydeco).toContain('Status: **Awaiting additional information**');
      expect(kalydeco).toContain("Sweat test results and the prescriber's clinical note");
      expect(kalydeco).toContain('The prescriber must send this information to the Régie');
    });

    it('no request, and how requests are submitted', async () => {
      const client = await signedInEnglish();
      await client.say('LAVP90013101');
      const text = textOf(await client.say('all'));
      expect(text).toContain('No authorization request for an exception medication');
      expect(text).toContain('sent to the Régie by the prescriber');
    });

    it('precise NAM problems', async () => {
      const client = await signedInEnglish();
      expect(textOf(await client.say('BOUM 5513 1212'))).toContain(
        'The birth month (13, 3rd and 4th digits) is not valid',
      );
      expect(textOf(await client.say('BOUM 5504 3112'))).toContain('does not exist in April');
    });

    it('service down, then retry', async () => {
      const client = await signedInEnglish();
      await client.say('BOUM 5508 1212');
      bot.service.down = true;
      const down = textOf(await client.say('Enbrel'));
      expect(down).toContain('Checking authorization requests is temporarily unavailable');
      expect(down).toContain('Québec City region 418 643-8210');
      bot.service.down = false;
      expect(cards(await client.say('retry'))[0].text).toContain('Status: **Refused**');
    });
  });

  describe('on the phone', () => {
    let voice: RequestStatusTestBot;
    beforeEach(async () => {
      voice = await createRequestStatusBot({ session: SIGNED_IN });
    });

    async function atNamQuestion(): Promise<TestClient> {
      const client = voice.client('telephony');
      await client.say('bonjour');
      await client.say('1');
      await client.say('2');
      return client;
    }

    async function atMedicationQuestion(): Promise<TestClient> {
      const client = await atNamQuestion();
      await client.say('bé o u emme cinquante-cinq zéro huit douze douze');
      expect(heard(await client.say(keypressActivity('1')))).toContain('Pour quel médicament?');
      return client;
    }

    it('repeats the medication question on "*" instead of looking for a medication named "*"', async () => {
      const client = await atMedicationQuestion();
      const replies = await client.say(keypressActivity('*'));
      expect(heard(replies)).toContain('Pour quel médicament?');
      expect(heard(replies)).not.toContain('Je n’ai trouvé aucun'.replace('’', "'"));
    });

    it('takes a DIN keyed one digit per message, the eighth completing it', async () => {
      const client = await atMedicationQuestion();
      // Prolia 60 mg/mL (data/medications.json); this person has no request for it.
      const replies = await pressEach(client, '02343541');
      expect(messagesBeforeLastKey(replies)).toEqual([]);
      expect(heard(replies[7])).toContain('Prolia');
    });

    it('says the last four digits of the NAM one by one when no request is found', async () => {
      const client = await atNamQuestion();
      await client.say('LAVP 9001 3101');
      await client.say('oui');
      const none = heard(await client.say('toutes'));
      expect(none).toContain("Aucune demande d'autorisation pour un médicament d'exception");
      expect(none).toContain('se termine par 3 1 0 1,');
      expect(none).not.toContain('3101');

      const other = await atNamQuestion();
      await other.say('English');
      await other.say('BOUM 5508 1212');
      await other.say('yes');
      const replies = await other.say('Ozempic');
      expect(heard(replies)).toContain('ends in 1 2 1 2,');
      expect(heard(replies)).not.toContain('1212');
      for (const a of replies) if (a.speak) expect(ssmlProblems(a.speak)).toEqual([]);
    });

    it('says on the phone that a DIN can be given, and takes one said in words', async () => {
      const client = await atNamQuestion();
      await client.say('bé o u emme cinquante-cinq zéro huit douze douze');
      const ask = heard(await client.say(keypressActivity('1')));
      expect(ask).toContain('Pour quel médicament?');
      expect(ask).toContain('dites ou composez les 8 chiffres de son D I N');
      // Prolia 60 mg/mL (data/medications.json); this person has no request for it.
      const replies = await client.say('zéro deux trois quatre trois cinq quatre un');
      expect(heard(replies)).toContain('Prolia');
      expect(heard(replies)).not.toContain('Je n’ai trouvé aucun'.replace('’', "'"));
    });

    it('reads an unknown DIN back one digit at a time', async () => {
      const client = await atMedicationQuestion();
      const replies = await client.say('un deux trois quatre cinq six sept huit');
      const spoken = heard(replies);
      expect(spoken).toContain('pour le D I N 1 2 3 4 5 6 7 8 ');
      expect(spoken).not.toContain('12345678');
      for (const a of replies) if (a.speak) expect(ssmlProblems(a.speak)).toEqual([]);
    });

    it('reads the NAM back masked and confirms it with oui/non or 1/2', async () => {
      const client = await atNamQuestion();
      const confirm = await client.say('bé o u emme cinquante-cinq zéro huit douze douze');
      const speak = heard(confirm);
      expect(speak).toContain('se terminant par 1 2 1 2');
      expect(speak).not.toMatch(/BOUM|5508/i);
      expect(speak).toContain('Pour oui, faites le 1.');
      const again = textOf(await client.say('non'));
      expect(again).toContain('reprenons le numéro');
      await client.say('BOUM 5508 1212');
      expect(textOf(await client.say('oui'))).toContain('Pour quel médicament?');
    });

    it('takes letters said aloud then digits keyed on the keypad', async () => {
      const client = await atNamQuestion();
      expect(textOf(await client.say('B comme Bernard O U M'))).toContain('les 8 chiffres');
      const confirm = await client.say('55081212');
      expect(heard(confirm)).toContain('1 2 1 2');
    });

    it('adds digits said after digits keyed, and keeps the letters through « aide »', async () => {
      const client = await atNamQuestion();
      await client.say('B comme Bernard O U M');
      expect(heard(await client.say('aide'))).toContain('Dites ou composez maintenant les 8 chiffres');
      await pressEach(client, '5508');
      expect(heard(await client.say('douze douze'))).toContain('se terminant par 1 2 1 2');
    });

    it('takes the whole number said again after a few keys, rather than adding it to them', async () => {
      const client = await atNamQuestion();
      await client.say('B comme Bernard O U M');
      await pressEach(client, '55');
      expect(heard(await client.say('cinquante-cinq zéro huit douze douze'))).toContain(
        'se terminant par 1 2 1 2',
      );
    });

    it('summarizes, most recent first, then "pour entendre la suivante, faites le 1"', async () => {
      const client = await atNamQuestion();
      await client.say('BOUM55081212');
      await client.say('1');
      const first = await client.say('toutes');
      const spoken = heard(first);
      expect(spoken).toContain("J'ai trouvé 2 demandes d'autorisation. Voici la plus récente.");
      expect(spoken).toMatch(
        /Adalimumab\W+Humira\W+médicament d'exception, reçue le 10 janvier 2026 en ligne/,
      );
      expect(spoken).toContain('Elle est acceptée, du 15 janvier 2026 au 14 janvier 2027.');
      expect(spoken).toContain('Pour entendre la suivante, faites le 1.');
      expect(spoken.indexOf('Adalimumab')).toBeLessThan(spoken.indexOf('Pour entendre la suivante'));
      for (const a of first) if (a.speak) expect(ssmlProblems(a.speak)).toEqual([]);
      expect(cards(first)).toHaveLength(0);

      const second = heard(await client.say('1'));
      expect(second).toMatch(/Demande suivante\. Étanercept\W+Enbrel/);
      expect(second).toContain('Elle est refusée. Motif : Les critères de paiement ne sont pas satisfaits.');
      expect(second).toContain("C'était la dernière demande.");
      expect(second).not.toContain('Pour entendre la suivante');
    });

    it('speaks the awaiting-information state and keeps voice SSML valid in English', async () => {
      const client = await atNamQuestion();
      await client.say('English');
      await client.say('GAGS72620314');
      await client.say('1');
      const replies = await client.say('exceptional patient');
      expect(heard(replies)).toContain('It is awaiting additional information');
      for (const a of replies) if (a.speak) expect(ssmlProblems(a.speak)).toEqual([]);
    });

    it('on the phone, the service down offers 1 to retry', async () => {
      const client = await atNamQuestion();
      await client.say('BOUM55081212');
      await client.say('1');
      voice.service.down = true;
      const spoken = heard(await client.say('Humira'));
      expect(spoken).toContain('temporairement indisponible');
      expect(spoken).toContain('Pour réessayer, faites le 1.');
      voice.service.down = false;
      const again = heard(await client.say('1'));
      expect(again).toContain('Elle est acceptée');
    });
  });
});
