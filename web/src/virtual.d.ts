declare module 'virtual:custos-region' {
  import type { FeatureCollection, Geometry } from 'geojson';
  export const region: { west: number; east: number; south: number; north: number };
  const countries: FeatureCollection<Geometry, { name: string }>;
  export default countries;
}
