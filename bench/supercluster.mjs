// The client-side alternative to the atlas's server clusters (bench/atlas.py): supercluster (Mapbox's
// library, what a Leaflet/MapLibre map would run in the browser) on every place, in Node.js.
// stdin: {"points": [[lon, lat], ...], "views": [[west, south, east, north, zoom], ...]}
// stdout: {"build_ms": …, "view_ms": [...]} (the same views as the server benchmark).
import Supercluster from "supercluster";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const features = input.points.map(([lon, lat], id) => ({
  type: "Feature",
  properties: { id },
  geometry: { type: "Point", coordinates: [lon, lat] },
}));
let started = performance.now();
const index = new Supercluster({ radius: 60, maxZoom: 16 }).load(features);
const buildMs = performance.now() - started;
const viewMs = [];
for (const [west, south, east, north, zoom] of input.views) {
  started = performance.now();
  index.getClusters([west, south, east, north], zoom);
  viewMs.push(performance.now() - started);
}
process.stdout.write(JSON.stringify({ build_ms: buildMs, view_ms: viewMs }));
