/**
 * Nelder–Mead downhill simplex (standard coefficients: reflection 1, expansion 2, contraction ½,
 * shrink ½), for the few smoothing parameters of a forecasting model. Deterministic; a non-finite
 * objective value counts as +∞, so a model may reject a parameter set by returning NaN or ∞.
 */
export interface MinimizeOptions {
  /** Initial step along each axis. */
  step?: number;
  maxEvaluations?: number;
  /** Stop when the simplex's values differ by less than this (absolute + relative to the best). */
  tolerance?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  evaluations: number;
}

export function nelderMead(
  objective: (x: readonly number[]) => number,
  start: readonly number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const dims = start.length;
  const step = options.step ?? 0.5;
  const maxEvaluations = options.maxEvaluations ?? 200 * Math.max(1, dims);
  const tolerance = options.tolerance ?? 1e-10;
  let evaluations = 0;
  const f = (x: readonly number[]) => {
    evaluations++;
    const v = objective(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  if (dims === 0) return { x: [], value: f([]), evaluations };

  let simplex: Array<{ x: number[]; v: number }> = [{ x: [...start], v: f(start) }];
  for (let i = 0; i < dims; i++) {
    const x = [...start];
    x[i] = x[i]! + step;
    simplex.push({ x, v: f(x) });
  }
  const combine = (a: readonly number[], b: readonly number[], t: number) =>
    a.map((ai, i) => ai + t * (b[i]! - ai));

  while (evaluations < maxEvaluations) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0]!;
    const worst = simplex[dims]!;
    if (Number.isFinite(worst.v) && Math.abs(worst.v - best.v) <= tolerance * (1 + Math.abs(best.v))) break;
    const centroid = new Array<number>(dims).fill(0);
    for (let i = 0; i < dims; i++) for (let j = 0; j < dims; j++) centroid[j]! += simplex[i]!.x[j]! / dims;

    const reflected = combine(centroid, worst.x, -1);
    const vr = f(reflected);
    if (vr < best.v) {
      const expanded = combine(centroid, worst.x, -2);
      const ve = f(expanded);
      simplex[dims] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
      continue;
    }
    if (vr < simplex[dims - 1]!.v) {
      simplex[dims] = { x: reflected, v: vr };
      continue;
    }
    // Contract towards the better of the worst point and its reflection.
    const outside = vr < worst.v;
    const contracted = combine(centroid, outside ? reflected : worst.x, 0.5);
    const vc = f(contracted);
    if (vc < (outside ? vr : worst.v)) {
      simplex[dims] = { x: contracted, v: vc };
      continue;
    }
    simplex = simplex.map((p, i) => {
      if (i === 0) return p;
      const x = combine(best.x, p.x, 0.5);
      return { x, v: f(x) };
    });
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, evaluations };
}
