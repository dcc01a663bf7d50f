import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { buildTeamsPackage, pngInfo, renderManifest, validatePackage } from '../../scripts/packageTeams';

describe('the Teams app package', () => {
  it('renders a manifest that the published v1.25 schema accepts, French by default with English added', () => {
    const files = renderManifest({ botId: '11111111-2222-3333-4444-555555555555' });
    expect(validatePackage(files)).toEqual([]);
    expect(files.manifest).toMatchObject({
      manifestVersion: '1.25',
      localizationInfo: {
        defaultLanguageTag: 'fr-CA',
        additionalLanguages: [{ languageTag: 'en', file: 'en.json' }],
      },
      name: { short: 'Assistant RAMQ' },
      bots: [
        expect.objectContaining({
          botId: '11111111-2222-3333-4444-555555555555',
          scopes: ['personal', 'team'],
        }),
      ],
    });
    expect(files.english['name.short']).toBe('RAMQ Assistant');
    expect(files.english['bots[0].commandLists[0].commands[4].title']).toBe('opening hours');
  });

  it('lists commands for the main options in French', () => {
    const bots = renderManifest().manifest.bots as Array<{
      commandLists: Array<{ commands: Array<{ title: string }> }>;
    }>;
    expect(bots[0].commandLists[0].commands.map((c) => c.title)).toEqual(
      expect.arrayContaining([
        'menu',
        'mot de passe oublié',
        "état d'une demande",
        "heures d'ouverture",
        'agent',
      ]),
    );
  });

  it('catches what Teams would refuse', () => {
    const files = renderManifest();
    (files.manifest.name as { short: string }).short = 'Un nom beaucoup trop long pour Microsoft Teams';
    delete files.manifest.accentColor;
    const problems = validatePackage(files).join('\n');
    expect(problems).toContain('manifest.json/name/short');
    expect(problems).toContain('accentColor');
  });

  it('has a 192×192 colour icon and a transparent 32×32 outline icon', () => {
    expect(pngInfo(path.join(__dirname, '../../appPackage/color.png'))).toMatchObject({
      width: 192,
      height: 192,
    });
    expect(pngInfo(path.join(__dirname, '../../appPackage/outline.png'))).toEqual({
      width: 32,
      height: 32,
      alpha: true,
    });
  });

  it('zips the manifest, its English localization and both icons', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'teams-package-'));
    const zipPath = await buildTeamsPackage({}, out);
    const zip = await JSZip.loadAsync(fs.readFileSync(zipPath));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'en.json', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as { id: string };
    expect(manifest.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
