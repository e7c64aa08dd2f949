import type { NotificationType, UserPreferences } from '../../db/models';
import { z } from '../../lib/validation';
import { canonicalTimeZone } from '../streaks/streak.rules';

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
    notifications: z.object(Object.fromEntries(NOTIFICATION_SETTINGS.map((key) => [key, z.boolean().optional()]))).optional(),
  })
  .openapi('Preferences');

/** Keeps only the known keys with valid values (rows written before the schema existed). */
export function knownPreferences(stored: unknown): UserPreferences {
  const source = stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const result: UserPreferences = {};
  if (typeof source.timezone === 'string' && canonicalTimeZone(source.timezone)) result.timezone = source.timezone;
  if (Number.isInteger(source.dailyGoalMinutes) && (source.dailyGoalMinutes as number) >= 0 && (source.dailyGoalMinutes as number) <= 1440) {
    result.dailyGoalMinutes = source.dailyGoalMinutes as number;
  }
  if (THEMES.includes(source.theme as (typeof THEMES)[number])) result.theme = source.theme as (typeof THEMES)[number];
  const notifications = source.notifications;
  if (notifications !== null && typeof notifications === 'object' && !Array.isArray(notifications)) {
    const kept = Object.fromEntries(
      NOTIFICATION_SETTINGS.filter((key) => typeof (notifications as Record<string, unknown>)[key] === 'boolean').map((key) => [
        key,
        (notifications as Record<string, boolean>)[key],
      ]),
    );
    if (Object.keys(kept).length > 0) result.notifications = kept;
  }
  return result;
}

/** The stored preferences after a patch: given keys replace stored ones (`notifications` one level deeper), `null` removes. */
export function mergePreferences(stored: unknown, patch: PreferencesPatch): UserPreferences {
  const merged: Record<string, unknown> = { ...knownPreferences(stored) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete merged[key];
    else if (key === 'notifications') {
      const settings: Record<string, boolean> = { ...((merged.notifications as Record<string, boolean> | undefined) ?? {}) };
      for (const [setting, on] of Object.entries(value as Record<string, boolean | null | undefined>)) {
        if (on === null) delete settings[setting];
        else if (on !== undefined) settings[setting] = on;
      }
      if (Object.keys(settings).length > 0) merged.notifications = settings;
      else delete merged.notifications;
    } else merged[key] = value;
  }
  return merged as UserPreferences;
}

export const preferencesBytes = (preferences: UserPreferences): number => Buffer.byteLength(JSON.stringify(preferences));

/** Which setting turns a notification type off; types about one's own membership always arrive. */
const SETTING_OF: Partial<Record<NotificationType, NotificationSetting>> = {
  mention: 'mentions',
  invitation_received: 'invitations',
  invitation_accepted: 'invitations',
  member_joined: 'groupActivity',
};

/** Does this user want notifications of this type? (`notifications.<setting>` false turns them off.) */
export function wantsNotification(preferences: unknown, type: NotificationType): boolean {
  const setting = SETTING_OF[type];
  if (!setting) return true;
  return knownPreferences(preferences).notifications?.[setting] !== false;
}
