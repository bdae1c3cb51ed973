import { z } from "zod";

/**
 * String formats of response fields, for the schemas the OpenAPI document publishes (the type
 * stays `string`; the format tells clients how to read it).
 */

/** An ISO 8601 timestamp in UTC, like every `*_at` field. */
export const dateTimeField = (description?: string) =>
  z.string().meta({ format: "date-time", ...(description ? { description } : {}) });

/** An absolute URL. */
export const urlField = (description?: string) =>
  z.string().meta({ format: "uri", ...(description ? { description } : {}) });
