import { describe, expect, it } from "vitest";
import { joinApiUrl } from "../../local/api-client.js";

describe("joinApiUrl", () => {
  it.each([
    ["http://127.0.0.1:8080", "/v1/videos", "http://127.0.0.1:8080/v1/videos"],
    ["http://127.0.0.1:8080/", "/v1/videos", "http://127.0.0.1:8080/v1/videos"],
    // `videocraft serve` prints the base with /v1: accepted as is.
    ["http://127.0.0.1:8080/v1", "/v1/jobs/X", "http://127.0.0.1:8080/v1/jobs/X"],
    ["http://127.0.0.1:8080/api/v1/", "/v1/jobs/X", "http://127.0.0.1:8080/v1/jobs/X"],
    // A deployed stage keeps its path (new URL(path, base) would drop it).
    [
      "https://abc.execute-api.eu-west-1.amazonaws.com/prod",
      "/v1/videos",
      "https://abc.execute-api.eu-west-1.amazonaws.com/prod/v1/videos",
    ],
    [
      "https://abc.execute-api.eu-west-1.amazonaws.com/prod/v1/?x=1#f",
      "/v1/videos?dry_run=true",
      "https://abc.execute-api.eu-west-1.amazonaws.com/prod/v1/videos?dry_run=true",
    ],
    [
      "https://api.example.com/videocraft/prod",
      "v1/health",
      "https://api.example.com/videocraft/prod/v1/health",
    ],
  ])("%s + %s", (base, path, expected) => {
    expect(joinApiUrl(base, path)).toBe(expected);
  });

  it("refuses a base that is not http(s)", () => {
    expect(() => joinApiUrl("ftp://example.com", "/v1/health")).toThrow(/http/);
  });
});
