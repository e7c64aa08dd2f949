import * as hdr from 'hdr-histogram-js';

/** Latencies in microseconds, 1 µs – 60 s, 3 significant digits. */
export const newHistogram = (): hdr.Histogram => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });

export const encode = (h: hdr.Histogram): string => hdr.encodeIntoCompressedBase64(h);

export function merge(encoded: string[]): hdr.Histogram {
  const total = newHistogram();
  for (const e of encoded) if (e) total.add(hdr.decodeFromCompressedBase64(e));
  return total;
}

export interface LatencySummary {
  count: number;
  p50ms: number;
  p95ms: number;
  p99ms: number;
  maxMs: number;
}

export function summary(h: hdr.Histogram): LatencySummary {
  const ms = (us: number): number => Math.round(us / 10) / 100;
  return {
    count: h.totalCount,
    p50ms: ms(h.getValueAtPercentile(50)),
    p95ms: ms(h.getValueAtPercentile(95)),
    p99ms: ms(h.getValueAtPercentile(99)),
    maxMs: ms(h.maxValue),
  };
}

/** Wall clock with sub-millisecond precision, comparable across processes of one machine. */
export const nowUs = (): number => Math.round((performance.timeOrigin + performance.now()) * 1000);
