import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WHISPER_MODEL_BASE_URL, WHISPER_MODELS } from "../../functions/core/whisper-models.js";
import { REPO_ROOT } from "../../infra/repo-root.js";
import { dockerInstructions } from "../../scripts/render-image-runtime.js";
import { CDK_JSON_CONTEXT } from "./synth-app.js";

const IMAGE_DIR = path.join(REPO_ROOT, "layers/render-image");
const dockerfile = readFileSync(path.join(IMAGE_DIR, "Dockerfile"), "utf8");

const instructions = dockerInstructions(dockerfile);

/** Every `ARG NAME=value` (an ARG redeclared without a value inherits the global one). */
const args = new Map<string, string>();
for (const { keyword, args: text } of instructions) {
  const m = /^([A-Z0-9_]+)=(\S+)$/.exec(text);
  if (keyword === "ARG" && m) {
    if (args.has(m[1]!)) throw new Error(`ARG ${m[1]} is pinned twice`);
    args.set(m[1]!, m[2]!);
  }
}
const arg = (name: string) => {
  const value = args.get(name);
  if (value === undefined) throw new Error(`Dockerfile has no ARG ${name}=…`);
  return value;
};
const EXACT_SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** The version and integrity package-lock.json pins for a package, if the project depends on it. */
function locked(name: string): { version: string; integrity: string } | undefined {
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8"));
  return lock.packages?.[`node_modules/${name}`];
}

describe("render image Dockerfile", () => {
  it("builds every stage on node:24-bookworm-slim", () => {
    const froms = instructions.filter((i) => i.keyword === "FROM").map((i) => i.args.split(/\s+/));
    const stages = new Set(froms.flatMap((words) => (words[1]?.toUpperCase() === "AS" ? [words[2]] : [])));
    const bases = froms.map((words) => words[0]).filter((image) => !stages.has(image));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(new Set(bases)).toEqual(new Set(["node:24-bookworm-slim"]));
  });

  it.each(Object.entries(WHISPER_MODELS))(
    "pins the sha256 of %s to the value in whisper-models.ts",
    (name, model) => {
      const argName = `WHISPER_${name.toUpperCase().replace(/\W/g, "_")}_SHA256`;
      expect(arg(argName)).toBe(model.sha256);
      expect(model.sha256).toMatch(/^[0-9a-f]{64}$/);
      // The script picks the hash by model name and checks it before anything else uses the file.
      expect(dockerfile).toContain(`${name}) sha="\${${argName}}"`);
      expect(dockerfile).toMatch(/sha256sum -c -/);
    },
  );

  it("downloads the model from the URL whisper-models.ts names", () => {
    expect(arg("WHISPER_MODEL_BASE_URL")).toBe(WHISPER_MODEL_BASE_URL);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell expansion in the Dockerfile.
    expect(dockerfile).toContain('"${WHISPER_MODEL_BASE_URL}/ggml-${WHISPER_MODEL}.bin"');
    for (const [name, model] of Object.entries(WHISPER_MODELS)) {
      expect(model.url).toBe(`${WHISPER_MODEL_BASE_URL}/ggml-${name}.bin`);
    }
  });

  it("defaults WHISPER_MODEL to a known model, the same one cdk.json deploys", () => {
    expect(Object.keys(WHISPER_MODELS)).toContain(arg("WHISPER_MODEL"));
    expect(CDK_JSON_CONTEXT.whisperModel).toBe(arg("WHISPER_MODEL"));
  });

  it("builds whisper.cpp from an exactly pinned nodejs-whisper, the one package-lock.json locks", () => {
    const version = arg("NODEJS_WHISPER_VERSION");
    expect(version).toMatch(EXACT_SEMVER);
    // The image installs it from package-lock.json (integrity-checked by npm ci) and refuses to build
    // when the lock and this pin differ; local mode builds from the same locked package.
    const lock = locked("nodejs-whisper");
    if (lock) expect(version).toBe(lock.version);
    expect(dockerfile).toMatch(/npm ci --ignore-scripts/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell expansion in the Dockerfile.
    expect(dockerfile).toContain('= "${NODEJS_WHISPER_VERSION}"');
    // Same build script, hence the same cmake flags, as local mode and the tests.
    expect(dockerfile).toContain("bash scripts/build-whisper.sh");
  });

  it("installs the runtime interface client the tests run, from one exact-pinned lockfile", () => {
    const ricDir = path.join(IMAGE_DIR, "ric");
    const manifest = JSON.parse(readFileSync(path.join(ricDir, "package.json"), "utf8"));
    const ricLock = JSON.parse(readFileSync(path.join(ricDir, "package-lock.json"), "utf8"));
    const version = manifest.dependencies?.["aws-lambda-ric"];
    expect(version).toMatch(EXACT_SEMVER);
    expect(ricLock.packages?.["node_modules/aws-lambda-ric"]?.version).toBe(version);
    expect(dockerfile).toContain(
      "COPY layers/render-image/ric/package.json layers/render-image/ric/package-lock.json ./",
    );
    expect(dockerfile).toMatch(/RUN npm ci --no-audit --no-fund --omit=dev/);
    // The tests install the same lockfile (scripts/build-lambda-ric.sh), not a copy of the pin.
    expect(readFileSync(path.join(REPO_ROOT, "scripts/build-lambda-ric.sh"), "utf8")).toContain(
      "layers/render-image/ric",
    );
    // It stays out of the project's own dependencies: `npm ci` must not need a C toolchain.
    expect(locked("aws-lambda-ric")).toBeUndefined();
  });

  it("starts it through an entry point that hands the CMD on as _HANDLER", () => {
    const last = (keyword: string) => instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
    expect(JSON.parse(last("ENTRYPOINT") ?? "[]")).toEqual(["/lambda-entrypoint.sh"]);
    expect(JSON.parse(last("CMD") ?? "[]")).toEqual(["handler.handler"]);
    expect(dockerfile).toContain("COPY layers/render-image/lambda-entrypoint.sh /lambda-entrypoint.sh");
    const script = readFileSync(path.join(IMAGE_DIR, "lambda-entrypoint.sh"), "utf8");
    expect(script).toMatch(/^export _HANDLER="\$1"$/m);
    expect(script).toMatch(/^exec node "\$\{LAMBDA_TASK_ROOT\}\/node_modules\/aws-lambda-ric\/index\.mjs"$/m);
    // Executable in the build context, so COPY keeps it executable.
    expect(statSync(path.join(IMAGE_DIR, "lambda-entrypoint.sh")).mode & 0o111).not.toBe(0);
  });

  it("installs the Debian media, font and speech packages local mode uses", () => {
    const installed = instructions
      .filter((i) => i.keyword === "RUN" && i.args.includes("apt-get install"))
      .at(-1)?.args;
    for (const pkg of [
      "ffmpeg",
      "fonts-dejavu-core",
      "fonts-liberation",
      "fontconfig",
      "pocketsphinx",
      "pocketsphinx-en-us",
      "fonts-freefont-ttf",
      "fonts-lohit-telu",
      "fonts-lohit-knda",
      "fonts-wqy-microhei",
      "fonts-symbola",
    ]) {
      expect(installed?.split(/\s+/), pkg).toContain(pkg);
    }
  });

  it("bundles the render handler with esbuild into an ES module", () => {
    expect(dockerfile).toMatch(/esbuild functions\/render\/handler\.ts[^\n]*\n(?:.*\n)*?.*--format=esm/);
    expect(dockerfile).toContain("--outfile=/out/handler.mjs");
  });

  it("copies only files that exist in the build context", () => {
    const copies = instructions.filter((i) => i.keyword === "COPY" && !i.args.startsWith("--from"));
    expect(copies.length).toBeGreaterThan(0);
    for (const { args: text } of copies) {
      const parts = text.split(/\s+/);
      for (const source of parts.slice(0, -1))
        expect(existsSync(path.join(REPO_ROOT, source)), source).toBe(true);
    }
  });

  it("maps common font names to bundled look-alikes", () => {
    const conf = readFileSync(path.join(IMAGE_DIR, "fonts.conf"), "utf8");
    const alias = (family: string, target: string) =>
      new RegExp(`<family>${family}</family>\\s*<prefer><family>${target}</family>`);
    expect(conf).toMatch(alias("Arial", "Liberation Sans"));
    expect(conf).toMatch(alias("Helvetica", "Liberation Sans"));
    expect(conf).toMatch(alias("Times New Roman", "Liberation Serif"));
    expect(conf).toMatch(alias("Courier New", "Liberation Mono"));
    for (const display of ["Impact", "Comic Sans MS", "Luckiest Guy"]) {
      expect(conf).toMatch(
        new RegExp(
          `<string>${display}</string></test>\\s*<edit name="family"[^>]*><string>DejaVu Sans</string>`,
        ),
      );
    }
  });
});
