import { ConfigError, loadConfig } from '../src/config';

describe('escalation configuration', () => {
  it('defaults to no agents, a 10-minute wait and no extra closures', () => {
    expect(loadConfig({}).escalation).toEqual({
      agentIds: [],
      hubConversation: undefined,
      handoffStatusSenders: [],
      waitMinutes: 10,
      extraClosures: [],
    });
  });

  it.each([
    [
      { AGENT_IDS: '0B7C1F3E-0000-4000-8000-00000000000A, 0b7c1f3e-0000-4000-8000-00000000000b' },
      { agentIds: ['0b7c1f3e-0000-4000-8000-00000000000a', '0b7c1f3e-0000-4000-8000-00000000000b'] },
    ],
    [{ AGENT_HUB_CONVERSATION: '19:abc@thread.tacv2' }, { hubConversation: '19:abc@thread.tacv2' }],
    [{ HANDOFF_STATUS_SENDERS: ' omnichannel , hub-2 ' }, { handoffStatusSenders: ['omnichannel', 'hub-2'] }],
    [{ ESCALATION_WAIT_MINUTES: '5' }, { waitMinutes: 5 }],
    [
      { CENTRE_EXTRA_CLOSURES: '2026-12-24..2027-01-02, 04-06 ,2026-11-30' },
      { extraClosures: ['2026-12-24..2027-01-02', '04-06', '2026-11-30'] },
    ],
  ])('reads %j', (env, expected) => {
    expect(loadConfig(env).escalation).toMatchObject(expected);
  });

  it.each([
    [
      { AGENT_IDS: 'julie@ramq.gouv.qc.ca' },
      'AGENT_IDS: expected Entra object ids (GUIDs) separated by commas',
    ],
    [
      { ESCALATION_WAIT_MINUTES: '0' },
      'ESCALATION_WAIT_MINUTES: expected a whole number of minutes greater than 0',
    ],
    [
      { AGENT_HUB_CONVERSATION: 'two words' },
      'AGENT_HUB_CONVERSATION: expected a Teams channel conversation id',
    ],
    [
      { HANDOFF_STATUS_SENDERS: 'omnichannel,,hub-2' },
      'HANDOFF_STATUS_SENDERS: expected the external hub sender ids (from.id) separated by commas',
    ],
    [{ CENTRE_EXTRA_CLOSURES: '2026-12-24,Noël' }, 'CENTRE_EXTRA_CLOSURES: "Noël": expected YYYY-MM-DD'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
