/**
 * Builds the Microsoft Teams app package: renders appPackage/manifest.template.json with the French strings
 * of locales/fr/teams.json (French is the default language) and writes the English localization file from
 * locales/en/teams.json, validates both against the JSON schemas shipped in @microsoft/app-manifest (no
 * download), checks the icons, and zips the result.
 *
 * Environment: TEAMS_APP_ID (the app's own GUID), MicrosoftAppId (the bot's GUID), PUBLIC_BASE_URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import JSZip from 'jszip';
import { Messages } from '../src/i18n';

const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const PACKAGE_DIR = path.join(ROOT, 'appPackage');
const SCHEMA_DIR = path.join(
  path.dirname(require.resolve('@microsoft/app-manifest/package.json')),
  'build',
  'json-schemas',
  'teams',
  'v1.25',
);

/** Placeholders used when the environment does not name the real registrations. */
export const PLACEHOLDER_TEAMS_APP_ID = '5b0d3c9e-7a51-4c1e-9f3d-2e6b8a4c1d70';
export const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';

const COMMANDS = [
  'menu',
  'onlineServices',
  'passwordReset',
  'requestStatus',
  'hours',
  'agent',
  'help',
  'english',
];

/** What the package is built from. */
export interface PackageOptions {
  teamsAppId?: string;
  botId?: string;
  publicBaseUrl?: string;
}

/** The manifest (French) and its English localization file. */
export interface TeamsManifestFiles {
  manifest: Record<string, unknown>;
  english: Record<string, unknown>;
}

/** Renders the manifest and the English localization file from the template and the locales. */
export function renderManifest(options: PackageOptions = {}): TeamsManifestFiles {
  const messages = new Messages();
  const fr = messages.forLanguage('fr');
  const en = messages.forLanguage('en');
  const host = new URL(options.publicBaseUrl ?? 'https://bot.example.ca').host;
  const template = fs.readFileSync(path.join(PACKAGE_DIR, 'manifest.template.json'), 'utf8');
  const rendered = template.replace(/\{\{([^}]+)\}\}/g, (_m, name: string) => {
    if (name === 'TEAMS_APP_ID') return options.teamsAppId ?? PLACEHOLDER_TEAMS_APP_ID;
    if (name === 'MicrosoftAppId') return options.botId ?? PLACEHOLDER_BOT_ID;
    if (name === 'PUBLIC_HOST') return host;
    return JSON.stringify(fr(name)).slice(1, -1);
  });
  const english: Record<string, unknown> = {
    $schema:
      'https://developer.microsoft.com/en-us/json-schemas/teams/v1.25/MicrosoftTeams.Localization.schema.json',
    'name.short': en('teams:app.shortName'),
    'name.full': en('teams:app.fullName'),
    'description.short': en('teams:app.shortDescription'),
    'description.full': en('teams:app.fullDescription'),
  };
  COMMANDS.forEach((command, i) => {
    english[`bots[0].commandLists[0].commands[${i}].title`] = en(`teams:commands.${command}.title`);
    english[`bots[0].commandLists[0].commands[${i}].description`] = en(
      `teams:commands.${command}.description`,
    );
  });
  return { manifest: JSON.parse(rendered) as Record<string, unknown>, english };
}

function schemaValidator(file: string) {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as object);
}

/** PNG width, height and whether it has an alpha channel, read from its header. */
export function pngInfo(file: string): { width: number; height: number; alpha: boolean } {
  const data = fs.readFileSync(file);
  if (data.subarray(1, 4).toString('ascii') !== 'PNG') throw new Error(`${file} is not a PNG`);
  const colorType = data.readUInt8(25);
  return {
    width: data.readUInt32BE(16),
    height: data.readUInt32BE(20),
    alpha: colorType === 4 || colorType === 6,
  };
}

/** Every problem found in the package files; empty when Teams would accept them. */
export function validatePackage(files: TeamsManifestFiles): string[] {
  const problems: string[] = [];
  const manifestValid = schemaValidator('MicrosoftTeams.schema.json');
  if (!manifestValid(files.manifest)) {
    for (const e of manifestValid.errors ?? []) problems.push(`manifest.json${e.instancePath}: ${e.message}`);
  }
  const localizationValid = schemaValidator('MicrosoftTeams.Localization.schema.json');
  if (!localizationValid(files.english)) {
    for (const e of localizationValid.errors ?? []) problems.push(`en.json${e.instancePath}: ${e.message}`);
  }
  const color = pngInfo(path.join(PACKAGE_DIR, 'color.png'));
  if (color.width !== 192 || color.height !== 192) problems.push('color.png must be 192×192');
  const outline = pngInfo(path.join(PACKAGE_DIR, 'outline.png'));
  if (outline.width !== 32 || outline.height !== 32) problems.push('outline.png must be 32×32');
  if (!outline.alpha) problems.push('outline.png must have a transparent background');
  return problems;
}

/** Writes appPackage/manifest.json and en.json, validates them, and zips the package; returns the zip path. */
export async function buildTeamsPackage(options: PackageOptions, outDir: string): Promise<string> {
  const files = renderManifest(options);
  const problems = validatePackage(files);
  if (problems.length) throw new Error(`The Teams app package is invalid:\n${problems.join('\n')}`);
  const manifestText = `${JSON.stringify(files.manifest, null, 2)}\n`;
  const englishText = `${JSON.stringify(files.english, null, 2)}\n`;
  fs.writeFileSync(path.join(PACKAGE_DIR, 'manifest.json'), manifestText);
  fs.writeFileSync(path.join(PACKAGE_DIR, 'en.json'), englishText);
  const zip = new JSZip();
  zip.file('manifest.json', manifestText);
  zip.file('en.json', englishText);
  zip.file('color.png', fs.readFileSync(path.join(PACKAGE_DIR, 'color.png')));
  zip.file('outline.png', fs.readFileSync(path.join(PACKAGE_DIR, 'outline.png')));
  fs.mkdirSync(outDir, { recursive: true });
  const target = path.join(outDir, 'ramq-assistant-teams.zip');
  fs.writeFileSync(target, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return target;
}

if (require.main === module) {
  buildTeamsPackage(
    {
      teamsAppId: process.env.TEAMS_APP_ID || undefined,
      botId: process.env.MicrosoftAppId || undefined,
      publicBaseUrl: process.env.PUBLIC_BASE_URL || undefined,
    },
    path.join(ROOT, 'dist', 'appPackage'),
  )
    .then((zip) => console.log(`Teams app package valid and written to ${zip}`))
    .catch((error: Error) => {
      console.error(error.message);
      process.exit(1);
    });
}
