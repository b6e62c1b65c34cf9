import type { Locale } from '../api/types';

/**
 * Spanish names of the ten KRAs and the catalogue's KPIs (seed 003 is Spanish). The server's catalogue
 * is in English; a KPI without an entry here keeps its English name.
 */
const KRA_ES: Record<number, string> = {
  1: 'Satisfacción del cliente',
  2: 'Rendimiento y desarrollo del equipo',
  3: 'Mejora de procesos',
  4: 'Gestión de escalados',
  5: 'Gestión del conocimiento',
  6: 'Análisis del feedback de clientes',
  7: 'Cumplimiento de SLA',
  8: 'Uso de la tecnología',
  9: 'Gestión de crisis',
  10: 'Informes y analítica',
};

const KPI_ES: Record<string, string> = {
  avg_response_time: 'Tiempo medio de respuesta',
  fcr_rate: 'Resolución en el primer contacto',
  retention_rate: 'Retención de clientes',
  csat: 'CSAT',
  loyalty_programme_progress: 'Programa de fidelización lanzado',
  solved_per_agent_day: 'Productividad del equipo',
  qa_score: 'Puntuación de calidad (QA)',
  training_completion: 'Formación completada',
  enps: 'Compromiso de los empleados (eNPS)',
  aht: 'Tiempo medio de gestión',
  resolution_efficiency: 'Eficiencia de resolución',
  automation_rate: 'Tasa de automatización',
  ces: 'Esfuerzo del cliente (CES)',
  escalation_response_time: 'Tiempo de respuesta a escalados',
  escalation_closure_rate: 'Tasa de cierre de escalados',
  complaint_resolution_rate: 'Tasa de resolución de reclamaciones',
  escalation_rate: 'Tendencia de escalados',
  kb_utilisation: 'Uso de la base de conocimiento',
  kb_accuracy: 'Exactitud de la base de conocimiento',
  kb_contributions_per_agent: 'Conocimiento compartido',
  kb_feedback_closure: 'Mejora de la base de conocimiento',
  nps: 'NPS',
  survey_response_rate: 'Tasa de respuesta a encuestas',
  feedback_loop_closure_time: 'Tiempo de cierre del feedback',
  insights_implemented: 'Hallazgos accionables implantados',
  sla_compliance: 'Cumplimiento de SLA',
  sla_breaches_per_100: 'Análisis de incumplimientos de SLA',
  sla_reviews: 'Frecuencia de revisión de SLA',
  sla_report_accuracy: 'Exactitud de los informes de SLA',
  tech_training_completion: 'Formación tecnológica completada',
  tool_adoption: 'Adopción de la tecnología',
  downtime_pct: 'Caída de sistemas',
  tool_feedback_implemented: 'Feedback sobre herramientas integrado',
  crisis_resolution_time: 'Tiempo de resolución de crisis',
  crisis_updates_on_time: 'Eficacia de la comunicación en crisis',
  post_crisis_csat_recovery: 'Recuperación de la satisfacción tras una crisis',
  prevention_actions_done: 'Medidas de prevención de crisis',
  reports_on_time_accurate: 'Exactitud y puntualidad de los informes',
  security_controls_passing: 'Cumplimiento de seguridad de datos',
  forecast_accuracy: 'Precisión de las previsiones',
  report_actions_implemented: 'Hallazgos de informes implantados',
  ticket_volume: 'Volumen de tickets',
  first_response_time: 'Tiempo de primera respuesta',
  resolution_time: 'Tiempo de resolución',
  reopen_rate: 'Tasa de reapertura',
  backlog: 'Tickets pendientes',
  churn_rate: 'Tasa de abandono',
  agent_utilisation: 'Ocupación de los agentes',
  csat_mean: 'CSAT (media)',
  repurchase_intent: 'Intención de recompra',
  ces_low_effort: 'CES: proporción de bajo esfuerzo',
};

export function kraName(locale: Locale, id: number, fallback: string): string {
  return locale === 'es' ? (KRA_ES[id] ?? fallback) : fallback;
}

export function kpiName(locale: Locale, id: string, fallback: string): string {
  return locale === 'es' ? (KPI_ES[id] ?? fallback) : fallback;
}
