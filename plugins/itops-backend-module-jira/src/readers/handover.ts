const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Finds when who is on call changes, asking only "who is on call at t"
 * (`/on-calls?date=t`, the documented call): steps of 1, 2, 4, … hours away
 * from `from` until the answer differs or `limitMs` is reached, then halves
 * the last step down to a minute. About 20 questions for a weekly rota
 * instead of one per hour; used only where `/timeline` is missing.
 *
 * Returns the first minute (forward) or the instant just after the last
 * minute (backward) at which the answer differs from the one at `from`,
 * i.e. the handover, or undefined when nothing changes within the limit.
 */
export async function findHandover(
  whoAt: (at: number) => Promise<string>,
  from: number,
  direction: 1 | -1,
  limitMs: number,
): Promise<number | undefined> {
  if (limitMs < MINUTE_MS) {
    return undefined;
  }
  const origin = await whoAt(from);
  // Probes on whole minutes, where rotas hand over.
  const base = Math.floor(from / MINUTE_MS) * MINUTE_MS;
  let same = 0;
  let differs = 0;
  for (let step = HOUR_MS; differs === 0; step *= 2) {
    const offset = Math.min(step, limitMs);
    if ((await whoAt(base + direction * offset)) !== origin) {
      differs = offset;
    } else if (offset >= limitMs) {
      return undefined;
    } else {
      same = offset;
    }
  }
  // Invariant: the answer at `same` equals the origin's, at `differs` not.
  while (differs - same > MINUTE_MS) {
    const middle =
      same +
      Math.max(
        MINUTE_MS,
        Math.floor((differs - same) / 2 / MINUTE_MS) * MINUTE_MS,
      );
    if ((await whoAt(base + direction * middle)) === origin) {
      same = middle;
    } else {
      differs = middle;
    }
  }
  // Forward: the shift ends where the answer first differs. Backward: the
  // shift began right after the last instant with a different answer.
  return direction === 1 ? base + differs : base - same;
}
