// A mutual-aid post's point as the town hall keeps it: the centre of its
// cell of a grid of about 200 m, as `beffroi_domain::aid::round_point`
// makes it (the same formula), so the exact point never leaves the phone.
import type { Position } from '../bindings/Position';

const METRES_PER_DEGREE = 111320;
const GRID_METRES = 200;

export function roundPoint(p: Position): Position {
  const latStep = GRID_METRES / METRES_PER_DEGREE;
  const lat = (Math.floor(p.lat / latStep) + 0.5) * latStep;
  const lonStep = GRID_METRES / (METRES_PER_DEGREE * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
  const lon = (Math.floor(p.lon / lonStep) + 0.5) * lonStep;
  return { lat, lon };
}
