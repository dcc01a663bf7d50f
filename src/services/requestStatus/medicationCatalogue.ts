import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Language } from '../../i18n';
import { DATA_DIR } from '../centre';
import type { RequestFilter } from './types';

const catalogueSchema = z.object({
  medications: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9-]+$/),
        generic: z.object({ fr: z.string().min(1), en: z.string().min(1) }),
        brands: z.array(z.string().min(1)),
        aliases: z.array(z.string().min(1)).optional(),
        dins: z.array(z.string().regex(/^\d{8}$/)).optional(),
      }),
    )
    .min(1),
  exceptionalPatient: z.object({ keywords: z.array(z.string().min(1)).min(1) }),
});

/** One exception medication: its generic names, brands, spoken or partial aliases and verified DINs. */
export interface Medication {
  id: string;
  generic: Record<Language, string>;
  brands: readonly string[];
  aliases: readonly string[];
  dins: readonly string[];
}

/** The medications the flow recognizes, plus the words naming the exceptional-patient measure. */
export interface MedicationCatalogue {
  medications: readonly Medication[];
  exceptionalPatientKeywords: readonly string[];
}

/** Loads and validates data/medications.json; a malformed file stops start-up. */
export function loadMedicationCatalogue(
  file: string = path.join(DATA_DIR, 'medications.json'),
): MedicationCatalogue {
  const data = catalogueSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const ids = new Set<string>();
  for (const m of data.medications) {
    if (ids.has(m.id)) throw new Error(`data/medications.json: duplicate id ${m.id}`);
    ids.add(m.id);
  }
  return {
    medications: data.medications.map((m) => ({
      id: m.id,
      generic: m.generic,
      brands: m.brands,
      aliases: m.aliases ?? [],
      dins: m.dins ?? [],
    })),
    exceptionalPatientKeywords: data.exceptionalPatient.keywords,
  };
}

/** "adalimumab (Humira)": the generic name in the user's language and the first brand. */
export function medicationLabel(medication: Medication, language: Language): string {
  const brand = medication.brands[0];
  return brand ? `${medication.generic[language]} (${brand})` : medication.generic[language];
}

/** The service filter for a catalogue medication. */
export function medicationFilter(medication: Medication): RequestFilter {
  return {
    kind: 'medication',
    id: medication.id,
    dins: medication.dins,
    names: [medication.generic.fr, medication.generic.en, ...medication.brands],
  };
}
