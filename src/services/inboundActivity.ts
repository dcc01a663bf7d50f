import { z } from 'zod';

/** Longest message text accepted (Teams allows about 28 KB; nobody types more to this bot). */
export const MAX_TEXT_LENGTH = 20_000;
/** Deepest JSON nesting accepted anywhere in an activity. */
export const MAX_DEPTH = 32;

const account = z
  .object({
    id: z.string().min(1).max(512),
    name: z.string().max(512).nullish(),
    role: z.string().max(64).nullish(),
    aadObjectId: z.string().max(128).nullish(),
  })
  .passthrough();

/**
 * The shape of an inbound Bot Framework activity, checked before the adapter sees it so that hostile or
 * broken requests get a 400 instead of reaching the bot. Unknown fields pass through untouched.
 */
export const inboundActivitySchema = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(512).nullish(),
    channelId: z.string().min(1).max(64),
    serviceUrl: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^\s]+$/),
    from: account,
    recipient: account.nullish(),
    conversation: z
      .object({
        id: z.string().min(1).max(1024),
        tenantId: z.string().max(128).nullish(),
        conversationType: z.string().max(64).nullish(),
        isGroup: z.boolean().nullish(),
      })
      .passthrough(),
    text: z.string().max(MAX_TEXT_LENGTH).nullish(),
    speak: z.string().max(MAX_TEXT_LENGTH).nullish(),
    locale: z.string().max(32).nullish(),
    textFormat: z.string().max(32).nullish(),
    deliveryMode: z.enum(['normal', 'notification', 'expectReplies', 'ephemeral']).nullish(),
    attachments: z
      .array(z.object({ contentType: z.string().max(256) }).passthrough())
      .max(20)
      .nullish(),
    entities: z
      .array(z.object({ type: z.string().max(128) }).passthrough())
      .max(50)
      .nullish(),
    membersAdded: z.array(account).max(100).nullish(),
    membersRemoved: z.array(account).max(100).nullish(),
    name: z.string().max(256).nullish(),
  })
  .passthrough();

/** Result of checking an inbound request body. */
export type InboundCheck = { ok: true; conversationId: string } | { ok: false; problems: string[] };

/** Nesting depth of a JSON value, without recursion (a hostile body could be thousands of levels deep). */
export function jsonDepth(value: unknown, limit: number = MAX_DEPTH + 1): number {
  let deepest = 0;
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (depth > deepest) deepest = depth;
    if (deepest >= limit) return deepest;
    if (node && typeof node === 'object') {
      for (const child of Object.values(node as Record<string, unknown>))
        stack.push({ node: child, depth: depth + 1 });
    }
  }
  return deepest;
}

/**
 * Checks an inbound body. Problems name fields, never values: a value may be personal data.
 */
export function checkInboundActivity(body: unknown): InboundCheck {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, problems: ['body: expected a JSON object'] };
  if (jsonDepth(body) > MAX_DEPTH)
    return { ok: false, problems: [`body: nested deeper than ${MAX_DEPTH} levels`] };
  const parsed = inboundActivitySchema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || 'body'}: ${i.code}`),
    };
  }
  return { ok: true, conversationId: parsed.data.conversation.id };
}

/**
 * Whether a service URL designates this machine (localhost, 127.0.0.0/8, ::1): where the Emulator, the
 * Agents Playground, the local chat page and the phone simulator listen. Without a Microsoft app id nothing
 * proves who sent an activity, and the bot would POST its replies to whatever address the request names.
 */
export function isLoopbackServiceUrl(serviceUrl: string | undefined): boolean {
  let host: string;
  try {
    host = new URL(serviceUrl ?? '').hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
