import { CursorSchema, DecimalIntSchema, LimitSchema, pageOf, UserIdSchema } from './primitives';
import { z } from './zod';

/**
 * Users: profiles, usernames, preferences and stats (docs/API.md "Users").
 */

// Usernames: one set of rules for every path that sets one (PATCH /me here; token claims,
// webhooks and erasure in the server's username.rules.ts, which builds on these).
export const USERNAME_MIN = 3;
export const USERNAME_MAX = 64;
export const USERNAME_CHARS = /^[A-Za-z0-9_.-]+$/;

/** Erased accounts are renamed into this namespace, so nobody may take a name in it. */
export const ERASED_PREFIX = 'deleted_';

/**
 * Names no user may hold (compared case-insensitively): they would pass for the system,
 * the staff or a placeholder.
 */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  'abuse',
  'admin',
  'administrator',
  'anonymous',
  'api',
  'bot',
  'deleted',
  'help',
  'helpdesk',
  'mod',
  'moderator',
  'no-reply',
  'noreply',
  'null',
  'official',
  'owner',
  'postmaster',
  'root',
  'security',
  'staff',
  'studysync',
  'superuser',
  'support',
  'sysadmin',
  'system',
  'undefined',
  'webmaster',
]);

export function isReservedUsername(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_USERNAMES.has(lower) || lower.startsWith(ERASED_PREFIX);
}

/** Answers of `canonicalTimeZone` by input (building an Intl.DateTimeFormat is costly; the worker asks per stored session). */
const canonicalZones = new Map<string, string | undefined>();

/** The canonical spelling of an IANA time zone (`europe/paris` → `Europe/Paris`), or undefined when it is not one. */
export function canonicalTimeZone(timeZone: string): string | undefined {
  if (canonicalZones.has(timeZone)) return canonicalZones.get(timeZone);
  let canonical: string | undefined;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    canonical = undefined;
  }
  // Bounded: anyone may send a zone name (PATCH /me), so the map is emptied rather than grown past 1,000.
  if (canonicalZones.size >= 1000) canonicalZones.clear();
  canonicalZones.set(timeZone, canonical);
  return canonical;
}

/** The username rules: 3–64 of `A-Z a-z 0-9 _ . -`, not a reserved name (400, not 409: nobody may ever take one). */
export const UsernameSchema = z
  .string()
  .trim()
  .min(USERNAME_MIN)
  .max(USERNAME_MAX)
  .regex(USERNAME_CHARS, 'may hold only letters, digits, _ . and -')
  .refine((name) => !isReservedUsername(name), 'is reserved');

/**
 * `users.preferences`: a schema of known keys with bounded values (unknown keys are
 * refused), so a user's settings can never grow a row or slow down every read of it.
 * - `timezone`: IANA zone, stored in its canonical spelling (days, streaks, stats);
 * - `dailyGoalMinutes`: integer 0–1440 (the daily goal);
 * - `theme`: `light` | `dark` | `system`;
 * - `notifications`: `{mentions, invitations, groupActivity}` booleans (absent = on).
 */
export const PREFERENCES_MAX_BYTES = 4096;
export const THEMES = ['light', 'dark', 'system'] as const;
export const NOTIFICATION_SETTINGS = ['mentions', 'invitations', 'groupActivity'] as const;
export type NotificationSetting = (typeof NOTIFICATION_SETTINGS)[number];

const TimeZone = z
  .string()
  .max(64)
  .transform((tz, ctx) => {
    const canonical = canonicalTimeZone(tz);
    if (canonical === undefined) ctx.addIssue({ code: 'custom', message: 'must be an IANA timezone such as Europe/Paris' });
    return canonical ?? z.NEVER;
  });

/** `PATCH /me {preferences}`: the keys to change; `null` resets one to its default. */
export const PreferencesPatchSchema = z
  .object({
    timezone: TimeZone.nullable().optional(),
    dailyGoalMinutes: z.number().int().min(0).max(1440).nullable().optional(),
    theme: z.enum(THEMES).nullable().optional(),
    notifications: z
      .object(
        Object.fromEntries(NOTIFICATION_SETTINGS.map((key) => [key, z.boolean().nullable().optional()])) as Record<
          NotificationSetting,
          z.ZodOptional<z.ZodNullable<z.ZodBoolean>>
        >,
      )
      .strict()
      .nullable()
      .optional(),
  })
  .strict()
  .openapi('PreferencesPatch', { description: 'Known keys only; each given key replaces the stored one (`notifications` per setting), `null` resets it.' });
export type PreferencesPatch = z.output<typeof PreferencesPatchSchema>;

/** The stored shape (what GET /me returns). */
export const PreferencesSchema = z
  .object({
    timezone: z.string().optional(),
    dailyGoalMinutes: z.number().int().optional(),
    theme: z.enum(THEMES).optional(),
    notifications: z
      .object(Object.fromEntries(NOTIFICATION_SETTINGS.map((key) => [key, z.boolean().optional()])) as Record<NotificationSetting, z.ZodOptional<z.ZodBoolean>>)
      .optional(),
  })
  .openapi('Preferences');

export const PublicUserSchema = z
  .object({
    userId: z.string(),
    username: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    totalStudyTime: z.number().int(),
    currentStreak: z.number().int(),
    longestStreak: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('PublicUser');
export const SelfUserSchema = PublicUserSchema.extend({ email: z.string(), preferences: PreferencesSchema }).openapi('User');

export const PatchMeBody = z
  .object({
    username: UsernameSchema.optional(),
    firstName: z.string().trim().max(100).nullable().optional(),
    lastName: z.string().trim().max(100).nullable().optional(),
    preferences: PreferencesPatchSchema.optional(),
  })
  .strict()
  .openapi('PatchMe');

export const UserParams = z.object({ userId: UserIdSchema });

export const StatsQuery = z.object({ days: DecimalIntSchema(1, 366).default(7) });
export const StatsSchema = z
  .object({
    timezone: z.string(),
    todaySeconds: z.number().int(),
    periodSeconds: z.number().int(),
    daily: z.array(
      z.object({
        date: z.string(),
        seconds: z.number().int(),
        frozen: z.boolean().openapi({ description: 'A missed day bridged by a streak freeze (issue 16)' }),
        goalMet: z.boolean().openapi({ description: "The day's seconds reached the current daily goal (false without a goal)" }),
      }),
    ),
    bySubject: z.array(z.object({ subject: z.string().nullable(), seconds: z.number().int() })).openapi({
      description:
        'Counted seconds of the period per subject, grouped case-insensitively (shown in the most recent spelling of the period), null for sessions without one; most seconds first. Sums to periodSeconds.',
    }),
    currentStreak: z.number().int(),
    longestStreak: z.number().int(),
    freezesAvailable: z
      .number()
      .int()
      .min(0)
      .max(2)
      .openapi({ description: 'Streak freezes held now (0–2), after the ones the missed days up to yesterday use' }),
    dailyGoalMinutes: z.number().int().min(0).max(1440).openapi({ description: 'preferences.dailyGoalMinutes (0 = no goal)' }),
    todayGoalMet: z.boolean(),
  })
  .openapi('Stats');

/** `GET /me/subjects`: the subjects of my most recent sessions, for autocomplete. */
export const SUBJECTS_MAX = 20;
export const SubjectListSchema = z
  .object({
    subjects: z
      .array(z.string())
      .openapi({ description: 'At most 20 distinct (case-insensitively) subjects, most recently used first, each in its latest spelling' }),
  })
  .openapi('SubjectList');
// Finding friends (issue 16): `GET /api/users?search=<prefix>`.
/** Most results per page of a user search. */
export const USER_SEARCH_MAX = 10;
export const UserSearchQuery = z.object({
  search: z.string().trim().min(2).max(USERNAME_MAX).openapi({ description: 'The start of a username (case-insensitive), at least 2 characters' }),
  limit: LimitSchema(USER_SEARCH_MAX, USER_SEARCH_MAX),
  cursor: CursorSchema,
});
export const UserSearchItemSchema = z
  .object({ userId: z.string(), username: z.string(), firstName: z.string().nullable(), lastName: z.string().nullable() })
  .openapi('UserSearchItem');
export const UserSearchPageSchema = pageOf(UserSearchItemSchema).openapi('UserSearchPage');
