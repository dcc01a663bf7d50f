import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DATA_DIR } from '../centre';
import { AUTHORIZER_FUNCTIONS, USER_FUNCTIONS } from './accessRequestModel';

const text = z.string().min(1);
const commitment = z.object({ lead: text, items: z.array(text).min(1), closing: z.string() });

const form4313Schema = z.object({
  number: text,
  organization: text,
  title: text,
  sections: z.object({ '1': text, '2': text, '3': text, '4': text }),
  section1: z.object({
    descriptionLabel: text,
    description: text,
    applicationLabel: text,
    application: text,
  }),
  labels: z.object({
    lastName: text,
    firstName: text,
    sex: text,
    male: text,
    female: text,
    function: text,
    existingUsername: text,
    usernamePrefix: text,
    practiceNumber: text,
    establishment: text,
    address: text,
    email: text,
    postalCode: text,
    phone: text,
    fax: text,
    areaCode: text,
    extension: text,
    userSignature: text,
    signature: text,
    date: text,
    year: text,
    month: text,
    day: text,
  }),
  userFunctions: z.record(z.enum(USER_FUNCTIONS), text),
  authorizerFunctions: z.record(z.enum(AUTHORIZER_FUNCTIONS), text),
  userCommitment: commitment,
  authorizerCommitment: commitment,
  note: text,
  section4: z.object({
    validity: text,
    reference: text,
    username: text,
    registrationDate: text,
    respondentSignature: text,
    stsSignature: text,
  }),
  sendTo: text,
  contact: z.object({
    title: text,
    phoneLabel: text,
    regions: z.object({ quebec: text, montreal: text, elsewhere: text }),
    emailLabel: text,
    option: text,
  }),
  directives: z.object({
    title: text,
    items: z.array(text).min(1),
    sections: z.array(z.object({ title: text, text })).min(1),
  }),
});

/** The fixed French text of form 4313, as printed on the official form. */
export type Form4313Text = z.infer<typeof form4313Schema>;

/** Loads and validates data/form4313.json; a malformed file stops start-up rather than printing a wrong form. */
export function loadForm4313Text(file: string = path.join(DATA_DIR, 'form4313.json')): Form4313Text {
  return form4313Schema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}
