/** ASS timestamps have centisecond precision: `H:MM:SS.cc`. */

/** Seconds rounded to the centisecond an ASS timestamp can hold. */
export function toCentiseconds(seconds: number): number {
  return Math.max(0, Math.round(seconds * 100));
}

export function formatAssTime(centiseconds: number): string {
  const cs = Math.max(0, Math.round(centiseconds));
  const h = Math.floor(cs / 360_000);
  const m = Math.floor((cs % 360_000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  const c = cs % 100;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${h}:${pad(m)}:${pad(s)}.${pad(c)}`;
}
