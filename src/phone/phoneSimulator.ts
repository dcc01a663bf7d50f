import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { ActivityTypes, type Activity } from 'botbuilder';
import { keypressActivity, type KeypadKey } from '../dialogs/shared/dtmf';
import { ssmlToText } from '../dialogs/shared/ssml';
import { HANDOFF_EVENT } from '../voice/voiceTurn';
import type { Translate } from '../i18n';
import { startLocalConnector, type LocalConnector } from './localConnector';

/** Speaks a prompt aloud (espeak-ng), or undefined when no speech is available. */
export type Speaker = (text: string, xmlLang: string) => void;

/** Options of {@link PhoneSimulator}. */
export interface PhoneSimulatorOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botUrl: string;
  /** Where the call's transcript is written (the terminal). */
  output: Writable;
  /** Labels, from the `phone` locale namespace. */
  t: Translate;
  /** Sent as the activities' locale; the bot answers in French anyway until asked for English. */
  locale?: string;
  /** Reads the bot's prompts aloud when given. */
  speaker?: Speaker;
  /** The caller's number, used as the user id as the telephony channel does. */
  callerId?: string;
}

/** What one typed line did. */
export type LineOutcome = 'continue' | 'quit';

const KEYS_ONLY = /^[0-9*#\s]+$/;

/** espeak-ng as a {@link Speaker} when installed; prompts are spoken one after the other. */
export function espeakSpeaker(): Speaker | undefined {
  const probe = spawnSync('espeak-ng', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  let queue = Promise.resolve();
  return (text, xmlLang) => {
    const voice = xmlLang.toLowerCase().startsWith('en') ? 'en-us' : 'fr-fr';
    queue = queue.then(
      () =>
        new Promise<void>((resolve) => {
          const child = spawn('espeak-ng', ['-v', voice, text], { stdio: 'ignore' });
          child.on('exit', () => resolve());
          child.on('error', () => resolve());
        }),
    );
  };
}

/**
 * A terminal telephony caller for a running bot. It runs its own Bot Connector endpoint as `serviceUrl`, so
 * it receives replies and proactive messages (no-input reprompts) exactly as the telephony channel would;
 * typed words are sent as recognized speech and typed digits as one DTMF message per key.
 */
export class PhoneSimulator {
  /** Every line written, for tests. */
  readonly transcript: string[] = [];
  private connector: LocalConnector | undefined;
  private conversationId = '';
  private inFlight = 0;
  private active = false;
  private lastProactiveAt = 0;
  private readonly callerId: string;

  constructor(private readonly options: PhoneSimulatorOptions) {
    this.callerId = options.callerId ?? '+15145550100';
  }

  /** True between the call's start and its transfer or hang-up. */
  get callActive(): boolean {
    return this.active;
  }

  /** Opens the connector endpoint and places the call. */
  async start(): Promise<void> {
    this.connector = await startLocalConnector({
      onActivity: (activity, conversationId) => {
        if (conversationId === this.conversationId) this.show(activity);
      },
    });
    await this.dial();
  }

  /** Places a new call (a new conversation), as when the line rings. */
  async dial(): Promise<void> {
    this.conversationId = `call-${randomUUID()}`;
    this.active = true;
    await this.post({
      type: ActivityTypes.ConversationUpdate,
      membersAdded: [{ id: this.callerId, name: this.callerId }],
    });
  }

  /**
   * Handles one typed line: keys ("12#", "*") go as one DTMF message per key, words as speech; commands:
   * /say (or /dire) text, /hangup (/raccrocher), /redial (/rappeler), /quit (/quitter), /help (/aide).
   */
  async handle(line: string): Promise<LineOutcome> {
    const input = line.trim();
    const { t } = this.options;
    if (!input) return 'continue';
    const [command, ...rest] = input.split(/\s+/);
    switch (command.toLowerCase()) {
      case '/quit':
      case '/quitter':
        if (this.active) await this.hangUp();
        return 'quit';
      case '/hangup':
      case '/raccrocher':
        if (this.active) await this.hangUp();
        return 'continue';
      case '/redial':
      case '/rappeler':
        await this.dial();
        return 'continue';
      case '/help':
      case '/aide':
        this.write(t('phone:help'));
        return 'continue';
      case '/say':
      case '/dire':
        return this.speak(rest.join(' '));
      default:
        break;
    }
    if (!this.active) {
      this.write(t('phone:callEnded'));
      return 'continue';
    }
    if (KEYS_ONLY.test(input)) {
      const keys = [...input.replace(/\s+/g, '')] as KeypadKey[];
      this.write(`${t('phone:caller')} ▸ [${t('phone:keys')} ${keys.join(' ')}]`);
      for (const key of keys) await this.post(keypressActivity(key));
      return 'continue';
    }
    return this.speak(input);
  }

  /** The caller hangs up: the channel tells the bot the conversation is over. */
  async hangUp(): Promise<void> {
    this.active = false;
    this.write(this.options.t('phone:callerHungUp'));
    await this.post({ type: ActivityTypes.EndOfConversation });
  }

  /** Closes the connector endpoint. */
  async close(): Promise<void> {
    await this.connector?.close();
    this.connector = undefined;
  }

  private async speak(text: string): Promise<LineOutcome> {
    if (!text) return 'continue';
    if (!this.active) {
      this.write(this.options.t('phone:callEnded'));
      return 'continue';
    }
    this.write(`${this.options.t('phone:caller')} ▸ « ${text} »`);
    await this.post({ type: ActivityTypes.Message, text });
    return 'continue';
  }

  private async post(activity: Partial<Activity>): Promise<void> {
    const { t, botUrl } = this.options;
    const body: Partial<Activity> = {
      id: randomUUID(),
      timestamp: new Date(),
      channelId: 'telephony',
      serviceUrl: this.connector?.serviceUrl,
      conversation: { id: this.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: this.callerId, name: this.callerId, role: 'user' },
      recipient: { id: 'bot', name: 'bot', role: 'bot' },
      locale: this.options.locale ?? 'fr-CA',
      ...activity,
    };
    this.inFlight += 1;
    try {
      const response = await fetch(botUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      if (!response.ok) this.write(t('phone:refused', { status: response.status }));
    } catch (error) {
      this.write(t('phone:error', { url: botUrl, message: (error as Error).message }));
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Writes what the caller would hear or what the channel would do. */
  private show(activity: Partial<Activity>): void {
    const { t } = this.options;
    // Nothing of ours is in flight: the bot spoke on its own (a no-input reprompt or hang-up). One label per
    // burst, since a reprompt arrives as several messages.
    if (this.inFlight === 0 && activity.type !== ActivityTypes.Typing) {
      if (Date.now() - this.lastProactiveAt > 1000) this.write(t('phone:proactive'));
      this.lastProactiveAt = Date.now();
    }
    if (activity.type === ActivityTypes.Message) {
      const pause = ` ${t('phone:pause')} `;
      const heard = activity.speak
        ? ssmlToText(activity.speak, () => pause)
            .replace(/\s+([.,!?])/g, '$1')
            .replace(/\s{2,}/g, ' ')
        : (activity.text ?? '');
      const hint =
        activity.inputHint === 'expectingInput'
          ? ` ${t('phone:expecting')}`
          : activity.inputHint === 'ignoringInput'
            ? ` ${t('phone:ignoring')}`
            : '';
      this.write(`${t('phone:bot')} ▸ ${heard}${hint}`);
      const lang = /xml:lang="([^"]+)"/.exec(activity.speak ?? '')?.[1] ?? 'fr-CA';
      this.options.speaker?.(ssmlToText(activity.speak ?? heard), lang);
    } else if (activity.type === ActivityTypes.Event && activity.name === HANDOFF_EVENT) {
      const target = (activity.value as { TargetPhoneNumber?: string } | undefined)?.TargetPhoneNumber ?? '?';
      this.active = false;
      this.write(`*** ${t('phone:transfer', { number: target })}`);
    } else if (activity.type === ActivityTypes.EndOfConversation) {
      this.active = false;
      this.write(`*** ${t('phone:hangUp')}`);
    } else if (activity.type === ActivityTypes.Event) {
      this.write(`*** ${t('phone:event', { name: activity.name ?? '' })}`);
    }
  }

  private write(line: string): void {
    this.transcript.push(line);
    this.options.output.write(`${line}\n`);
  }
}
