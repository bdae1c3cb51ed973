/**
 * Sets `key` on `target` as JSON.parse would: an own, enumerable property, `"__proto__"` included.
 * Plain assignment of `"__proto__"` would replace the object's prototype instead, and validation
 * could then no longer name the key as unknown. Other keys are assigned (the fast path, for bodies
 * of many thousands of keys).
 */
export function setOwnKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else target[key] = value;
}
