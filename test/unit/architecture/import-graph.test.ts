import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../infra/repo-root.js";
import { importCycles, readImportGraph } from "../../support/import-graph.js";

const functions = path.join(REPO_ROOT, "functions");
const graph = readImportGraph(functions);
/** A repository path for a file, the name for a package. */
const rel = (target: string) => (target.startsWith("/") ? path.relative(REPO_ROOT, target) : target);

describe("imports under functions/", () => {
  it("are read: the graph holds the files and their imports", () => {
    // Guards the checks below against a parser that silently finds nothing.
    expect(graph.size).toBeGreaterThan(100);
    const handler = graph.get(path.join(functions, "api/create-api-handler.ts"));
    expect([...(handler ?? [])].map(rel)).toContain("functions/api/route-list.ts");
    // Type-only imports count; packages are kept by name.
    expect([...(graph.get(path.join(functions, "api/api-event.ts")) ?? [])].map(rel).sort()).toEqual([
      "aws-lambda",
      "functions/api/api-request.ts",
      "functions/api/router.ts",
    ]);
  });

  it("form no cycle", () => {
    const cycles = importCycles(graph).map((group) => group.map(rel));
    expect(cycles).toEqual([]);
  });

  it("keep the render pipeline's helpers below its routines: nothing outside routines/ imports a routine but the handler", () => {
    const handler = path.join(functions, "render/create-render-handler.ts");
    const routines = path.join(functions, "render/routines/");
    const found: string[] = [];
    for (const [file, targets] of graph) {
      if (file.startsWith(routines) || file === handler) continue;
      for (const target of targets)
        if (target.startsWith(routines)) found.push(`${rel(file)} → ${rel(target)}`);
    }
    expect(found).toEqual([]);
    // The check can fail: the handler does reach a routine.
    expect([...(graph.get(handler) ?? [])].map(rel)).toContain("functions/render/routines/dispatch.ts");
  });

  /** Imports of the files under `folder` (but not `except`) that `allowed` refuses. */
  const importsOutside = (folder: string, allowed: (target: string) => boolean, except?: string) => {
    const found: string[] = [];
    for (const [file, targets] of graph) {
      if (!file.startsWith(path.join(functions, folder)) || file === except) continue;
      for (const target of targets) if (!allowed(target)) found.push(`${rel(file)} → ${rel(target)}`);
    }
    return found;
  };
  const inFunctions =
    (...areas: string[]) =>
    (target: string) =>
      !target.startsWith("/") || areas.some((area) => target.startsWith(path.join(functions, area)));
  const sdk = (target: string) => /^@aws-sdk\/|^@aws-lambda-powertools\//.test(target);

  it("keep the API on core: functions/api imports only functions/api and functions/core, its Lambda entry aside", () => {
    const entry = path.join(functions, "api/handler.ts");
    expect(importsOutside("api/", inFunctions("api/", "core/"), entry)).toEqual([]);
    expect(importsOutside("api/", (t) => !sdk(t), entry)).toEqual([]);
    // The check can fail: the entry does reach beyond core (to the wiring).
    expect(importsOutside("api/", inFunctions("api/", "core/"))).toEqual([
      "functions/api/handler.ts → functions/wiring.ts",
    ]);
  });

  it("keep core free of the SDK, the adapters and the functions built on it", () => {
    expect(importsOutside("core/", inFunctions("core/"))).toEqual([]);
    expect(importsOutside("core/", (t) => !sdk(t))).toEqual([]);
  });
});

describe("importCycles", () => {
  it("finds a cycle through three files and a file importing itself, and nothing in a chain", () => {
    const g = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a", "d"])],
      ["d", new Set(["e"])],
      ["e", new Set<string>()],
      ["s", new Set(["s"])],
    ]);
    expect(importCycles(g)).toEqual([["a", "b", "c"], ["s"]]);
  });
});
