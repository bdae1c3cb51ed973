import { ValidationError } from "../errors.js";

const UNIT_SECONDS = { m: 60, h: 3600, d: 86_400 } as const;
/** CloudWatch keeps 1-minute data 15 days; local mode keeps its figures 14. */
export const MAX_PERIOD_SECONDS = 14 * 86_400;
export const DEFAULT_PERIOD = "1h";

/** `15m`, `1h`, `24h`, `7d`: from one minute to 14 days; anything else is a ValidationError. */
export function parseMetricsPeriod(raw: string | undefined): { text: string; seconds: number } {
  const text = (raw ?? DEFAULT_PERIOD).trim();
  const m = /^(\d{1,6})([mhd])$/.exec(text);
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS] : 0;
  if (seconds < 60 || seconds > MAX_PERIOD_SECONDS) {
    throw new ValidationError("invalid query parameters", [
      {
        path: "period",
        message: `expected a period such as 15m, 1h, 24h or 7d, from 1m up to 14d, got "${text}"`,
      },
    ]);
  }
  return { text, seconds };
}
