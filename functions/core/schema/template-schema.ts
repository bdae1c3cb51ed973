import { z } from "zod";
import { VARIABLE_NAME } from "../templates/expand-template.js";
import { projectSchema } from "./request-schema.js";

const variableValue = z.union([z.string().max(100_000), z.number(), z.boolean()], {
  error: "a variable is a string, a number or a boolean",
});

/** Values for the request's `{{name}}` placeholders. */
export const variablesSchema = z
  .record(
    z.string().regex(VARIABLE_NAME, {
      message:
        "a variable name is letters, digits, '_', '.' or '-', starting with a letter or '_' (at most 64)",
    }),
    variableValue,
  )
  .describe("values for {{name}} placeholders in any string of the request (src included)");

/** One job per row: each row's values over `variables`. */
export const dataSchema = z
  .array(variablesSchema)
  .min(1, { message: "data needs at least one row" })
  .describe("a batch: one job per row, each row's values over variables");

/**
 * The body POST /v1/videos takes, as published: a project may carry `variables` for its
 * placeholders and a `data` batch; each project of an array its own `variables`. Both are used up
 * when the placeholders are filled, before the project is validated (request-schema.ts).
 */
export const publishedRequestSchema = z.union([
  projectSchema.extend({ variables: variablesSchema.optional(), data: dataSchema.optional() }),
  z.array(projectSchema.extend({ variables: variablesSchema.optional() })).min(1),
]);
