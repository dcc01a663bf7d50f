import { randomBytes } from 'node:crypto';
import {
  MAX_SECRET_FINGERPRINTS,
  SecretFingerprints,
} from '../../src/services/escalation/secretFingerprints';

describe('SecretFingerprints', () => {
  const fingerprints = new SecretFingerprints();
  const known = [fingerprints.of('Pâté chinois', 'conv-1')!, fingerprints.of('Filou', 'conv-1')!];

  it('keeps no trace of the secret in the fingerprint', () => {
    for (const f of known) expect(f).not.toMatch(/pate|chinois|filou/i);
    expect(known[0]).toMatch(/^2\./);
  });

  it.each([
    ['the secret alone, folded as answers are', 'PATE   chinois!', { text: '••••!', whole: true }],
    [
      'the secret in a sentence',
      'ma réponse était Filou, je crois',
      { text: 'ma réponse était ••••, je crois', whole: false },
    ],
    ['two secrets', 'Filou et « pâté-chinois »', { text: '•••• et « •••• »', whole: false }],
  ])('masks %s', (_label, line, expected) => {
    expect(fingerprints.mask(line, known, 'conv-1')).toEqual(expected);
  });

  it.each([
    ['a word that only contains the secret', 'Filoutage'],
    ['part of a secret', 'un pâté au saumon'],
    ['nothing known', 'bonjour'],
  ])('leaves %s', (_label, line) => {
    expect(fingerprints.mask(line, known, 'conv-1')).toBeUndefined();
  });

  it('recognises a secret only in its own conversation', () => {
    expect(fingerprints.mask('Filou', known, 'conv-2')).toBeUndefined();
  });

  it('agrees across instances with the same STATE_SEAL_KEY, not with another key', () => {
    const key = randomBytes(32);
    const one = new SecretFingerprints(key).of('Filou', 'conv-1');
    expect(new SecretFingerprints(key).of('filou', 'conv-1')).toBe(one);
    expect(new SecretFingerprints(randomBytes(32)).of('Filou', 'conv-1')).not.toBe(one);
  });

  it('ignores what no account would take as an answer', () => {
    expect(fingerprints.of('a', 'conv-1')).toBeUndefined();
    expect(fingerprints.of('?!', 'conv-1')).toBeUndefined();
  });

  it('remembers a bounded number, the latest last and each once', () => {
    let kept: string[] = [];
    for (let i = 0; i < MAX_SECRET_FINGERPRINTS + 5; i += 1)
      kept = SecretFingerprints.remember(kept, `1.f${i}`);
    kept = SecretFingerprints.remember(kept, `1.f${MAX_SECRET_FINGERPRINTS}`);
    expect(kept).toHaveLength(MAX_SECRET_FINGERPRINTS);
    expect(kept[kept.length - 1]).toBe(`1.f${MAX_SECRET_FINGERPRINTS}`);
    expect(kept).not.toContain('1.f0');
  });
});
