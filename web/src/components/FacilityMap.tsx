import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { geoMercator, geoPath, geoCentroid } from 'd3-geo';
import { feature } from 'topojson-client';
import type { FeatureCollection, Geometry } from 'geojson';
import type { Topology, GeometryCollection } from 'topojson-specification';
import { Skeleton } from '@mantine/core';
import { isArabic, num } from '../lib/format';
import { i18next } from '../i18n';

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

/** The region's countries (prepared at build time), or the whole world when a facility lies outside the region. */
async function loadCountries(points: { latitude: number; longitude: number }[]): Promise<Countries> {
  const mod = await import('virtual:custos-region');
  const r = mod.region;
  if (points.every((p) => p.longitude > r.west + 3 && p.longitude < r.east - 3 && p.latitude > r.south + 3 && p.latitude < r.north - 3)) {
    return mod.default as unknown as Countries;
  }
  const topo = (await import('world-atlas/countries-50m.json')).default as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  return feature(topo, topo.objects.countries) as unknown as Countries;
}

/** The figures under a facility's code: population, Delta at the last roll call, open alerts. */
function labelLine(f: MapFacility): string {
  return `${num(f.population)}${f.delta !== null ? ` · Δ ${num(f.delta)}` : ''}${f.openAlerts > 0 ? ` · ${i18next.t('map:alerts', { count: f.openAlerts, n: num(f.openAlerts) })}` : ''}`;
}

/** A country's name in the interface's language (the atlas names them in English). */
const countryName = (name: string): string => i18next.t(`map:country.${name}`, { defaultValue: name });

const W = 720;
const H = 420;

/** The facilities on a Natural Earth basemap (world-atlas, drawn with d3-geo as SVG; no tile server). */
export default function FacilityMap({ facilities, onOpen }: { facilities: MapFacility[]; onOpen?: (id: string) => void }) {
  const countries = useQuery({ queryKey: ['world-atlas-50m', facilities.length], queryFn: () => loadCountries(facilities), staleTime: Infinity });

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
    const [[x0, y0], [x1, y1]] = [
      projection([box.geometry.coordinates[0]![0]! - 8, box.geometry.coordinates[1]![1]! + 8])!,
      projection([box.geometry.coordinates[1]![0]! + 8, box.geometry.coordinates[0]![1]! - 8])!,
    ];
    const shown = (countries.data?.features ?? []).filter((f) => {
      const b = path.bounds(f);
      return b[1][0] >= x0 && b[0][0] <= x1 && b[1][1] >= y0 && b[0][1] <= y1;
    });
    return { projection, path, shown };
  }, [facilities, countries.data]);

  if (countries.isPending) return <Skeleton h={H} aria-label={i18next.t('map:loading')} />;

  const maxPop = Math.max(1, ...facilities.map((f) => f.population));
  const radius = (p: number) => 5 + 15 * Math.sqrt(p / maxPop);
  // Labels placed greedily, biggest facility first: right of the dot, else left, above or below, else none.
  const placed: { x0: number; y0: number; x1: number; y1: number }[] = [];
  const dots = facilities
    .map((f) => ({ f, p: projection([f.longitude, f.latitude]) as [number, number] | null, r: radius(f.population) }))
    .filter((d): d is { f: MapFacility; p: [number, number]; r: number } => !!d.p);
  for (const d of dots) placed.push({ x0: d.p[0] - d.r, y0: d.p[1] - d.r, x1: d.p[0] + d.r, y1: d.p[1] + d.r });
  const labelAt = new Map<string, { dx: number; dy: number; anchor: 'start' | 'end' | 'middle' } | null>();
  for (const d of [...dots].sort((a, b) => b.f.population - a.f.population)) {
    // Widths estimated on the generous side (bold capitals at 14 px, figures at 12 px): a clash is worse than a gap.
    const w = Math.max(d.f.code.length * 11, labelLine(d.f).length * 7.5) + 6;
    const h = 30;
    const options = [
      { dx: d.r + 4, dy: -2, anchor: 'start' as const, box: [d.r + 2, -16, d.r + 2 + w, -16 + h] },
      { dx: -d.r - 4, dy: -2, anchor: 'end' as const, box: [-d.r - 2 - w, -16, -d.r - 2, -16 + h] },
      { dx: 0, dy: -d.r - 18, anchor: 'middle' as const, box: [-w / 2, -d.r - 32, w / 2, -d.r - 2] },
      { dx: 0, dy: d.r + 14, anchor: 'middle' as const, box: [-w / 2, d.r + 1, w / 2, d.r + 1 + h] },
    ];
    const mine = { x0: d.p[0] - d.r, y0: d.p[1] - d.r, x1: d.p[0] + d.r, y1: d.p[1] + d.r };
    const free = options.find((o) => {
      const b = { x0: d.p[0] + o.box[0]!, y0: d.p[1] + o.box[1]!, x1: d.p[0] + o.box[2]!, y1: d.p[1] + o.box[3]! };
      if (b.x0 < 0 || b.x1 > W || b.y0 < 0 || b.y1 > H) return false;
      const clash = placed.some((q) => q !== mine && !(q.x0 === mine.x0 && q.y0 === mine.y0) && b.x0 < q.x1 && b.x1 > q.x0 && b.y0 < q.y1 && b.y1 > q.y0);
      if (!clash) placed.push(b);
      return !clash;
    });
    labelAt.set(d.f.id, free ? { dx: free.dx, dy: free.dy, anchor: free.anchor } : null);
  }
  const labels = shown
    .map((c) => ({ name: countryName(c.properties.name), at: projection(geoCentroid(c)) }))
    .filter((l): l is { name: string; at: [number, number] } => !!l.at && l.at[0] > 30 && l.at[0] < W - 30 && l.at[1] > 20 && l.at[1] < H - 20);

  return (
    <svg
      className="map-svg"
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="group"
      aria-label={i18next.t('map:label')}
      // the labels are placed in the map's own left-to-right geometry; Arabic text inside them still runs right to left
      direction="ltr"
      style={{ background: '#dfe9f0', borderRadius: 6, display: 'block', direction: 'ltr' }}
    >
      <g>
        {shown.map((c, i) => (
          <path key={i} className={`country${c.properties.name === 'Syria' ? ' home' : ''}`} d={path(c) ?? undefined} />
        ))}
      </g>
      <g aria-hidden="true">
        {labels.map((l) => (
          <text key={l.name} x={l.at[0]} y={l.at[1]} textAnchor="middle" fontSize={13} fill="#8a8f86" letterSpacing={isArabic(l.name) ? 0 : 2}>
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
            const alarm = f.openAlerts > 0 || (f.delta ?? 0) > 0;
            const label = i18next.t(f.delta !== null ? 'map:facilityWithDelta' : 'map:facility', {
              name: f.name,
              population: num(f.population),
              delta: num(f.delta),
              count: f.openAlerts,
              n: num(f.openAlerts),
            });
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
                <circle
                  className="dot"
                  r={r}
                  fill={f.population === 0 ? '#ffffff' : alarm ? 'rgba(224,49,49,0.55)' : 'rgba(12,133,112,0.55)'}
                  stroke={alarm ? '#c92a2a' : f.population === 0 ? '#868e96' : '#087f5b'}
                  strokeWidth={1.5}
                />
              </g>
            );
          })}
      </g>
      {/* Labels above every dot (drawn last): a smaller facility's dot must not hide a bigger one's name. */}
      <g aria-hidden="true" style={{ pointerEvents: 'none' }}>
        {dots.map(({ f, p }) => {
          const at = labelAt.get(f.id);
          if (!at) return null;
          return (
            <g key={f.id} transform={`translate(${p[0]},${p[1]})`} data-testid={`map-label-${f.code}`} className="map-label">
              <text x={at.dx} y={at.dy} textAnchor={at.anchor} fontSize={14} fontWeight={700} fill="#212529">
                {f.code}
              </text>
              <text x={at.dx} y={at.dy + 15} textAnchor={at.anchor} fontSize={12} fill="#343a40">
                {labelLine(f)}
              </text>
            </g>
          );
        })}
      </g>
    </svg>
  );
}
