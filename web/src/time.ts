import { clockSkewMs } from './api';

/** Seconds since a server-clock instant, by the client's clock corrected for skew. */
export function elapsedSeconds(startedAt: string): number {
  return Math.max(0, Math.floor((Date.now() + clockSkewMs - new Date(startedAt).getTime()) / 1000));
}
