/**
 * Flat scene backgrounds as a request names them, each with the RGB a decoded frame of it shows:
 * far enough apart that one frame tells which scene it came from.
 */
export const SCENE_COLORS: readonly (readonly [string, [number, number, number]])[] = [
  ["#ff0000", [255, 0, 0]],
  ["#00ff00", [0, 255, 0]],
  ["#0000ff", [0, 0, 255]],
  ["#ffff00", [255, 255, 0]],
  ["#00ffff", [0, 255, 255]],
  ["#ff00ff", [255, 0, 255]],
  ["#ffffff", [255, 255, 255]],
  ["#808080", [128, 128, 128]],
];
