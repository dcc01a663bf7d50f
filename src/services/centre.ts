import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

const centreSchema = z.object({
  timeZone: z.string().min(1),
  phones: z
    .array(
      z.object({
        region: z.enum(['quebec', 'montreal', 'elsewhere']),
        display: z.string().min(1),
        e164: z.string().regex(/^\+1\d{10}$/),
        areaCodes: z.array(z.string().regex(/^\d{3}$/)),
      }),
    )
    .min(1),
  onlineServicesKey: z.string().regex(/^\d$/),
  email: z.string().email(),
  mailingAddress: z.array(z.string().min(1)).min(1),
  hours: z
    .array(z.object({ weekday: z.number().int().min(0).max(6), open: timeOfDay, close: timeOfDay }))
    .min(1),
});

/** Contact information and opening hours of the Centre d'assistance aux professionnels. */
export type CentreInfo = z.infer<typeof centreSchema>;
export type PhoneRegion = CentreInfo['phones'][number]['region'];

/** Where the project's data files live, whether running from src/ (ts-jest) or dist/src/ (built). */
export const DATA_DIR = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..',
  'data',
);

/** Loads and validates data/centre.json; a malformed file stops start-up rather than misinforming callers. */
export function loadCentreInfo(file: string = path.join(DATA_DIR, 'centre.json')): CentreInfo {
  return centreSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}
