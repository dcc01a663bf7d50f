import { ssmlToText } from '../dialogs/shared/ssml';

/**
 * A spelled character or a digit of a phone number takes about as long to say as this many characters of
 * running text: « C, E, un, zéro » is four syllables where "CE10" as a word would be two.
 */
const SPELLED_CHARACTER_WEIGHT = 5;

const SPELLED = /<say-as\b[^>]*interpret-as="(?:characters|telephone)"[^>]*>([^<]*)<\/say-as>/g;

/** A `<break time>` in milliseconds: "250ms", "1s", "1.5s"; anything else counts as nothing. */
function breakMs(time: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(time.trim());
  if (!match) return 0;
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

/**
 * How long a caller will hear this SSML, estimated from its length at `charsPerSecond` of running text, plus
 * its breaks. The telephony channel says nothing when a prompt has finished playing, so the no-input timeout
 * is counted from this estimate rather than from the moment the prompt was sent.
 */
export function estimatePlaybackMs(ssml: string, charsPerSecond: number): number {
  if (!(charsPerSecond > 0)) return 0;
  let spelled = 0;
  const rest = ssml.replace(SPELLED, (_m, inner: string) => {
    spelled += inner.replace(/\s+/g, '').length;
    return ' ';
  });
  let pauses = 0;
  const text = ssmlToText(rest, (time) => {
    pauses += breakMs(time);
    return ' ';
  }).replace(/\s+/g, ' ');
  const characters = text.length + spelled * SPELLED_CHARACTER_WEIGHT;
  return Math.round((characters / charsPerSecond) * 1000 + pauses);
}
