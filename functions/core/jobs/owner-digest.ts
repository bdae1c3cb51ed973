import { createHash } from "node:crypto";

/** A principal as a key segment: fixed length, no `:` or other characters keys should not hold. */
export const ownerDigest = (owner: string): string =>
  createHash("sha256").update(owner).digest("hex").slice(0, 32);
