import { z } from "zod";
import { defineRoute } from "../define-route.js";
import { json } from "../http-response.js";
import { studioFiles } from "../studio/studio-files.js";

export const examplesSchema = z
  .object({
    examples: z.array(
      z.object({
        name: z.string().meta({ examples: ["narrated-explainer"] }),
        title: z.string(),
        request: z.looseObject({}).meta({ description: "a request body for POST /v1/videos" }),
        needs_media: z.boolean().meta({
          description: "sources still hold a {{…}} placeholder: point them at your own media first",
        }),
      }),
    ),
  })
  .meta({ id: "Examples" });

/** The repository's examples/, packaged with the studio; an empty list where no studio is served. */
export const listExamplesRoute = defineRoute({
  method: "GET",
  path: "/v1/examples",
  doc: {
    tag: "meta",
    summary: "Example requests (the studio's gallery)",
    responses: { 200: { description: "the examples", body: examplesSchema } },
  },
  handle: async (_req, deps) => {
    const dir = deps.config.studioDir;
    const examples = dir ? await (await studioFiles(dir)).examples() : [];
    return json(200, { examples });
  },
});
