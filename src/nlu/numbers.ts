import {
  AgnosticNumberParserFactory,
  AgnosticNumberParserType,
  type BaseNumberExtractor,
  EnglishNumberExtractor,
  EnglishNumberParserConfiguration,
  EnglishOrdinalExtractor,
  FrenchNumberExtractor,
  FrenchNumberParserConfiguration,
  FrenchNumeric,
  FrenchOrdinalExtractor,
  NumberMode,
  NumberModel,
  OrdinalModel,
  RegExpUtility,
} from '@microsoft/recognizers-text-number';

/**
 * French ordinals below a hundred and the round ones (« centième », « millième »), in place of the library's
 * pattern for every ordinal up to the billions.
 */
const SMALL_FRENCH_ORDINAL = `(?:${FrenchNumeric.UnderHundredOrdinalRegex}|${FrenchNumeric.SimpleRoundOrdinalRegex})`;

/**
 * The library's French patterns that embed its every-ordinal pattern (about 110,000 characters): spelled
 * fractions (« trois cinquièmes », « un demi ») and ordinals. Compiling the three took 2 s of start-up.
 */
const HEAVY_FRENCH_PATTERNS = [
  FrenchNumeric.FractionNounRegex,
  FrenchNumeric.FractionNounWithArticleRegex,
  FrenchNumeric.OrdinalFrenchRegex,
] as const;

/**
 * The extractor with each heavy French pattern rebuilt around {@link SMALL_FRENCH_ORDINAL}; the rest of the
 * library's extractor (integers, decimals, fractions, ambiguity filters) is used unchanged. Callers only
 * want small whole numbers, so nothing they read is lost, and compiling the patterns takes a tenth as long.
 */
function withSmallFrenchOrdinals<T extends BaseNumberExtractor>(extractor: T): T {
  const lighter = new Map(
    HEAVY_FRENCH_PATTERNS.map((pattern) => [
      RegExpUtility.getSafeRegExp(pattern).source,
      pattern.split(FrenchNumeric.AllOrdinalNumberRegex).join(SMALL_FRENCH_ORDINAL),
    ]),
  );
  extractor.regexes = extractor.regexes.map((entry) => {
    const pattern = lighter.get(entry.regExp.source);
    return pattern ? { value: entry.value, regExp: RegExpUtility.getSafeRegExp(pattern) } : entry;
  });
  return extractor;
}

/** Cardinal and ordinal models of one language. */
interface NumberModels {
  cardinal: NumberModel;
  ordinal: OrdinalModel;
}

/** French first (fr-CA is served by the library's French models), then English. */
function buildModels(): NumberModels[] {
  const french = new FrenchNumberParserConfiguration();
  const english = new EnglishNumberParserConfiguration();
  const parser = AgnosticNumberParserFactory.getParser;
  return [
    {
      cardinal: new NumberModel(
        parser(AgnosticNumberParserType.Number, french),
        withSmallFrenchOrdinals(new FrenchNumberExtractor(NumberMode.PureNumber)),
      ),
      ordinal: new OrdinalModel(
        parser(AgnosticNumberParserType.Ordinal, french),
        withSmallFrenchOrdinals(new FrenchOrdinalExtractor()),
      ),
    },
    {
      cardinal: new NumberModel(
        parser(AgnosticNumberParserType.Number, english),
        new EnglishNumberExtractor(NumberMode.PureNumber),
      ),
      ordinal: new OrdinalModel(
        parser(AgnosticNumberParserType.Ordinal, english),
        new EnglishOrdinalExtractor(),
      ),
    },
  ];
}

let models: NumberModels[] | undefined;

function numberModels(): NumberModels[] {
  models ??= buildModels();
  return models;
}

/**
 * Sentences that make the recognizers build their models and compile their patterns. V8 compiles a regular
 * expression separately for one-byte (Latin-1) and two-byte subject strings, so every text is first folded to
 * Latin-1 (see {@link toLatin1}) and only the one-byte versions are ever compiled. Once warm, any sentence
 * costs a few milliseconds.
 */
const WARM_UP_CORPUS = ['bonjour', 'deux cent trente-quatre', 'le troisième, 3,5 pour cent et 1/2'] as const;

/**
 * The text with typographic apostrophes, quotes and dashes made plain and anything beyond Latin-1 (emoji,
 * symbols) blanked, held in a one-byte string: the recognizers then never meet a two-byte string, whose
 * patterns would have to be compiled a second time on the hot path.
 */
export function toLatin1(text: string): string {
  const folded = text
    .normalize('NFC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u00B4`]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[^\t\n\r\x20-\xFF]/gu, ' ');
  // A string built by replacements may still be stored as two-byte: decoding Latin-1 bytes never is.
  return Buffer.from(folded, 'latin1').toString('latin1');
}

/**
 * Warms the recognizers one sentence at a time, yielding to the event loop in between so that /healthz
 * keeps answering while /readyz waits.
 */
export async function warmNumberRecognizers(): Promise<void> {
  // Yield first: the caller goes on building the application (and then listening) meanwhile.
  await new Promise((resolve) => setImmediate(resolve));
  for (const sentence of WARM_UP_CORPUS.map(toLatin1)) {
    for (const language of numberModels()) {
      language.cardinal.parse(sentence);
      language.ordinal.parse(sentence);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * Whole numbers and ordinals found in free text, French then English, without duplicates. This is the
 * expensive fallback: callers try exact keyword matching first.
 */
export function recognizeSmallNumbers(text: string): number[] {
  const found = new Set<number>();
  const subject = toLatin1(text);
  for (const language of numberModels()) {
    for (const result of [...language.cardinal.parse(subject), ...language.ordinal.parse(subject)]) {
      const value = Number((result.resolution as { value?: string } | undefined)?.value);
      if (Number.isInteger(value) && value >= 0) found.add(value);
    }
  }
  return [...found];
}
