/**
 * An instant as an ISO-8601 string (`Date`s from models, `Date`s or strings from raw SQL);
 * null stays null, so a nullable column gives `string | null` and a NOT NULL one `string`.
 */
export function iso(d: Date | string): string;
export function iso(d: Date | string | null | undefined): string | null;
export function iso(d: Date | string | null | undefined): string | null {
  return d === null || d === undefined ? null : new Date(d).toISOString();
}
