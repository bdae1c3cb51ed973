import { isIP } from "node:net";
import type { IssueDetail } from "../errors.js";
import { isForbiddenAddress } from "./address-policy.js";
import type { Project } from "./project.js";

/**
 * The webhook URL rules that the URL text alone decides, applied at submission so a request
 * naming cloud metadata or a loopback port is refused with a 400 instead of being queued: the
 * scheme (https; http only where private sources are allowed, i.e. local development) and a
 * literal IP address in a private, loopback, link-local or reserved range. Where a host name
 * points is only known when it is resolved, so the delivery checks every address again.
 */
export function checkWebhookUrl(url: string, allowPrivate: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "url is not a URL";
  }
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && allowPrivate)) {
    return parsed.protocol === "http:"
      ? "url must be https (plain http is allowed only in local development)"
      : `url must be https, not ${parsed.protocol.slice(0, -1)}`;
  }
  // The WHATWG parser already turned 0x7f000001, 2130706433 and 127.1 into dotted IPv4.
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && isIP(host) !== 0 && isForbiddenAddress(host)) {
    return `url names ${host}, a private or reserved address`;
  }
  return undefined;
}

/** The webhook problem of a project, at `webhook.url`, if any. */
export function checkProjectWebhook(project: Project, allowPrivate: boolean): IssueDetail[] {
  if (!project.webhook) return [];
  const message = checkWebhookUrl(project.webhook.url, allowPrivate);
  return message ? [{ path: "webhook.url", message }] : [];
}
