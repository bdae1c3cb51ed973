import { stat } from "node:fs/promises";
import { CliExit, clientFrom, consoleOutput, EXIT, type Output, type RemoteOptions } from "./cli-commands.js";
import { uploadLocalFile } from "./upload-file.js";

export interface UploadCommandOptions extends RemoteOptions {
  contentType?: string;
}

/**
 * `videocraft upload <file>`: sends a media file to the API's bucket and prints the `s3://` source
 * (stdout, alone on its line, for scripts); progress goes to stderr.
 */
export async function uploadCommand(
  file: string,
  o: UploadCommandOptions,
  output: Output = consoleOutput,
): Promise<number> {
  const client = clientFrom(o);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new CliExit(EXIT.INVALID, `cannot read ${file}: not a file`);
  let shown = -1;
  const uploaded = await uploadLocalFile(client, file, {
    ...(o.contentType ? { contentType: o.contentType } : {}),
    onProgress: (sent, total) => {
      const percent = Math.floor((sent / total) * 100);
      if (percent !== shown) output.err(`uploading ${file}: ${percent} %`);
      shown = percent;
    },
  });
  output.out(uploaded.source);
  return EXIT.OK;
}
