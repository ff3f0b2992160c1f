import { ApiError, conflict, forbidden, invalidValue, unavailable } from "@seed/platform";
import { Refusal } from "@seed/platform/domain";
import { refusalAsApiError } from "@seed/platform/node";
import { Errors } from "moleculer";
import { describe, expect, it } from "vitest";
import { methodNotAllowed, problemResponse, toProblem } from "../src/http-errors.js";

describe("error mapping", () => {
  it("passes our error family through, also after crossing NATS as a plain MoleculerError", () => {
    expect(toProblem(conflict("OutOfStock", "out of stock"))).toEqual({
      status: 409,
      error: "Conflict",
      reason: "OutOfStock",
      message: "out of stock",
    });
    const remote = new Errors.MoleculerError("declined", 402, "PaymentDeclined", { rule: "InsufficientFunds" });
    expect(toProblem(remote)).toMatchObject({
      status: 402,
      error: "PaymentDeclined",
      reason: "InsufficientFunds",
      message: "declined",
    });
    expect(toProblem(unavailable("later", 7))).toMatchObject({ status: 503, retryAfter: 7 });
  });

  it("names the rule of every refusal as its reason, and of nothing else", () => {
    expect(toProblem(forbidden("NotOwner", "only the owner"))).toMatchObject({ status: 403, reason: "NotOwner" });
    const rule = invalidValue("NotACalendarDay", "day is not a day", [{ path: "/day", message: "must exist" }]);
    expect(toProblem(rule)).toMatchObject({ status: 422, reason: "NotACalendarDay", details: [{ path: "/day" }] });
    // A domain refusal keeps its rule across the service boundary; a 404 names none.
    expect(toProblem(refusalAsApiError(new Refusal(409, "AlreadyDelivered", "delivered")))).toMatchObject({
      reason: "AlreadyDelivered",
    });
    expect(toProblem(refusalAsApiError(new Refusal(404, "NotFound", "order not found")))).not.toHaveProperty("reason");
    // Only a PascalCase code is shown: a rule field holding anything else is not ours to show.
    const odd = new Errors.MoleculerError("no", 409, "Conflict", { rule: "mall.order.> failed" });
    expect(toProblem(odd)).not.toHaveProperty("reason");
    expect(toProblem(unavailable())).not.toHaveProperty("reason");
  });

  it("passes a conflict's details on as facts to act on", () => {
    const p = toProblem(conflict("PriceChanged", "the price changed", { price: 6000 }));
    expect(p).toMatchObject({ status: 409, reason: "PriceChanged", details: { price: 6000 } });
    expect(JSON.parse(problemResponse(p, "r").body)).toEqual({
      error: "Conflict",
      reason: "PriceChanged",
      message: "the price changed",
      details: { price: 6000 },
      requestId: "r",
    });
  });

  it("answers a wrong method with 405 and the methods the path takes", () => {
    const r = problemResponse(methodNotAllowed("DELETE", ["GET", "POST"]), "r");
    expect(r.status).toBe(405);
    expect(r.headers.Allow).toBe("GET, POST");
    expect(JSON.parse(r.body)).toMatchObject({
      error: "MethodNotAllowed",
      message: expect.stringContaining("GET, POST"),
    });
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
