/** Alerts: rules per facility, lifecycle open -> acknowledged -> resolved, escalation, the scheduler, live changes. */
export {
  AlertsService,
  alertView,
  presentAlert,
  canSeeAlert,
  type AlertView,
  type AlertMessage,
  type AlertChange,
  type TickReport,
} from './alerts.service';
export { AlertRaised, AlertAcknowledged, AlertResolved, AlertEscalated, AlertUpdated, ALERT_CHANGES } from './alerts.events';
export { alertConsumers } from './alerts.consumers';
export {
  ALERT_RULES,
  ALERT_STATUSES,
  SEVERITIES,
  DEFAULT_RULES,
  RuleSettings,
  closeAlerts,
  mergeSituation,
  absenceSituation,
  nextStatus,
  escalationDue,
  type AlertRule,
  type AlertStatus,
  type AlertDraft,
  type Severity,
} from './alerts.domain';
