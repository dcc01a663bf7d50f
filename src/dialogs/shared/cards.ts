import { CardFactory, type Attachment } from 'botbuilder';

/** Channels whose clients render Adaptive Cards: Teams and Web Chat (Direct Line). */
const CARD_CHANNELS: ReadonlySet<string> = new Set(['msteams', 'webchat', 'directline']);

/** True when menus and results should be sent as Adaptive Cards on this channel. */
export function rendersCards(channelId: string | undefined): boolean {
  return CARD_CHANNELS.has(channelId ?? '');
}

/** Adaptive Card schema version: 1.5 is what Teams renders on every client. */
export const CARD_VERSION = '1.5';

/** A text block, wrapped, in the card's default style unless told otherwise. */
export interface CardText {
  text: string;
  weight?: 'Bolder' | 'Default';
  size?: 'Medium' | 'Default' | 'Small';
  isSubtle?: boolean;
}

/** One button of a menu card. */
export interface CardChoice {
  key: string;
  title: string;
  /** Value posted back; the recognizer reads `menuChoice`. */
  data: Record<string, unknown>;
}

/** A fact (label and value) of a results card. */
export interface CardFact {
  title: string;
  value: string;
}

function textBlock(block: CardText): Record<string, unknown> {
  return { type: 'TextBlock', wrap: true, ...block };
}

/**
 * A menu as an Adaptive Card: the question, then one button per option. Plain Action.Submit data (no Teams
 * messageBack): it works the same in Teams, Web Chat and Agents Playground, which ignores messageBack.
 */
export function menuCard(texts: CardText[], choices: CardChoice[], fallbackText: string): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    fallbackText,
    body: texts.map(textBlock),
    actions: choices.map((choice) => ({
      type: 'Action.Submit',
      title: choice.title,
      data: { ...choice.data },
    })),
  });
}

/** A results card: a title, optional paragraphs, and facts (label: value). */
export function factsCard(
  title: string,
  paragraphs: string[],
  facts: CardFact[],
  fallbackText: string,
): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    fallbackText,
    body: [
      textBlock({ text: title, weight: 'Bolder', size: 'Medium' }),
      ...paragraphs.map((text) => textBlock({ text })),
      { type: 'FactSet', facts },
    ],
  });
}

/**
 * True for a form submitted without text (a card's button) where a typed or spoken answer is expected: an
 * earlier step's card sent again, or clicked twice. It answers nothing, so it must not count as a failure.
 */
export function isCardOnlySubmission(activity: { text?: string; value?: unknown }): boolean {
  return !(activity.text ?? '').trim() && activity.value !== null && typeof activity.value === 'object';
}

/** The text an Adaptive Card stands for (its `fallbackText`), for a message that carries a card and no text. */
export function cardFallbackText(activity: { attachments?: Attachment[] }): string | undefined {
  for (const attachment of activity.attachments ?? []) {
    const content = attachment.content as { fallbackText?: unknown } | undefined;
    if (
      attachment.contentType === CardFactory.contentTypes.adaptiveCard &&
      typeof content?.fallbackText === 'string'
    ) {
      return content.fallbackText;
    }
  }
  return undefined;
}
