import { ApiError, conflict, refusalAsApiError, unavailable } from "@seed/platform";
import { refuse } from "@seed/platform/domain";
import { Errors } from "moleculer";
import { describe, expect, it } from "vitest";
import { problemResponse, toProblem } from "../src/http-errors.js";

describe("error mapping", () => {
  it("passes our error family through, also after crossing NATS as a plain MoleculerError", () => {
    expect(toProblem(conflict("OutOfStock", "out of stock"))).toEqual({
      status: 409,
      error: "Conflict",
      reason: "OutOfStock",
      message: "out of stock",
    });
    const remote = new Errors.MoleculerError("declined", 402, "PaymentDeclined", {});
    expect(toProblem(remote)).toMatchObject({ status: 402, error: "PaymentDeclined", message: "declined" });
    expect(toProblem(unavailable("later", 7))).toMatchObject({ status: 503, retryAfter: 7 });
  });

  it("passes a refusal's details with the value that holds now, and nothing else of them", () => {
    const details = [{ path: "/price", message: "the current price is 5000", current: 5000, node: "n1" }];
    const refused = new Errors.MoleculerError("the price of TV is now 5000", 409, "Conflict", {
      rule: "PriceChanged",
      details,
    });
    const r = problemResponse(toProblem(refused), "req-2");
    expect(r.status).toBe(409);
    expect(JSON.parse(r.body)).toEqual({
      error: "Conflict",
      reason: "PriceChanged",
      message: "the price of TV is now 5000",
      details: [{ path: "/price", message: "the current price is 5000", current: 5000 }],
      requestId: "req-2",
    });
    expect(toProblem(conflict("PriceChanged", "changed", [{ path: "/price", message: "now", current: 7 }]))).toEqual({
      status: 409,
      error: "Conflict",
      reason: "PriceChanged",
      message: "changed",
      details: [{ path: "/price", message: "now", current: 7 }],
    });
    // a refusal of pure domain code keeps its details on the way out of the service
    const fromDomain = refusalAsApiError(
      refuse.conflict("PriceChanged", "changed", [{ path: "/price", message: "now", current: 7 }]),
    );
    expect(toProblem(fromDomain)).toMatchObject({ reason: "PriceChanged", details: [{ path: "/price", current: 7 }] });
  });

  it("turns every infrastructure failure into 503 with a Retry-After", () => {
    const cases = [
      new Errors.RequestTimeoutError({ action: "mall.pay.pay", nodeID: "n1" }),
      new Errors.ServiceNotFoundError({ action: "mall.pay.pay" }),
      new Errors.ServiceNotAvailableError({ action: "mall.pay.pay", nodeID: "n1" }),
      new Errors.QueueIsFullError({ action: "mall.pay.pay", nodeID: "n1", size: 10, limit: 10 }),
      new Errors.MoleculerError("breaker", 503, "CIRCUIT_BREAKER_OPEN"),
      new Errors.MoleculerRetryableError("nats down", 503, "SOMETHING"),
    ];
    for (const err of cases) {
      const p = toProblem(err);
      expect(p, String(err.type)).toEqual({
        status: 503,
        error: "ServiceUnavailable",
        message: "a dependency is unavailable, try again shortly",
        retryAfter: 2,
      });
    }
  });

  it("keeps only path and message of validation issues", () => {
    const err = new Errors.ValidationError("Parameters validation error!", "VALIDATION_ERROR", [
      {
        type: "schema",
        field: "qty",
        path: "/qty",
        message: "Expected integer",
        nodeID: "n1",
        action: "mall.order.place",
      },
      { type: "required", field: "items.0.sku", message: "required", nodeID: "n1" },
    ]);
    const p = toProblem(err);
    expect(p).toEqual({
      status: 422,
      error: "ValidationError",
      message: "qty: Expected integer (and 1 more)",
      details: [
        { path: "/qty", message: "Expected integer" },
        { path: "/items/0/sku", message: "required" },
      ],
    });
  });

  it("maps body-parser and moleculer-web errors", () => {
    expect(toProblem(new Errors.MoleculerError("Unexpected token", 400, "entity.parse.failed")).status).toBe(400);
    expect(toProblem(new Errors.MoleculerError("too large", 413, "entity.too.large"))).toMatchObject({
      status: 413,
      error: "PayloadTooLarge",
    });
    expect(toProblem(new Errors.MoleculerError("bad charset", 415, "charset.unsupported"))).toMatchObject({
      status: 400,
    });
    expect(toProblem(new Errors.MoleculerClientError("Not found", 404, "NOT_FOUND"))).toMatchObject({
      status: 404,
      error: "NotFound",
    });
    expect(toProblem(new Errors.MoleculerClientError("Rate limit exceeded", 429))).toMatchObject({
      status: 429,
      retryAfter: 1,
    });
  });

  it("hides everything else behind a 500", () => {
    const p = toProblem(new Error("connect ECONNREFUSED mall.order.> at node-7"));
    expect(p).toMatchObject({ status: 500, error: "InternalError", message: "internal error" });
    expect(toProblem(new Errors.MoleculerClientError("Service 'x.y' said no", 418, "TEAPOT")).status).toBe(500);
    expect(toProblem("a string")).toMatchObject({ status: 500 });
  });

  it("renders the one error body with its headers", () => {
    const r = problemResponse(toProblem(new ApiError(503, "ServiceUnavailable", "later", { retryAfter: 4 })), "req-1");
    expect(r.status).toBe(503);
    expect(r.headers["Retry-After"]).toBe("4");
    expect(JSON.parse(r.body)).toEqual({ error: "ServiceUnavailable", message: "later", requestId: "req-1" });
    expect(
      problemResponse(toProblem(new ApiError(401, "Unauthorized", "no")), "r").headers["WWW-Authenticate"],
    ).toMatch(/^Bearer/);
  });
});
