import type { AlertDraft } from './alerts.domain';

/** An incident opened from a sector's alarms: on the alert stream at once, with the incident's severity. */
export function incidentAlert(i: {
  incidentId: string;
  facilityId: string;
  facilityCode: string;
  sector: string;
  severity: 'warning' | 'critical';
  title: string;
  firstAlarmAt: string;
  alarmCount: number;
}): AlertDraft {
  return {
    facilityId: i.facilityId,
    rule: 'sensors.incident',
    severity: i.severity,
    title: `Incident: ${i.title}`.slice(0, 500),
    details: { incidentId: i.incidentId, sector: i.sector, firstAlarmAt: i.firstAlarmAt, alarmCount: i.alarmCount },
    dedupeKey: `sensors.incident:${i.incidentId}`,
  };
}

/**
 * Sensors of one sector went silent: a dead zone. Several at once (or the whole sector) reads as power or link lost
 * across the sector: one alert naming how many, critical when the sector is dark.
 */
export function deadZoneAlert(d: {
  facilityId: string;
  facilityCode: string;
  sector: string;
  at: string;
  sensors: { id: string; code: string }[];
  sectorTotal: number;
}): AlertDraft {
  const n = d.sensors.length;
  const dark = n >= d.sectorTotal;
  const codes = d.sensors.map((s) => s.code).slice(0, 10);
  const what =
    n === 1
      ? `sensor ${codes[0]} silent`
      : `${n} of ${d.sectorTotal} sensors silent at once${dark ? ' (the whole sector: power or link lost?)' : ''}: ${codes.join(', ')}${n > 10 ? ', ...' : ''}`;
  return {
    facilityId: d.facilityId,
    rule: 'sensors.dead_zone',
    severity: dark && n > 1 ? 'critical' : 'warning',
    title: `Dead zone at ${d.facilityCode} sector ${d.sector}: ${what}`.slice(0, 500),
    details: { sector: d.sector, sensors: d.sensors, sectorTotal: d.sectorTotal },
    dedupeKey: `sensors.dead_zone:${d.facilityId}:${d.sector}:${d.at}`,
  };
}
