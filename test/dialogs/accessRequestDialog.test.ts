import type { Activity, Attachment } from 'botbuilder';
import type { Application } from '../../src/index';
import { FIELDS } from '../../src/services/forms/accessRequestModel';
import { LANGUAGES, Messages } from '../../src/i18n';
import type { ValidationError } from '../../src/services/forms/fieldValidation';
import { fillAccessRequest, QUICK_ANSWERS } from '../helpers/accessRequest';
import { createTestApp, TestClient, textOf } from '../helpers/bot';

let app: Application;

beforeAll(async () => {
  app = await createTestApp({ PUBLIC_BASE_URL: 'https://bot.example.ca/' });
});

afterAll(async () => {
  await app.stop();
});

/** Opens the flow from the online-services menu, as a user would. */
async function openFlow(client: TestClient, english = false): Promise<string> {
  await client.say(english ? 'English please' : 'bonjour');
  await client.say('1');
  return textOf(await client.say('4'));
}

/** Says each answer in turn and returns the text of the last reply. */
async function answer(client: TestClient, answers: string[]): Promise<string> {
  let last = '';
  for (const text of answers) last = textOf(await client.say(text));
  return last;
}

function linkIn(text: string): string {
  const match = /\((https:\/\/bot\.example\.ca\/forms\/[A-Za-z0-9_-]{43})\)/.exec(text);
  if (!match) throw new Error(`no download link in: ${text}`);
  return match[1];
}

describe('AccessRequestDialog', () => {
  describe('entry', () => {
    it('is offered as option 4 of the online-services menu', async () => {
      const client = new TestClient(app);
      await client.say('bonjour');
      const menu = textOf(await client.say('1'));
      expect(menu).toContain("**4** – Demande d'accès aux services en ligne (formulaire 4313)");
    });

    it.each([
      'je veux donner accès à ma technicienne',
      'Formulaire 4313',
      'I want to give access to my technician',
    ])('starts from the free text %p', async (text) => {
      const client = new TestClient(app);
      const reply = textOf(await client.say(text));
      expect(reply).toContain('formulaire 4313');
      expect(reply).toContain("Quel est le nom de famille de l'utilisateur?");
    });

    it('explains who fills what and what happens next before the first question', async () => {
      const client = new TestClient(app);
      const intro = await openFlow(client);
      expect(intro).toContain('adjoint administratif, un infirmier ou un technicien en pharmacie');
      expect(intro).toContain(
        'pharmacien propriétaire ou un professionnel de la santé, avec son numéro de pratique',
      );
      expect(intro).toContain("signer à la main et à poster l'original");
      expect(intro).toContain('« passer »');
      expect(intro).toContain('« retour »');
      expect(intro).toContain('**Section 2 – Utilisateur**');
      expect(intro).toContain("Quel est le nom de famille de l'utilisateur?");
    });
  });

  describe('choices said as number words, ordinals or with fillers', () => {
    it.each([
      ['trois', 'commence par CE'],
      ['un', 'commence par CE'],
      ['le premier', 'commence par CE'],
      ['option 1', 'commence par CE'],
      ['la troisième', 'commence par CE'],
      ['3', 'commence par CE'],
      ['four', 'Cette réponse ne correspond à aucun des choix offerts'],
    ])('takes %p as the user’s function', async (input, expected) => {
      const client = new TestClient(app);
      await openFlow(client);
      await answer(client, ['Tremblay', 'Marie-Ève', 'F']);
      expect(textOf(await client.say(input))).toContain(expected);
    });

    it('gives a user name example of six digits, as user names have', async () => {
      const client = new TestClient(app);
      await openFlow(client);
      const reply = await answer(client, ['Tremblay', 'Marie-Ève', 'F', '3', 'IP123456']);
      expect(reply).toMatch(/\bCE123456\b/);
    });

    it.each([
      ['deux', 'F'],
      ['le premier', 'M'],
    ])('takes %p as the sex box %s', async (input, value) => {
      const client = new TestClient(app);
      await openFlow(client);
      await answer(client, ['Tremblay', 'Marie-Ève', input, '3', 'passer']);
      const summary = await answer(client, [...QUICK_ANSWERS.slice(5)]);
      expect(summary).toContain(`3. Sexe : ${value}`);
    });
  });

  it('keeps section 3’s copied workplace in step when section 2’s is corrected', async () => {
    const client = new TestClient(app);
    const summary = textOf(await fillAccessRequest(client));
    expect(summary.split('1 RUE A, QUÉBEC')).toHaveLength(3);
    await client.say('corriger 7');
    const updated = textOf(await client.say('2 rue B, Lévis'));
    // Section 2 and section 3 (« même endroit que l'utilisateur »: oui) both carry the new address.
    expect(updated.split('2 RUE B, LÉVIS')).toHaveLength(3);
    expect(updated).not.toContain('1 RUE A, QUÉBEC');
  });

  it('does not tick « Pharmacien propriétaire » for a pharmacist who may not be the owner', async () => {
    const client = new TestClient(app);
    await openFlow(client);
    // Up to the authorizer's function (the 15th answer).
    await answer(client, [...QUICK_ANSWERS.slice(0, 14)]);
    const reply = await answer(client, ['pharmacienne']);
    expect(reply).toContain('Cette réponse ne correspond à aucun des choix offerts.');
    expect(reply).toContain('**1** – Pharmacien propriétaire');
    expect(await answer(client, ['propriétaire'])).toContain('numéro de pratique');
  });

  it('takes « Téléphoniste » as an answer to the function question, not as a request for an agent', async () => {
    const client = new TestClient(app);
    await openFlow(client);
    const next = await answer(client, ['Tremblay', 'Julie', 'F', 'Téléphoniste']);
    // Not one of the offered functions: the question again, still in the form.
    expect(next).toContain("Quelle fonction l'utilisateur assume-t-il?");
    expect(next).not.toContain('Je transmets votre demande');
  });

  it.each([
    ['Operator', true],
    ['conseillère', false],
  ])(
    'takes %p as an answer to the function question, not as a request for an agent',
    async (job, english) => {
      const client = new TestClient(app);
      await openFlow(client, english);
      const next = await answer(client, ['Tremblay', 'Julie', 'F', job]);
      expect(next).toMatch(
        english ? /What is the user's function\?/ : /Quelle fonction l'utilisateur assume-t-il\?/,
      );
      expect(next).not.toMatch(/closed right now|présentement fermé|Je transmets votre demande|I am passing/);
    },
  );

  it('says which numbers exist when « corriger » names a line the summary does not have', async () => {
    const client = new TestClient(app);
    await fillAccessRequest(client);
    const reply = textOf(await client.say('corriger 99'));
    expect(reply).toContain("Le résumé n'a pas de renseignement numéro 99");
    expect(reply).toContain('numérotés de 1 à 22');
    // Then a right number still opens that line.
    expect(textOf(await client.say('corriger 9'))).toContain('Quel est le code postal');
  });

  it('still reaches an agent from a form question with « agent » or "talk to a human"', async () => {
    const client = new TestClient(app);
    await openFlow(client);
    expect(await answer(client, ['Tremblay', 'Julie', 'F', 'talk to a human'])).not.toContain(
      "Quelle fonction l'utilisateur assume-t-il?",
    );
  });

  describe('the whole form in French, with skips, going back, refusals and corrections', () => {
    const client = () => shared.client;
    const shared = {} as { client: TestClient };

    beforeAll(async () => {
      shared.client = new TestClient(app);
      await openFlow(shared.client);
    });

    it.each([
      ['Tremblay', 'Quel est son prénom?'],
      ['Marie-Ève', 'Répondez M ou F.'],
      ['F', 'Quelle fonction'],
      ['technicienne', 'commence par CE'],
      ['passer', "Quel est le nom de la pharmacie ou de l'établissement"],
      ['retour', 'commence par CE'],
      ['IP123456', "commence par IP est celui d'un professionnel"],
      ['CE123456', "Quel est le nom de la pharmacie ou de l'établissement"],
      ['Pharmacie Côté et Gagnon', 'adresse de correspondance'],
      ['1234, rue Saint-Jean, Québec', 'adresse électronique'],
      ['marie.tremblay@pharmaciecote', 'Après le @, il faut un nom de domaine complet'],
      ['marie.tremblay@pharmaciecote.ca', 'code postal'],
      ['G1O 1P9', 'les lettres D, F, I, O, Q et U'],
      ['g1r1p9', 'numéro de téléphone'],
      ['555-1234', "Il manque l'indicatif régional"],
      ['n’importe quoi', "Je n'arrive toujours pas à accepter cette réponse"],
      ['418 555-1234 poste 210', 'numéro de télécopieur'],
      ['aucun', '**Section 3 – Autorisation**'],
      ['Côté', 'Quel est son prénom?'],
      ['François', 'Répondez M ou F.'],
      ['masculin', 'Quelle est sa fonction?'],
      ['1', 'numéro de pratique'],
      ['12345678', 'de 5 à 7 chiffres'],
      ['123456', 'PHARMACIE CÔTÉ ET GAGNON, 1234, RUE SAINT-JEAN, QUÉBEC, G1R 1P9'],
      ['oui', 'Quelle est son adresse électronique?'],
      ['f.cote@pharmaciecote.ca', 'numéro de téléphone'],
      ['418 555-1200', 'numéro de télécopieur'],
      ['passer', 'Voici le résumé de votre demande'],
    ])('answer %p → %p', async (input, expected) => {
      expect(textOf(await client().say(input))).toContain(expected);
    });

    it('summarizes every box in capitals, numbered, section by section', async () => {
      const again = textOf(await client().say('*'));
      for (const line of [
        'Section 2 – Utilisateur',
        '1. Nom : TREMBLAY',
        '2. Prénom : MARIE-ÈVE',
        '3. Sexe : F',
        '4. Fonction : Technicien en pharmacie',
        "5. Nom d'utilisateur pour d'autres services en ligne : CE123456",
        "6. Nom de la pharmacie ou de l'établissement : PHARMACIE CÔTÉ ET GAGNON",
        '7. Adresse de correspondance (lieu de travail) : 1234, RUE SAINT-JEAN, QUÉBEC',
        // Said back escaped (markdown): an address is shown as typed, not as a link.
        '8. Adresse électronique : MARIE\\.TREMBLAY@PHARMACIECOTE\\.CA',
        '9. Code postal : G1R 1P9',
        '10. Téléphone : 418 555-1234, poste 210',
        '11. Télécopieur : (vide)',
        'Section 3 – Autorisation',
        '12. Nom : CÔTÉ',
        '15. Fonction : Pharmacien propriétaire',
        '16. Numéro de pratique : 123456',
        "17. Nom de la pharmacie ou de l'établissement : PHARMACIE CÔTÉ ET GAGNON",
        '20. Code postal : G1R 1P9',
        '22. Télécopieur : (vide)',
      ]) {
        expect(again).toContain(line);
      }
    });

    it('keeps the summary on « aide »', async () => {
      const reply = textOf(await client().say('aide'));
      expect(reply).toContain('Je peux vous orienter');
      expect(reply).toContain('1. Nom : TREMBLAY');
    });

    it('asks which section when a box name is in both', async () => {
      const reply = textOf(await client().say('corriger le code postal'));
      // Neutral for every box: « celui de l'utilisateur » was wrong for « adresse », « fonction »…
      expect(reply).toContain(
        '« Code postal » figure aux sections 2 et 3. Répondez 9 pour la section 2 (utilisateur) ou 20 pour la section 3 (personne qui autorise).',
      );
    });

    it('corrects a box by number, showing its current value', async () => {
      const reply = textOf(await client().say('20'));
      expect(reply).toContain('Quel est le code postal de cette adresse?');
      expect(reply).toContain('Valeur actuelle : G1R 1P9');
      const updated = textOf(await client().say('h2x 3z5'));
      expect(updated).toContain("C'est noté");
      expect(updated).toContain('20. Code postal : H2X 3Z5');
      expect(updated).toContain('9. Code postal : G1R 1P9');
    });

    it.each([
      [
        "corriger le prénom de l'utilisateur",
        'Valeur actuelle : MARIE-ÈVE',
        'Marie-Eve',
        '2. Prénom : MARIE-EVE',
      ],
      [
        'modifier le télécopieur du pharmacien',
        'Valeur actuelle : (vide)',
        '418 555-9800',
        '22. Télécopieur : 418 555-9800',
      ],
      [
        'corriger la fonction de la technicienne',
        'Valeur actuelle : Technicien en pharmacie',
        '2',
        '4. Fonction : Infirmier',
      ],
      ['corriger le nom du pharmacien', 'Valeur actuelle : CÔTÉ', 'Côté-Roy', '12. Nom : CÔTÉ-ROY'],
      [
        "corriger le nom d'utilisateur",
        'Valeur actuelle : CE123456',
        'passer',
        "5. Nom d'utilisateur pour d'autres services en ligne : (vide)",
      ],
    ])('corrects by name: %p', async (command, current, value, line) => {
      expect(textOf(await client().say(command))).toContain(current);
      expect(textOf(await client().say(value))).toContain(line);
    });

    it('returns to the summary unchanged on « retour » during a correction', async () => {
      await client().say('corriger le courriel de la personne qui autorise');
      const reply = textOf(await client().say('retour'));
      expect(reply).not.toContain("C'est noté");
      expect(reply).toContain('19. Adresse électronique : F\\.COTE@PHARMACIECOTE\\.CA');
    });

    it('does not understand something else, then offers an agent', async () => {
      expect(textOf(await client().say('peut-être'))).toContain("Je n'ai pas compris.");
      expect(textOf(await client().say('bof'))).toContain('écrivez « agent »');
    });

    it('asks which box when « corriger » names none', async () => {
      expect(textOf(await client().say('corriger'))).toContain('Quel renseignement voulez-vous corriger?');
    });

    it('produces the form on « confirmer », with a single-use link and the mailing reminders', async () => {
      const reply = textOf(await client().say('confirmer'));
      expect(linkIn(reply)).toMatch(/^https:\/\/bot\.example\.ca\/forms\//);
      expect(reply).toContain("ne fonctionne qu'une seule fois et expire dans 15 minutes");
      expect(reply).toContain('**à la main**');
      expect(reply).toContain('Les lettres moulées, les initiales et les tampons ne sont pas acceptés');
      expect(reply).toContain("Postez l'**original**");
      expect(reply).toContain('Case postale 500');
      expect(reply).toContain('G1K 7B4');
      expect(reply).toContain('Aucun document photocopié, télécopié ou non conforme ne sera accepté.');
      expect(reply).toContain("Que puis-je faire d'autre pour vous?");
    });
  });

  describe('the whole form in English', () => {
    it('collects, corrects and confirms with English words', async () => {
      const client = new TestClient(app);
      const intro = await openFlow(client, true);
      expect(intro).toContain('Request for access to online services');
      expect(intro).toContain("What is the user's last name?");
      const steps: Array<[string, string]> = [
        ['Gagnon', 'What is their first name?'],
        ['Luc', 'Answer M or F.'],
        ['back', 'What is their first name?'],
        ['Luc', 'Answer M or F.'],
        ['male', "What is the user's function?"],
        ['nurse', 'starts with CE'],
        ['skip', 'pharmacy or institution'],
        ['CHSLD des Laurentides', 'mailing address'],
        ['100 Main Street, Saint-Jérôme', 'email address'],
        ['luc gagnon@chsld.ca', 'An email address contains no spaces.'],
        ['luc.gagnon@chsld.ca', 'postal code'],
        ['J7Z 1A1', 'phone number'],
        ['450 555 0199', 'fax number'],
        ['450 555 0198 ext. 3', 'A fax number has no extension'],
        ['skip', '**Section 3 – Autorisation (authorization)**'],
        ['Roy', 'What is their first name?'],
        ['Julie', 'Answer M or F.'],
        ['F', 'What is their function?'],
        ['health professional', 'practice number'],
        ['12A45', 'The practice number contains digits only.'],
        ['98765', 'Do they work at the same place as the user'],
        ['no', 'pharmacy or institution'],
        ['Clinique Nord', 'mailing address'],
        ['200 North Road, Saint-Jérôme', 'email address'],
        ['julie.roy@clinique.ca', 'postal code'],
        ['J7Y 2B2', 'phone number'],
        ['450 555 0100', 'fax number'],
        ['450 555 0101', 'Here is the summary of your request'],
      ];
      for (const [input, expected] of steps) expect(textOf(await client.say(input))).toContain(expected);

      const fixed = await answer(client, ["correct the user's postal code", 'j7z 1a2']);
      expect(fixed).toContain('Noted. Here is the updated summary.');
      expect(fixed).toContain('9. Postal code (Code postal): J7Z 1A2');
      expect(fixed).toContain('4. Function (Fonction): Nurse (Infirmier)');
      expect(fixed).toContain('5. User name for other online services: (blank)');
      expect(fixed).toContain('22. Fax (Télécopieur): 450 555-0101');

      const done = textOf(await client.say('confirm'));
      expect(linkIn(done)).toBeTruthy();
      expect(done).toContain('This link works only once and expires in 15 minutes');
      expect(done).toContain('**by hand**');
      expect(done).toContain('Mail the **original**');
      expect(done).toContain('Photocopied, faxed or non-compliant documents are not accepted.');
      expect(done).toContain('What else can I do for you?');
    });
  });

  describe('prompts', () => {
    it('refuses « passer » on a required box and says so', async () => {
      const client = new TestClient(app);
      await openFlow(client);
      const reply = textOf(await client.say('passer'));
      expect(reply).toContain('Ce renseignement est obligatoire sur le formulaire 4313');
      expect(reply).toContain('Exemple : Tremblay');
    });

    it('says there is no previous question on the first one', async () => {
      const client = new TestClient(app);
      await openFlow(client);
      expect(textOf(await client.say('retour'))).toContain("C'est la première question");
    });

    it('offers the choices as buttons and a skip button on optional boxes', async () => {
      const client = new TestClient(app);
      await openFlow(client);
      await answer(client, ['Tremblay', 'Marie']);
      const sexButtons = (await client.say('?')).find((a) => a.suggestedActions)?.suggestedActions?.actions;
      expect(sexButtons?.map((a) => a.value)).toEqual(['M', 'F']);
      await answer(client, ['F']);
      const fn = (await client.say('technicien en pharmacie')).find((a) => a.suggestedActions);
      expect(fn?.suggestedActions?.actions.map((a) => a.value)).toEqual(['Passer']);
    });

    it('keeps its place on « aide » and switches language mid-form', async () => {
      const client = new TestClient(app);
      await openFlow(client);
      await answer(client, ['Tremblay']);
      const help = textOf(await client.say('aide'));
      expect(help).toContain('Je peux vous orienter');
      expect(help).toContain('Quel est son prénom?');
      const english = textOf(await client.say('English'));
      expect(english).toContain('What is their first name?');
    });

    it('lets the user cancel, forgetting the answers', async () => {
      const client = new TestClient(app);
      await openFlow(client);
      await answer(client, ['Tremblay']);
      expect(textOf(await client.say('annuler'))).toContain("D'accord, j'ai annulé la démarche en cours.");
      expect(textOf(await client.say('1'))).toContain('Services en ligne');
    });

    it('takes an earlier card pressed again as no answer: not a refusal, and never a value', async () => {
      const client = new TestClient(app, { channelId: 'webchat' });
      await openFlow(client);
      for (let i = 0; i < 3; i++) {
        const text = textOf(
          await client.say({ text: '', value: { menuChoice: '2', menu: 'onlineServices' } }),
        );
        expect(text).toContain("Cette fiche n'est plus active.");
        expect(text).toContain('Quel est le nom de famille');
        expect(text).not.toContain("Je n'arrive toujours pas à accepter cette réponse");
      }
      // The first refusal is still the first: an error and an example, not the offer.
      const refused = textOf(await client.say('passer'));
      expect(refused).toContain('Ce renseignement est obligatoire');
      expect(refused).not.toContain("Je n'arrive toujours pas à accepter cette réponse");
      // The summary's « Confirmer » pressed during a correction is not the new value.
      await answer(client, ['Tremblay', ...QUICK_ANSWERS.slice(1)]);
      await client.say({ text: '', value: { accessRequest: 'correct', field: 'user.establishment' } });
      const stale = textOf(await client.say({ text: '', value: { accessRequest: 'confirm' } }));
      expect(stale).toContain("Cette fiche n'est plus active.");
      expect(stale).toContain('Valeur actuelle : PHARMACIE CÔTÉ');
      const summary = textOf(await client.say('retour'));
      expect(summary).not.toContain('CONFIRM');
    });

    it('sends an agent to the phone after two refusals if asked', async () => {
      const client = new TestClient(app);
      await openFlow(client);
      const offer = await answer(client, ['Tremblay', 'Marie', 'X', 'Y']);
      expect(offer).toContain('« agent » pour joindre une personne');
      // The agent flow is another feature's: only check that it took over from the form.
      const agent = textOf(await client.say('agent'));
      expect(agent).toContain("Centre d'assistance aux professionnels");
      expect(agent).not.toContain('Répondez M ou F.');
    });
  });

  describe('channels', () => {
    it('shows the summary as an Adaptive Card in Web Chat and accepts its buttons', async () => {
      const client = new TestClient(app, { channelId: 'webchat' });
      const replies = await fillAccessRequest(client);
      const card = replies.flatMap((a) => a.attachments ?? []).find(isAdaptiveCard);
      expect(card).toBeDefined();
      const json = JSON.stringify(card?.content);
      expect(json).toContain('"type":"FactSet"');
      expect(json).toContain('"title":"1\\\\. Nom","value":"TREMBLAY"');
      expect(json).toContain('"data":{"accessRequest":"confirm"}');

      const correcting = textOf(
        await client.say({ text: '', value: { accessRequest: 'correct', field: 'user.email' } }),
      );
      expect(correcting).toContain('Valeur actuelle : MARIE@PHARMACIE\\.CA');
      await client.say('marie.t@pharmacie.ca');
      const done = textOf(await client.say({ text: '', value: { accessRequest: 'confirm' } }));
      expect(linkIn(done)).toBeTruthy();
    });

    it('numbers the summary card as written: « 9. » alone would be a markdown list that Web Chat shows « 1. »', async () => {
      const client = new TestClient(app, { channelId: 'webchat' });
      const replies = await fillAccessRequest(client);
      const content = replies.flatMap((a) => a.attachments ?? []).find(isAdaptiveCard)?.content as {
        body: Array<{ type: string; facts?: Array<{ title: string }>; choices?: Array<{ title: string }> }>;
      };
      const titles = content.body.flatMap((e) => e.facts ?? []).map((f) => f.title);
      expect(titles).toHaveLength(FIELDS.length);
      titles.forEach((title, i) => expect(title).toMatch(new RegExp(`^${i + 1}\\\\\\. \\S`)));
      // The field picker is plain text: no backslash there.
      const choices = content.body.flatMap((e) => e.choices ?? []).map((c) => c.title);
      expect(choices[8]).toMatch(/^9\. \S/);
    });

    it("says the user's own text back as typed: no bold, no link in the question or on the summary card", async () => {
      const client = new TestClient(app, { channelId: 'webchat' });
      await openFlow(client);
      const typed = 'Pharmacie **Côté** [Réinitialiser](http://e.example)';
      const answers = QUICK_ANSWERS.map((a, i) => (i === 5 ? typed : a));
      const sameWorkplace = QUICK_ANSWERS.indexOf('oui');
      const question = await answer(client, answers.slice(0, sameWorkplace));
      expect(question).toContain('Cette personne travaille-t-elle au même endroit');
      expect(question).toContain('PHARMACIE \\*\\*CÔTÉ\\*\\* \\[RÉINITIALISER\\](HTTP\\://E\\.EXAMPLE)');
      expect(question).not.toMatch(/(^|[^\\])\*\*CÔTÉ|(^|[^\\])\]\(HTTP/);
      let replies: Partial<Activity>[] = [];
      for (const text of answers.slice(sameWorkplace)) replies = await client.say(text);
      const card = replies.flatMap((a) => a.attachments ?? []).find(isAdaptiveCard);
      const facts = (
        card?.content as { body: Array<{ facts?: Array<{ title: string; value: string }> }> }
      ).body
        .flatMap((e) => e.facts ?? [])
        .map((f) => f.value);
      const establishment = 'PHARMACIE \\*\\*CÔTÉ\\*\\* \\[RÉINITIALISER\\](HTTP\\://E\\.EXAMPLE)';
      // Section 2's box, and section 3's copied from it.
      expect(facts.filter((v) => v === establishment)).toHaveLength(2);
    });

    it('on the phone, explains the process and the directives and sends the caller to the chat', async () => {
      const client = new TestClient(app, { channelId: 'telephony' });
      await client.say('bonjour');
      await client.say('1');
      const replies = await client.say('4');
      const text = textOf(replies);
      expect(text).toContain('formulaire 4313');
      expect(text).toContain('lettres majuscules');
      expect(text).toContain('les lettres moulées, les initiales et les tampons ne sont pas acceptés');
      expect(text).toContain('Case postale 500');
      expect(text).toContain('Aucun document photocopié, télécopié ou non conforme ne sera accepté.');
      expect(text).toContain('fenêtre de clavardage');
      expect(text).not.toContain('Quel est le nom de famille');
      expect(replies.find((a) => a.speak)?.speak).toContain('<speak');
    });
  });

  describe('locale keys built from field ids', () => {
    const messages = new Messages();
    const errors: ValidationError[] = [
      'empty',
      'name.characters',
      'name.length',
      'choice.unknown',
      'existingUsername.ip',
      'existingUsername.format',
      'text.characters',
      'text.nam',
      'establishment.length',
      'address.length',
      'address.format',
      'email.at',
      'email.spaces',
      'email.domain',
      'email.format',
      'email.length',
      'postalCode.length',
      'postalCode.letters',
      'postalCode.format',
      'phone.missingAreaCode',
      'phone.length',
      'phone.areaCode',
      'phone.exchange',
      'phone.characters',
      'phone.extension',
      'fax.extension',
      'practiceNumber.digits',
      'practiceNumber.length',
    ];
    const keys = [
      ...FIELDS.flatMap((f) =>
        ['label', 'question', 'example'].map((k) => `accessRequest:fields.${f.id}.${k}`),
      ),
      ...errors.map((e) => `accessRequest:errors.${e}`),
    ];
    it.each(LANGUAGES)('exist in %s', (lang) => {
      expect(keys.filter((k) => !messages.has(lang, k))).toEqual([]);
    });
  });
});

function isAdaptiveCard(attachment: Attachment): boolean {
  return attachment.contentType === 'application/vnd.microsoft.card.adaptive';
}
