/**
 * The `upload_id` a client gets for a multipart upload and sends back to complete it: the object's
 * file name and S3's upload id, so the API keeps no state between the two calls. Not a secret and
 * not trusted: the name is checked again, and S3 completes only an upload that belongs to the key.
 */
export interface UploadTokenFields {
  fileName: string;
  uploadId: string;
}

export const uploadToken = {
  encode: (fields: UploadTokenFields): string =>
    Buffer.from(JSON.stringify([fields.fileName, fields.uploadId])).toString("base64url"),

  /** The fields, or undefined for anything this API did not hand out. */
  decode(token: string): UploadTokenFields | undefined {
    try {
      const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
      if (!Array.isArray(value) || value.length !== 2) return undefined;
      const [fileName, uploadId] = value;
      if (typeof fileName !== "string" || typeof uploadId !== "string" || uploadId === "") return undefined;
      return { fileName, uploadId };
    } catch {
      return undefined;
    }
  },
};
