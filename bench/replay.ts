// B3's history: orders written straight into the MALL stream with the
// platform's EventStore, as the services would have (one commit per command,
// `OrderPlaced` on the order's subject, `PayPlaced` on its pay's), many
// appends in flight at once so that generating is quick.
import { type EventEnvelope, idFrom, idTime, newId } from "@seed/platform";
import { loadConfig } from "@seed/platform/node";
import { EventStore } from "@seed/platform/operations";
import { connect } from "nats";

const IN_FLIGHT = 512;

function envelope(type: string, aggregate: string, aggregateId: string, orderId: string, data: unknown): EventEnvelope {
  return {
    id: newId(),
    type,
    aggregate,
    aggregateId,
    correlationId: orderId,
    occurredAt: new Date().toISOString(),
    version: 1,
    data,
  };
}

/** Appends `events` events (half OrderPlaced, half PayPlaced) to MALL; returns how many were stored. */
export async function writeHistory(natsUrl: string, events: number, onProgress?: (done: number) => void) {
  const nc = await connect({ servers: natsUrl, name: "bench-history" });
  try {
    const store = new EventStore(nc, loadConfig({ NATS_URL: natsUrl }));
    await store.ensureStream("mall");
    const customerId = newId();
    const productId = newId();
    let written = 0;
    const one = async () => {
      const orderId = newId();
      const payId = idFrom(`pay:${orderId}`, idTime(orderId));
      await store.appendCommit(
        `mall.order.${orderId}`,
        [
          envelope("OrderPlaced", "order", orderId, orderId, {
            orderId,
            customerId,
            productId,
            productName: "Bench mug",
            qty: 1,
            price: 5000,
            address: "Seoul",
          }),
        ],
        0,
      );
      await store.appendCommit(
        `mall.pay.${payId}`,
        [envelope("PayPlaced", "pay", payId, orderId, { payId, orderId, amount: 5000 })],
        0,
      );
      written += 2;
    };
    const orders = Math.ceil(events / 2);
    for (let i = 0; i < orders; i += IN_FLIGHT) {
      const n = Math.min(IN_FLIGHT, orders - i);
      await Promise.all(Array.from({ length: n }, one));
      onProgress?.(written);
    }
    return written;
  } finally {
    await nc.close();
  }
}
