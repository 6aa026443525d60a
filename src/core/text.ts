// Small text utilities shared by every layer.

/**
 * Levenshtein distance between `a` and `b` (insertions, deletions and
 * substitutions of one UTF-16 unit each). With `max`, the walk stops as soon as
 * the distance is known to exceed it and returns `max + 1` (a bound for
 * "did you mean" searches that only care about near names).
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = d[0]!;
    d[0] = i;
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const up = d[j]!;
      d[j] = Math.min(up + 1, d[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
      if (d[j]! < best) best = d[j]!;
    }
    if (best > max) return max + 1;
  }
  return d[b.length]!;
}
