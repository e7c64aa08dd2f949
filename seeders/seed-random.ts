import { createHash } from 'node:crypto';

/** A small seeded PRNG (mulberry32): the same seed gives the same demo data every run. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    /** Integer in [min, max]. */
    int: (min: number, max: number): number => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number): boolean => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
  };
}

export type Random = ReturnType<typeof createRandom>;

/** A stable integer seed from a string (so each user/group gets its own stream). */
export function seedOf(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}

const NAMESPACE = 'studysync-seed';

/** A name-based UUID (v5 layout over SHA-1): the same name always gives the same UUID. */
export function stableUuid(name: string): string {
  const bytes = createHash('sha1').update(`${NAMESPACE}:${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A stable 12-character invite code (the same alphabet as generated codes: base64url). */
export function stableInviteCode(groupKey: string): string {
  return createHash('sha1').update(`${NAMESPACE}:invite:${groupKey}`).digest('base64url').slice(0, 12);
}
