import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../functions/core/config.js";
import { ValidationError } from "../../../functions/core/errors.js";
import { validateRequestBody } from "../../../functions/core/jobs/validate-request.js";

const env = {
  VIDEOCRAFT_BUCKET: "videocraft-test",
  VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/q",
  VIDEOCRAFT_API_KEY: "k".repeat(20),
};
const strict = loadConfig(env);
const local = loadConfig({ ...env, VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true" });

const project = (src: string, webhook?: string) => ({
  scenes: [{ duration: 1, elements: [{ type: "image", src }] }],
  ...(webhook !== undefined ? { webhook: { url: webhook } } : {}),
});

/** The paths VALIDATION_FAILED names, or "accepted". */
function refusedAt(body: unknown, config = strict): string[] | "accepted" {
  try {
    validateRequestBody(body, config);
    return "accepted";
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.details.map((d) => d.path);
  }
}

describe("control characters in URLs", () => {
  // URL parsers drop tabs and newlines and trim spaces silently, so the URL fetched would not be the one sent.
  it.each([
    ["newline", "https://example.com/a\nb.png"],
    ["carriage return", "https://example.com/a\rb.png"],
    ["tab", "https://exa\tmple.com/a.png"],
    ["NUL", "https://example.com/a\u0000.png"],
    ["escape", "https://example.com/\u001b[31m.png"],
    ["DEL", "https://example.com/a\u007f.png"],
    ["leading space", " https://example.com/a.png"],
    ["trailing newline", "https://example.com/a.png\n"],
  ])("refuses a src with a %s at its path", (_what, src) => {
    expect(refusedAt(project(src))).toEqual(["scenes[0].elements[0].src"]);
  });

  it("refuses them in webhook.url too", () => {
    expect(refusedAt(project("https://example.com/a.png", "https://example.com/h\nook"))).toEqual([
      "webhook.url",
    ]);
  });

  it("says why", () => {
    try {
      validateRequestBody(project("https://example.com/a\nb.png"), strict);
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).details[0]?.message).toMatch(/control character/);
    }
  });

  it("still accepts percent-encoded and non-ASCII characters", () => {
    expect(refusedAt(project("https://example.com/a%0Ab%20c/caf%C3%A9.png"))).toBe("accepted");
    expect(refusedAt(project("https://example.com/café.png"))).toBe("accepted");
  });
});

describe("webhook URLs at submission", () => {
  it.each([
    "http://169.254.169.254/latest/meta-data/",
    "https://169.254.169.254/latest/meta-data/",
    "https://127.0.0.1:8443/hook",
    "https://127.1/hook",
    "https://0x7f000001/hook",
    "https://2130706433/hook",
    "https://0.0.0.0/hook",
    "https://10.0.0.1/hook",
    "https://172.16.5.4/hook",
    "https://192.168.1.1/hook",
    "https://100.64.0.1/hook",
    "https://[::1]/hook",
    "https://[::ffff:169.254.169.254]/hook",
    "https://[fd00::1]/hook",
    "https://[fe80::1]/hook",
    "http://hooks.example.com/cb",
    "ftp://hooks.example.com/cb",
  ])("refuses %s at webhook.url", (url) => {
    expect(refusedAt(project("https://example.com/a.png", url))).toEqual(["webhook.url"]);
  });

  it.each([
    "https://hooks.example.com/cb",
    "https://93.184.216.34/cb",
    "https://[2606:2800:220:1:248:1893:25c8:1946]/cb",
  ])("accepts %s", (url) => {
    expect(refusedAt(project("https://example.com/a.png", url))).toBe("accepted");
  });

  it("names the reason", () => {
    try {
      validateRequestBody(project("https://example.com/a.png", "https://10.0.0.1/hook"), strict);
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).details[0]?.message).toMatch(/private or reserved address/);
    }
  });

  it("allows http and private addresses where private sources are allowed (local development)", () => {
    expect(refusedAt(project("https://example.com/a.png", "http://127.0.0.1:9999/hook"), local)).toBe(
      "accepted",
    );
    expect(refusedAt(project("https://example.com/a.png", "ftp://127.0.0.1/hook"), local)).toEqual([
      "webhook.url",
    ]);
  });

  it("prefixes the path with the project's index in an array request", () => {
    const body = [
      project("https://example.com/a.png"),
      project("https://example.com/a.png", "https://[::1]/h"),
    ];
    expect(refusedAt(body)).toEqual(["[1].webhook.url"]);
  });
});
