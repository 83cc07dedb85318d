import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import type { Plugin } from 'vite';

/**
 * Vite plugin: `virtual:custos-region` is the Natural Earth 1:50m countries (world-atlas) around the facilities'
 * region as ready GeoJSON, with coordinates rounded to about 100 m. The browser then loads ~10% of the world file and
 * skips the topology decoding; facilities outside this box fall back to the whole world file.
 */
export const REGION = { west: 22, east: 62, south: 10, north: 46 };

export function regionMap(): Plugin {
  const id = 'virtual:custos-region';
  const resolved = '\0' + id;
  return {
    name: 'custos-region-map',
    resolveId: (source) => (source === id ? resolved : null),
    load(source) {
      if (source !== resolved) return null;
      const require = createRequire(import.meta.url);
      const topo = JSON.parse(readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8'));
      const all = feature(topo, topo.objects.countries) as unknown as {
        features: { type: string; properties: { name: string }; geometry: { type: string; coordinates: unknown } | null }[];
      };
      type Ring = [number, number][];
      // Drop points closer than ~1.5 km to the previous one (under a pixel at the map's scale) and round to ~100 m.
      const thin = (ring: Ring): Ring => {
        const out: Ring = [];
        for (const [x0, y0] of ring) {
          // Points beyond the box (and its margin) are pulled onto its edge: a cheap clip, out of sight of the map.
          const x = Math.min(Math.max(x0, REGION.west - 4), REGION.east + 4);
          const y = Math.min(Math.max(y0, REGION.south - 4), REGION.north + 4);
          const last = out[out.length - 1];
          if (!last || Math.abs(x - last[0]) + Math.abs(y - last[1]) > 0.015) out.push([Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000]);
        }
        out.push(out[0]!);
        return out.length >= 4 ? out : [];
      };
      const near = (ring: Ring) => ring.some(([x, y]) => x >= REGION.west - 8 && x <= REGION.east + 8 && y >= REGION.south - 8 && y <= REGION.north + 8);
      const polygon = (rings: Ring[]) => (near(rings[0] ?? []) ? rings.map(thin).filter((r) => r.length) : []);
      const geometry = (g: { type: string; coordinates: unknown }) =>
        g.type === 'Polygon'
          ? { type: 'Polygon', coordinates: polygon(g.coordinates as Ring[]) }
          : { type: 'MultiPolygon', coordinates: (g.coordinates as Ring[][]).map(polygon).filter((p) => p.length) };
      const inBox = (c: unknown): boolean =>
        Array.isArray(c) && typeof c[0] === 'number'
          ? (c[0] as number) >= REGION.west && (c[0] as number) <= REGION.east && (c[1] as number) >= REGION.south && (c[1] as number) <= REGION.north
          : Array.isArray(c) && c.some(inBox);
      const features = all.features
        .filter((f) => f.geometry && inBox(f.geometry.coordinates))
        .map((f) => ({ type: 'Feature', properties: { name: f.properties.name }, geometry: geometry(f.geometry!) }))
        .filter((f) => f.geometry.coordinates.length > 0);
      return `export const region = ${JSON.stringify(REGION)};\nexport default ${JSON.stringify({ type: 'FeatureCollection', features })};`;
    },
  };
}
