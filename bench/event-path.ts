// B2's figures from what the two sides noted: the load generator the time each
// order's 2xx arrived, the node the time each order's row (and its PayPlaced)
// became readable in orderStatuses. Both are wall-clock times of one machine.
// A row can become readable before the client has read its 2xx (the view and
// the answer race); such an order counts as 0 ms.
import { type EventPath, percentile } from "./report.js";

export function eventPathFigures(
  rate: number,
  answered: ReadonlyArray<readonly [string, number]>,
  placedAt: ReadonlyMap<string, number>,
  paidAt: ReadonlyMap<string, number>,
): EventPath {
  const toRow: number[] = [];
  const toSaga: number[] = [];
  let missing = 0;
  let first = Number.POSITIVE_INFINITY;
  let lastSaga = Number.NEGATIVE_INFINITY;
  for (const [id, at] of answered) {
    first = Math.min(first, at);
    const placed = placedAt.get(id);
    const paid = paidAt.get(id);
    if (placed === undefined || paid === undefined) missing++;
    if (placed !== undefined) toRow.push(Math.max(0, placed - at));
    if (paid !== undefined) {
      toSaga.push(Math.max(0, paid - at));
      lastSaga = Math.max(lastSaga, paid);
    }
  }
  const seconds = (lastSaga - first) / 1000;
  return {
    rate,
    orders: answered.length,
    p50: percentile(toRow, 0.5),
    p99: percentile(toRow, 0.99),
    sagaP50: percentile(toSaga, 0.5),
    sagaP99: percentile(toSaga, 0.99),
    sagasPerSecond: seconds > 0 ? toSaga.length / seconds : 0,
    missing,
  };
}
