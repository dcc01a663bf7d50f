import { redactBotLine, redactLine } from '../../../src/services/escalation/redaction';

describe('redactLine on a spoken line', () => {
  it.each([
    [
      'a NAM in the middle keeps the words around it',
      'le dossier de BOUM cinquante-cinq zéro huit douze douze pour Humira',
      'le dossier de ********1212 pour Humira',
    ],
    [
      'a NAM followed by words that are also letter names',
      'pour BOUM cinquante-cinq zéro huit douze douze de madame a',
      'pour ********1212 de madame a',
    ],
    [
      'two NAMs in one line',
      'BOUM cinquante-cinq zéro huit douze douze et TREM cinquante-cinq zéro huit douze treize',
      '********1212 et ********1213',
    ],
    ['a line without a NAM is left as said', 'je veux parler à un agent', 'je veux parler à un agent'],
  ])('%s', (_case, said, kept) => {
    const line = redactLine(said, { spoken: true });
    expect(line).toBe(kept);
    expect(line).not.toMatch(/cinquante-cinq zéro huit/);
  });
});

describe('redactLine on a form download link', () => {
  const token = 'Ab3_-x'.repeat(7) + 'Q';

  it.each([
    ['a bare link', `Téléchargez-le ici : https://bot.example.ca/forms/${token}`],
    ['a link in parentheses', `le formulaire (https://bot.example.ca/forms/${token}) expire dans 15 minutes`],
    ['a markdown link', `[Formulaire 4313 (PDF)](http://localhost:3978/forms/${token})`],
  ])('hides the single-use token of %s, not the rest of the line', (_case, line) => {
    const kept = redactLine(line, { passwords: false });
    expect(kept).not.toContain(token);
    expect(kept).toContain('/forms/••••');
  });
});

describe('redactBotLine', () => {
  it('masks a line as redactLine does, however many times the bot says it', () => {
    const said = 'Aucun médicament ne correspond à « GAGS 7262 0314 K7PM-4QX2-9R ».';
    for (let i = 0; i < 3; i += 1) expect(redactBotLine(said)).toBe(redactLine(said));
    expect(redactBotLine(said)).not.toMatch(/7262|K7PM/);
  });

  it('gives a clean line back unchanged, again and again', () => {
    const said = 'Pour les services en ligne, faites le 1. Heures : 8 h 30 à 16 h 30, 418 643-8210.';
    expect(redactBotLine(said)).toBe(said);
    expect(redactBotLine(said)).toBe(said);
  });

  it('keeps masking once it has remembered many clean lines', () => {
    for (let i = 0; i < 2500; i += 1) redactBotLine(`Ligne propre numéro ${i}.`);
    expect(redactBotLine('Votre NAM GAGS72620314 est reçu.')).toBe('Votre NAM ********0314 est reçu.');
  });
});

describe('redactLine on what a user declares to be a password', () => {
  it.each([
    ['mon mot de passe est Pharmacie Rimouski 2026', 'mon mot de passe est ••••'],
    ['mdp: Bureau Levis 2026 Nord', 'mdp: ••••'],
    ["mon mot de passe c'est filou123, je crois", "mon mot de passe c'est ••••, je crois"],
    ['Le mot de passe est Érable Sucré et ça ne marche pas', 'Le mot de passe est •••• et ça ne marche pas'],
    ['mon mot de passe est Bureau.Levis, merci', 'mon mot de passe est ••••, merci'],
    ['mon mot de passe est Pharmacie Rimouski 2026.', 'mon mot de passe est ••••.'],
    ['my password is Pharmacie Rimouski 2026 and it fails', 'my password is •••• and it fails'],
    ['password: sugar shack', 'password: ••••'],
  ])('hides the password in « %s »', (typed, kept) => {
    expect(redactLine(typed, { spoken: true })).toBe(kept);
  });

  it.each([
    'mon mot de passe est expiré',
    'mon mot de passe est bloqué depuis ce matin',
    "mon mot de passe n'est plus valide",
    'le mot de passe est trop long?',
    'mot de passe oublié',
    'Je veux changer mon mot de passe',
    'my password is not working',
    'my password is expired',
    'le mot de passe estimé trop faible',
  ])('keeps what is said of a password: « %s »', (typed) => {
    expect(redactLine(typed, { spoken: true })).toBe(typed);
  });

  it.each(['Votre nouveau mot de passe est enregistré.', 'Your password is created.'])(
    'leaves the bot’s own lines alone: « %s »',
    (said) => {
      expect(redactBotLine(said)).toBe(said);
    },
  );
});
