/**
 * A spelled character or a digit of a phone number takes about as long to say as this many characters of
 * running text: « C, E, un, zéro » is four syllables where "CE10" as a word would be two.
 */
const SPELLED_CHARACTER_WEIGHT = 5;

/**
 * One pass over the document: breaks (with their time), spelled spans (characters, telephone), other tags,
 * entities and runs of white space; whatever lies between matches is running text.
 */
const PARTS =
  /<break\b(?:[^>]*?\btime="([^"]*)")?[^>]*\/>|<say-as\b[^>]*interpret-as="(?:characters|telephone)"[^>]*>([^<]*)<\/say-as>|<[^>]*>|&#?\w+;|\s+/g;

/** A `<break time>` in milliseconds: "250ms", "1s", "1.5s"; anything else counts as nothing. */
function breakMs(time: string | undefined): number {
  const match = time ? /^(\d+(?:\.\d+)?)(ms|s)$/.exec(time.trim()) : null;
  if (!match) return 0;
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

/**
 * How long a caller will hear this SSML, estimated from its length at `charsPerSecond` of running text (an
 * entity counts as the one character it stands for, a run of spaces or a tag between words as one space), plus
 * its breaks. The telephony channel says nothing when a prompt has finished playing, so the no-input timeout
 * is counted from this estimate rather than from the moment the prompt was sent. One pass, no copies: it runs
 * on every message of a call.
 */
export function estimatePlaybackMs(ssml: string, charsPerSecond: number): number {
  if (!(charsPerSecond > 0)) return 0;
  let characters = 0;
  let pauses = 0;
  let last = 0;
  // A gap between words (space, tag) counts once, and not at the start or the end.
  let gap = false;
  let spoken = false;
  PARTS.lastIndex = 0;
  for (let match = PARTS.exec(ssml); match; match = PARTS.exec(ssml)) {
    if (match.index > last) {
      if (gap && spoken) characters += 1;
      characters += match.index - last;
      spoken = true;
      gap = false;
    }
    last = PARTS.lastIndex;
    const [part, time, spelled] = match;
    if (part.startsWith('&')) {
      if (gap && spoken) characters += 1;
      characters += 1;
      spoken = true;
      gap = false;
    } else if (spelled !== undefined) {
      characters += spelled.replace(/\s+/g, '').length * SPELLED_CHARACTER_WEIGHT;
      gap = true;
    } else {
      if (part.startsWith('<break')) pauses += breakMs(time);
      gap = true;
    }
  }
  if (ssml.length > last) {
    if (gap && spoken) characters += 1;
    characters += ssml.length - last;
  }
  return Math.round((characters / charsPerSecond) * 1000 + pauses);
}
