import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { geoMercator, geoPath, geoCentroid } from 'd3-geo';
import { feature } from 'topojson-client';
import type { FeatureCollection, Geometry } from 'geojson';
import type { Topology, GeometryCollection } from 'topojson-specification';
import { Skeleton } from '@mantine/core';
import { num } from '../lib/format';

export interface MapFacility {
  id: string;
  code: string;
  name: string;
  latitude: number;
  longitude: number;
  population: number;
  delta: number | null;
  openAlerts: number;
}

type Countries = FeatureCollection<Geometry, { name: string }>;

async function loadCountries(): Promise<Countries> {
  const topo = (await import('world-atlas/countries-50m.json')).default as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  return feature(topo, topo.objects.countries) as unknown as Countries;
}

const W = 720;
const H = 420;

/** The facilities on a Natural Earth basemap (world-atlas, drawn with d3-geo as SVG; no tile server). */
export default function FacilityMap({ facilities, onOpen }: { facilities: MapFacility[]; onOpen?: (id: string) => void }) {
  const countries = useQuery({ queryKey: ['world-atlas-50m'], queryFn: loadCountries, staleTime: Infinity });

  const { projection, path, shown } = useMemo(() => {
    const pts = facilities.length ? facilities : [{ latitude: 36, longitude: 40 }];
    const lons = pts.map((f) => f.longitude);
    const lats = pts.map((f) => f.latitude);
    // Frame the facilities with a margin of at least 1.2 degrees so that borders and neighbours give context.
    const pad = Math.max(2.6, (Math.max(...lons) - Math.min(...lons)) * 0.5);
    const box = {
      type: 'Feature' as const,
      properties: {},
      geometry: {
        type: 'MultiPoint' as const,
        coordinates: [
          [Math.min(...lons) - pad, Math.min(...lats) - pad * 0.7],
          [Math.max(...lons) + pad, Math.max(...lats) + pad * 0.7],
        ],
      },
    };
    const projection = geoMercator().fitExtent(
      [
        [10, 10],
        [W - 10, H - 10],
      ],
      box,
    );
    const path = geoPath(projection);
    const [[x0, y0], [x1, y1]] = [projection([box.geometry.coordinates[0]![0]! - 8, box.geometry.coordinates[1]![1]! + 8])!, projection([box.geometry.coordinates[1]![0]! + 8, box.geometry.coordinates[0]![1]! - 8])!];
    const shown = (countries.data?.features ?? []).filter((f) => {
      const b = path.bounds(f);
      return b[1][0] >= x0 && b[0][0] <= x1 && b[1][1] >= y0 && b[0][1] <= y1;
    });
    return { projection, path, shown };
  }, [facilities, countries.data]);

  if (countries.isPending) return <Skeleton h={H} aria-label="Loading map" />;

  const maxPop = Math.max(1, ...facilities.map((f) => f.population));
  const radius = (p: number) => 5 + 15 * Math.sqrt(p / maxPop);
  const projected = facilities.map((f) => ({ id: f.id, p: projection([f.longitude, f.latitude]) }));
  // A label goes to the left of its dot when another facility sits just to the right of it.
  const labelLeft = (id: string, at: [number, number]) =>
    projected.some((o) => o.id !== id && o.p && o.p[0] > at[0] && o.p[0] - at[0] < 90 && Math.abs(o.p[1] - at[1]) < 28);
  const labels = shown
    .map((c) => ({ name: c.properties.name, at: projection(geoCentroid(c)) }))
    .filter((l): l is { name: string; at: [number, number] } => !!l.at && l.at[0] > 30 && l.at[0] < W - 30 && l.at[1] > 20 && l.at[1] < H - 20);

  return (
    <svg className="map-svg" viewBox={`0 0 ${W} ${H}`} width="100%" role="group" aria-label="Map of facilities" style={{ background: '#dfe9f0', borderRadius: 6, display: 'block' }}>
      <g>
        {shown.map((c, i) => (
          <path key={i} className={`country${c.properties.name === 'Syria' ? ' home' : ''}`} d={path(c) ?? undefined} />
        ))}
      </g>
      <g aria-hidden="true">
        {labels.map((l) => (
          <text key={l.name} x={l.at[0]} y={l.at[1]} textAnchor="middle" fontSize={13} fill="#8a8f86" letterSpacing={2}>
            {l.name.toUpperCase()}
          </text>
        ))}
      </g>
      <g>
        {[...facilities]
          .sort((a, b) => b.population - a.population)
          .map((f) => {
            const p = projection([f.longitude, f.latitude]);
            if (!p) return null;
            const r = radius(f.population);
            const left = labelLeft(f.id, p as [number, number]);
            const alarm = f.openAlerts > 0 || (f.delta ?? 0) > 0;
            const label = `${f.name}: ${num(f.population)} on roll${f.delta !== null ? `, Delta ${num(f.delta)}` : ''}, ${f.openAlerts} open alerts`;
            return (
              <g
                key={f.id}
                className="facility"
                transform={`translate(${p[0]},${p[1]})`}
                tabIndex={0}
                role="link"
                aria-label={label}
                data-testid={`map-facility-${f.code}`}
                onClick={() => onOpen?.(f.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') onOpen?.(f.id);
                }}
              >
                <title>{label}</title>
                <circle className="dot" r={r} fill={alarm ? 'rgba(224,49,49,0.55)' : 'rgba(12,133,112,0.55)'} stroke={alarm ? '#c92a2a' : '#087f5b'} strokeWidth={1.5} />
                <text x={left ? -r - 4 : r + 4} textAnchor={left ? 'end' : 'start'} y={-2} fontSize={14} fontWeight={700} fill="#212529">
                  {f.code}
                </text>
                <text x={left ? -r - 4 : r + 4} textAnchor={left ? 'end' : 'start'} y={13} fontSize={13} fill="#343a40">
                  {num(f.population)}
                  {f.delta !== null ? ` · Δ ${num(f.delta)}` : ''}
                  {f.openAlerts > 0 ? ` · ${f.openAlerts}⚠` : ''}
                </text>
              </g>
            );
          })}
      </g>
    </svg>
  );
}
