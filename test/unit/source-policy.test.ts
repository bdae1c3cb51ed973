import { describe, expect, it } from "vitest";
import { loadConfig } from "../../functions/core/config.js";
import { parseProjectRequest } from "../../functions/core/schema/parse-project-request.js";
import type { Project } from "../../functions/core/schema/project.js";
import {
  checkProjectSources,
  checkSourceUrl,
  displaySrc,
  policyFromConfig,
  type SourcePolicy,
} from "../../functions/core/schema/source-policy.js";

const aws: SourcePolicy = { bucket: "vc-bucket", allowHttp: false };
const local: SourcePolicy = { bucket: "vc-bucket", allowHttp: true, localAllowedDir: "/srv/media" };

describe("checkSourceUrl", () => {
  it.each([
    ["https://cdn.example.com/a.mp4", aws, "https"],
    ["https://drive.google.com/uc?export=download&id=abc", aws, "https"],
    ["https://127.0.0.1/a.mp4", aws, "https"], // addresses are the fetcher's job
    ["http://cdn.example.com/a.mp4", local, "http"],
    ["s3://vc-bucket/uploads/a.mp4", aws, "s3"],
    ["s3://vc-bucket/uploads/user/clip%20one.mp4", aws, "s3"],
    ["file:///srv/media/a.png", local, "file"],
    ["file:///srv/media/sub/../b.png", local, "file"],
  ] as const)("allows %s", (src, policy, kind) => {
    const r = checkSourceUrl(src, policy);
    expect(r).toMatchObject({ ok: true, kind });
  });

  it.each([
    ["http://cdn.example.com/a.mp4", aws, /plain http/],
    ["ftp://example.com/a.mp4", local, /ftp scheme/],
    ["gopher://example.com:70/_x", local, /gopher scheme/],
    ["data:video/mp4;base64,AAAA", local, /data scheme/],
    ["javascript:alert(1)", local, /javascript scheme/],
    ["not a url", local, /not a URL/],
    ["s3://other-bucket/uploads/a.mp4", aws, /only the bucket vc-bucket/],
    ["s3://vc-bucket/jobs/01J/request.json", aws, /only keys under uploads\//],
    ["s3://vc-bucket/uploads/../jobs/01J/request.json", aws, /only keys under uploads\//],
    ["s3://vc-bucket/uploads/%2e%2e/jobs/x", aws, /only keys under uploads\//],
    ["s3://vc-bucket/uploads/", aws, /folder/],
    ["s3://vc-bucket/uploads/a.mp4?versionId=1", aws, /expected s3:\/\/vc-bucket/],
    ["file:///srv/media/a.png", aws, /only allowed in local mode/],
    ["file:///etc/passwd", local, /outside the allowed directory/],
    ["file:///srv/media/../secrets/key.pem", local, /outside the allowed directory/],
    ["file:///srv/media/%2e%2e/secrets/key.pem", local, /outside the allowed directory/],
    ["file:///srv/media-evil/a.png", local, /outside the allowed directory/],
    ["file:///srv/media", local, /outside the allowed directory/],
    ["file://fileserver/share/a.png", local, /not a local file path/],
  ] as const)("forbids %s", (src, policy, message) => {
    const r = checkSourceUrl(src, policy);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe("SOURCE_FORBIDDEN");
      expect(r.message).toMatch(message);
    }
  });

  it("returns the S3 key and the resolved file path", () => {
    expect(checkSourceUrl("s3://vc-bucket/uploads/my%20clip.mp4", aws)).toMatchObject({
      key: "uploads/my clip.mp4",
    });
    expect(checkSourceUrl("file:///srv/media/x/../a.png", local)).toMatchObject({ path: "/srv/media/a.png" });
  });

  it("never repeats a query string in a message", () => {
    const r = checkSourceUrl("http://cdn.example.com/a.mp4?X-Amz-Signature=secret#frag", aws);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).not.toMatch(/secret|frag/);
    expect(displaySrc("https://user:pw@cdn.example.com/a.mp4?token=secret")).toBe(
      "https://cdn.example.com/a.mp4",
    );
    expect(displaySrc("nonsense?token=secret")).toBe('"nonsense"');
  });
});

describe("policyFromConfig", () => {
  const env = {
    VIDEOCRAFT_BUCKET: "vc-bucket",
    VIDEOCRAFT_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123/render",
    VIDEOCRAFT_API_KEY: "k".repeat(20),
  };
  it("derives http and file access from the local-mode settings", () => {
    expect(policyFromConfig(loadConfig(env))).toEqual({ bucket: "vc-bucket", allowHttp: false });
    const dev = loadConfig({
      ...env,
      VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true",
      VIDEOCRAFT_LOCAL_ALLOWED_DIR: "/srv/media",
    });
    expect(policyFromConfig(dev)).toEqual(local);
  });
});

describe("checkProjectSources", () => {
  const project = (): Project => {
    const r = parseProjectRequest(
      {
        elements: [
          { type: "subtitles" },
          { type: "audio", src: "http://music.example.com/bed.mp3" },
          { type: "image", src: "https://cdn.example.com/logo.png" },
        ],
        scenes: [
          {
            duration: 2,
            elements: [
              { type: "video", src: "s3://vc-bucket/uploads/bg.mp4" },
              { type: "image", src: "s3://vc-bucket/videos/01J.jpg" },
              { type: "audio", src: "file:///etc/passwd" },
            ],
          },
          { duration: 1, elements: [{ type: "video", src: "https://cdn.example.com/b.mp4" }] },
        ],
      },
      { maxProjects: 20 },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    return r.projects[0]!;
  };

  it("names every forbidden src by its JSON path", () => {
    const issues = checkProjectSources(project(), aws);
    expect(issues.map((i) => i.path)).toEqual([
      "elements[1].src",
      "scenes[0].elements[1].src",
      "scenes[0].elements[2].src",
    ]);
    expect(issues[0]!.message).toMatch(/plain http/);
  });

  it("finds nothing when every src is allowed", () => {
    const p = project();
    p.elements = p.elements.filter((e) => e.type !== "audio");
    p.scenes[0]!.elements = p.scenes[0]!.elements.slice(0, 1);
    expect(checkProjectSources(p, aws)).toEqual([]);
  });
});
