import type { Writable } from "node:stream";
import type {
  HttpResponsePrelude,
  PreludeWriter,
} from "../../functions/download/create-download-stream-handler.js";

/** The eight null bytes between a streamed response's prelude and its body. */
const DELIMITER = Buffer.alloc(8);

/**
 * Splits a streamed Lambda response as API Gateway's streaming integration reads it: the JSON
 * prelude (status and headers), eight null bytes, the body. Throws when the delimiter is missing,
 * or comes later than the 16 KB API Gateway reads the prelude from.
 */
export function parseHttpIntegrationResponse(stream: Buffer): { prelude: HttpResponsePrelude; body: Buffer } {
  const at = stream.indexOf(DELIMITER);
  if (at < 0) throw new Error("no prelude delimiter (eight null bytes) in the streamed response");
  if (at > 16 * 1024) throw new Error(`the prelude ends at byte ${at}, past the first 16 KB`);
  return {
    prelude: JSON.parse(stream.subarray(0, at).toString("utf8")) as HttpResponsePrelude,
    body: stream.subarray(at + DELIMITER.length),
  };
}

/**
 * What `awslambda.HttpResponseStream.from` does, for running the download handler in process: the
 * prelude and the delimiter go out just before the first write.
 */
export const preludeWriter: PreludeWriter = (stream: Writable, prelude) => {
  let sent = false;
  const write = stream.write.bind(stream);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (!sent) {
      sent = true;
      write(Buffer.concat([Buffer.from(JSON.stringify(prelude)), DELIMITER]));
    }
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as Writable["write"];
  return stream;
};
