/**
 * Share of the render function's timeout one unit of work may be estimated to need. The estimate
 * is good to a factor of ~2 (estimate-render.ts); the rest is headroom for a slow source or a busy
 * host. Import-free, so the infrastructure's alarm on render duration reads the same number.
 */
export const RENDER_TIME_SHARE = 0.8;
