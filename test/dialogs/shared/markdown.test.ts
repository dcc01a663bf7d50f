import { escapeLineStart, escapeMarkdown } from '../../../src/dialogs/shared/markdown';

// Web Chat's own markdown engine with its options (botframework-webchat/lib/markdown/renderMarkdown.js): it
// renders message text and, through the Adaptive Cards host, text blocks and facts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(markdown: string): string };
const webChat = new MarkdownIt({
  breaks: false,
  html: true,
  linkify: true,
  typographer: true,
  xhtmlOut: true,
});

/** The HTML Web Chat makes of a markdown line. */
function rendered(markdown: string): string {
  return webChat.render(markdown).trim();
}

/** The HTML of one paragraph holding exactly `text`, nothing formatted and no link. */
function plainParagraph(text: string): string {
  return `<p>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</p>`;
}

describe('escapeLineStart', () => {
  it('keeps a numbered line from becoming a list that Web Chat renumbers from 1', () => {
    expect(rendered('2. etanercept (Enbrel)')).toContain('<ol start="2">');
    expect(escapeLineStart('2. etanercept (Enbrel)')).toBe('2\\. etanercept (Enbrel)');
    expect(rendered(escapeLineStart('2. etanercept (Enbrel)'))).toBe(
      plainParagraph('2. etanercept (Enbrel)'),
    );
    expect(rendered(escapeLineStart('22) Numéro de pratique'))).toBe(
      plainParagraph('22) Numéro de pratique'),
    );
    expect(rendered(escapeLineStart('- Nom'))).toBe(plainParagraph('- Nom'));
  });

  it('leaves other lines as they are', () => {
    for (const line of ['Nom : TREMBLAY', '2,5 mg', 'Le 2. ', '-5 °C', '2026-01-15'])
      expect(escapeLineStart(line)).toBe(line);
  });
});

describe('escapeMarkdown', () => {
  it('shows what the user typed as typed: no bold, no link, no list, no HTML', () => {
    for (const typed of [
      'Pharmacie **Côté** [Réinitialiser](http://e.example)',
      '[Sign in again](https://e.example)',
      '![logo](https://e.example/logo.png)',
      '<https://e.example>',
      'https://e.example/reset',
      'www.e.example.com',
      'pharmacie-cote.com',
      'marie@pharmacie.ca',
      'mailto:marie@pharmacie.ca',
      '<b>Côté</b>',
      '_Côté_ ~~Gagnon~~ `code` # titre | table',
      '1. Pharmacie',
      '- Pharmacie',
      'a\\*b',
    ]) {
      const html = rendered(escapeMarkdown(typed));
      expect(html).not.toMatch(/<(a|strong|em|s|code|img|ol|ul|li|h\d|b)\b/);
      expect(html).toBe(plainParagraph(typed));
    }
  });

  it('puts an answer typed on several lines on one line', () => {
    expect(rendered(escapeMarkdown('Côté\n===\nGagnon'))).toBe(plainParagraph('Côté === Gagnon'));
  });

  it('leaves ordinary names, addresses and numbers unchanged', () => {
    for (const text of [
      'Pharmacie Côté et Gagnon',
      "1234, rue Saint-Jean, Québec (bureau 200) - L'Ancienne-Lorette",
      'G1R 1P9',
      '418 555-1234',
      'Humira 40 mg',
    ])
      expect(escapeMarkdown(text)).toBe(text);
  });
});
