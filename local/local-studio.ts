import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLE_MEDIA } from "../functions/api/studio/studio-files.js";
import { contentTypeForName } from "../functions/core/uploads/upload-rules.js";
import { buildStudio, type StudioBuild } from "./build-studio.js";
import { DEMO_MEDIA_FILES, generateDemoMedia } from "./demo-media.js";
import type { LocalService } from "./local-service.js";

/** Where the examples' media go in the local bucket; under uploads/ so requests may use them. */
const EXAMPLE_MEDIA_PREFIX = "uploads/examples/";

export interface LocalStudio {
  build: StudioBuild;
  /** What to set VIDEOCRAFT_STUDIO_DIR to. */
  dir: string;
  /**
   * Generates the examples' media, uploads it to the service's bucket and points the examples'
   * `file://{{MEDIA}}/…` sources at it, so a new user renders an example from the browser as is.
   */
  provideExampleMedia(service: LocalService): Promise<void>;
  remove(): Promise<void>;
}

/** The studio built into a folder of this process's own (two `serve`s never share one). */
export async function buildLocalStudio(): Promise<LocalStudio> {
  const root = await mkdtemp(join(tmpdir(), "videocraft-studio-"));
  const dir = join(root, "studio");
  const build = await buildStudio(dir);
  return {
    build,
    dir,
    async provideExampleMedia(service) {
      const media = join(root, "media");
      await generateDemoMedia(media);
      await Promise.all(
        DEMO_MEDIA_FILES.map((name) =>
          service.store.uploadFile(
            `${EXAMPLE_MEDIA_PREFIX}${name}`,
            join(media, name),
            contentTypeForName(name) ?? "application/octet-stream",
          ),
        ),
      );
      const mapping = { "file://{{MEDIA}}/": `s3://${service.config.bucket}/${EXAMPLE_MEDIA_PREFIX}` };
      await writeFile(join(dir, EXAMPLE_MEDIA), JSON.stringify(mapping));
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
