/** The ten Key Responsibility Areas of seed 000, and the two top-level indices of seed 003. */
export const KRAS = [
  { id: 1, name: 'Customer satisfaction', index: 'happy_customers' },
  { id: 2, name: 'Team performance & development', index: 'healthy_teams' },
  { id: 3, name: 'Process improvement', index: 'happy_customers' },
  { id: 4, name: 'Escalation management', index: 'happy_customers' },
  { id: 5, name: 'Knowledge management', index: 'healthy_teams' },
  { id: 6, name: 'Customer feedback analysis', index: 'happy_customers' },
  { id: 7, name: 'SLA adherence', index: 'happy_customers' },
  { id: 8, name: 'Technology utilisation', index: 'healthy_teams' },
  { id: 9, name: 'Crisis management', index: 'happy_customers' },
  { id: 10, name: 'Reporting & analytics', index: 'happy_customers' },
] as const;

export const ALL_DIMENSIONS = ['desk', 'team', 'agent', 'channel', 'priority'] as const;
