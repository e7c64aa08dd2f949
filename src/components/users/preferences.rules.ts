import type { NotificationType, UserPreferences } from '../../db/models';
import { canonicalTimeZone, NOTIFICATION_SETTINGS, THEMES, type NotificationSetting, type PreferencesPatch } from '../../shared/contract/users';

/**
 * `users.preferences` (known keys, bounded values; docs/API.md "Users"): the schemas and
 * limits are the wire contract's (src/shared/contract/users.ts); reading stored rows and
 * merging a patch are here.
 */
export {
  NOTIFICATION_SETTINGS,
  PREFERENCES_MAX_BYTES,
  PreferencesPatchSchema,
  PreferencesSchema,
  THEMES,
  type NotificationSetting,
  type PreferencesPatch,
} from '../../shared/contract/users';

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
