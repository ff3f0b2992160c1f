import { ErrorCode, NatsError } from "nats";
import { describe, expect, it } from "vitest";
import { unavailable } from "../../src/errors.js";
import { isTransient, untilAnswered } from "../../src/until-answered.js";

const timeout = () => NatsError.errorForCode(ErrorCode.Timeout);
const noResponders = () => NatsError.errorForCode(ErrorCode.NoResponders);

/** A step that fails with each of `failures` in turn, then answers "done". */
function failingFirst(failures: Array<() => Error>) {
  let calls = 0;
  const step = async () => {
    const fail = failures[calls++];
    if (fail) throw fail();
    return "done";
  };
  return { step, calls: () => calls };
}

describe("isTransient", () => {
  it("is a timeout, no responder, or an unavailable store; not a refusal", () => {
    expect(isTransient(timeout())).toBe(true);
    expect(isTransient(noResponders())).toBe(true);
    expect(isTransient(unavailable("store"))).toBe(true);
    expect(isTransient(new Error("stream cannot be replicated"))).toBe(false);
    expect(isTransient(NatsError.errorForCode(ErrorCode.JetStream404NoMessages))).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });
});

describe("untilAnswered", () => {
  it("asks again while NATS does not answer, and returns the answer", async () => {
    const warned: string[] = [];
    const { step, calls } = failingFirst([timeout, noResponders, timeout]);
    const answer = await untilAnswered("stream MALL", step, { logger: { warn: (m: string) => warned.push(m) } });
    expect(answer).toBe("done");
    expect(calls()).toBe(4);
    expect(warned).toHaveLength(3);
    expect(warned[0]).toMatch(/^stream MALL: NATS not answering/);
  });

  it("throws any other failure at once", async () => {
    const { step, calls } = failingFirst([() => new Error("refused"), timeout]);
    await expect(untilAnswered("stream MALL", step)).rejects.toThrow("refused");
    expect(calls()).toBe(1);
  });

  it("gives up after its time with the last failure", async () => {
    let calls = 0;
    const started = Date.now();
    const never = async () => {
      calls++;
      throw timeout();
    };
    await expect(untilAnswered("stream MALL", never, { timeoutMs: 400 })).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(calls).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("stops asking once called off", async () => {
    let calls = 0;
    let stopped = false;
    const step = async () => {
      calls++;
      stopped = true;
      throw timeout();
    };
    await expect(untilAnswered("policy", step, { cancelled: () => stopped })).rejects.toMatchObject({
      code: "TIMEOUT",
    });
    expect(calls).toBe(1);
  });
});
