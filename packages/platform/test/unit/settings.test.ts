import { Type as T } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { configVariables, loadConfig } from "../../src/config.js";
import { defineSettings } from "../../src/settings.js";

const shop = {
  name: "shop",
  settings: defineSettings({
    SHOP_GREETING: T.String({ default: "hello", description: "shop: what the shop says first" }),
    SHOP_WAIT_MS: T.Integer({ minimum: 1, maximum: 1000, default: 100, description: "shop: how long it waits" }),
  }),
};

describe("system settings", () => {
  it("are loaded with the platform's variables: converted, defaulted, and read by their system", () => {
    const config = loadConfig({ SHOP_WAIT_MS: "250", PORT: "9090" }, [shop]);
    expect(config.PORT).toBe(9090);
    expect(shop.settings.of(config)).toEqual({ SHOP_GREETING: "hello", SHOP_WAIT_MS: 250 });
    // a copy with another platform value keeps them
    expect(shop.settings.of({ ...config, NATS_URL: "nats://elsewhere:4222" }).SHOP_WAIT_MS).toBe(250);
  });

  it("are validated at load, every problem named", () => {
    expect(() => loadConfig({ SHOP_WAIT_MS: "0" }, [shop])).toThrow(/SHOP_WAIT_MS/);
    expect(() => loadConfig({ SHOP_WAIT_MS: "soon" }, [shop])).toThrow(/SHOP_WAIT_MS/);
  });

  it("are listed after the platform's, with their defaults and descriptions", () => {
    const variables = configVariables([shop]);
    expect(variables.slice(-2)).toEqual([
      { name: "SHOP_GREETING", default: "hello", description: "shop: what the shop says first" },
      { name: "SHOP_WAIT_MS", default: 100, description: "shop: how long it waits" },
    ]);
    expect(variables.slice(0, -2)).toEqual(configVariables());
  });

  it("cannot declare a variable twice", () => {
    const clash = { name: "clash", settings: defineSettings({ PORT: T.Integer({ default: 1 }) }) };
    expect(() => loadConfig({}, [clash])).toThrow(/clash declares the setting PORT, which is already declared/);
    expect(() => loadConfig({}, [shop, { ...shop, name: "copy" }])).toThrow(/copy declares the setting SHOP_GREETING/);
  });

  it("are not read from a config loaded without them, rather than defaulted over what the environment said", () => {
    const config = loadConfig({ SHOP_WAIT_MS: "250" });
    expect(config).not.toHaveProperty("SHOP_WAIT_MS");
    expect(() => shop.settings.of(config)).toThrow(/SHOP_GREETING is not in the configuration/);
  });
});
