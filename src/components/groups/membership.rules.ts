/**
 * Pure membership rules (no database). Who may do what is the permission policy's
 * (src/shared/policy.ts), the last-leader rule included.
 */

/** Is the group full for one more member? `maxMembers` null = unlimited. */
export function isFull(memberCount: number, maxMembers: number | null): boolean {
  return maxMembers !== null && memberCount >= maxMembers;
}
