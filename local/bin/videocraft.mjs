#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so `npx videocraft …` works straight from a clone. The CLI
// needs Node 24; started by an older Node (the machine's own, say), it hands over to the Node 24
// that `npm ci` installed from the `node` devDependency.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const REQUIRED_MAJOR = 24;

if (Number(process.versions.node.split(".")[0]) < REQUIRED_MAJOR) {
  const pinned = fileURLToPath(new URL("../../node_modules/.bin/node", import.meta.url));
  if (!existsSync(pinned)) {
    console.error(
      `videocraft: needs Node ${REQUIRED_MAJOR} (this is ${process.version}); run \`npm ci\` to install it`,
    );
    process.exit(1);
  }
  const child = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  if (child.signal) process.kill(process.pid, child.signal);
  process.exit(child.status ?? 1);
}

const { register } = await import("tsx/esm/api");
register();
await import("../cli.ts");
