import { Sealer } from '../../../src/services/requestStatus/sealer';

describe('Sealer', () => {
  let now = 0;
  const sealer = new Sealer(undefined, 60_000, () => now);

  it('opens its own token in the same conversation', () => {
    const token = sealer.seal('BOUM55081212', 'test/conv-1');
    expect(token).not.toContain('BOUM');
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('BOUM');
    expect(sealer.open(token, 'test/conv-1')).toBe('BOUM55081212');
  });

  it.each([
    ['another conversation', (t: string) => sealer.open(t, 'test/conv-2')],
    ['a tampered token', (t: string) => sealer.open(`${t.slice(0, -2)}AA`, 'test/conv-1')],
    ['another key', (t: string) => new Sealer(undefined, 60_000, () => now).open(t, 'test/conv-1')],
    ['garbage', () => sealer.open('not a token', 'test/conv-1')],
  ])('refuses %s', (_label, open) => {
    const token = sealer.seal({ nam: 'BOUM55081212' }, 'test/conv-1');
    expect(open(token)).toBeUndefined();
  });

  it('expires', () => {
    now = 0;
    const token = sealer.seal([1, 2, 3], 'c');
    now = 60_000;
    expect(sealer.open(token, 'c')).toEqual([1, 2, 3]);
    now = 60_001;
    expect(sealer.open(token, 'c')).toBeUndefined();
  });

  it('shares tokens between instances given the same key (STATE_SEAL_KEY)', () => {
    const key = Buffer.alloc(32, 7);
    const token = new Sealer(key, 60_000).seal('x', 'c');
    expect(new Sealer(key, 60_000).open(token, 'c')).toBe('x');
  });

  it('rejects a key of the wrong size', () => {
    expect(() => new Sealer(Buffer.alloc(16), 1000)).toThrow('32 bytes');
  });
});
