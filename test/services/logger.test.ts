import { createHash } from 'node:crypto';
import { hashId } from '../../src/services/logger';

describe('hashId', () => {
  const sha = (id: string) => createHash('sha256').update(id).digest('hex').slice(0, 16);

  it('gives the first 16 hex digits of the SHA-256 of the id, and "-" for no id', () => {
    expect(hashId('webchat/conversation-1')).toBe(sha('webchat/conversation-1'));
    expect(hashId('')).toBe('-');
    expect(hashId(undefined)).toBe('-');
  });

  it('stays the same for an id asked again, before and after many other ids', () => {
    const first = hashId('conversation-stable');
    for (let i = 0; i < 10_000; i += 1) expect(hashId(`other-${i}`)).toBe(sha(`other-${i}`));
    expect(hashId('conversation-stable')).toBe(first);
    expect(first).toBe(sha('conversation-stable'));
  });
});
