// Ids derived from what they belong to, so that retries, redeliveries and
// replicas can only ever address the same thing:
// - one customer per user (the customer id is the user's, transformed);
// - one document per plan, one proposal per plan, one payment per proposal;
// - one message per event that causes it.
import { type EventEnvelope, idFrom, idTime } from "@seed/platform";

/** Customer ids do not encode a creation time: the same user always maps to the same customer. */
export const customerIdOf = (userId: string) => idFrom(`customer:${userId}`, 0);
export const documentIdOf = (planNo: string) => idFrom(`document:${planNo}`, idTime(planNo));
export const proposalNoOf = (planNo: string) => idFrom(`proposal:${planNo}`, idTime(planNo));
export const paymentIdOf = (proposalNo: string) => idFrom(`payment:${proposalNo}`, idTime(proposalNo));
export const msgIdOf = (event: EventEnvelope) => idFrom(`msg:${event.id}`, Date.parse(event.occurredAt));

/** The plan an event belongs to (every event from PlanSaved on carries it). */
export const planNoOf = (e: EventEnvelope): string | undefined => (e.data as { planNo?: string }).planNo;
