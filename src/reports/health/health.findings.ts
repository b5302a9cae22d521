import { defineFindings } from '../../common/finding';

/** Findings only the domain health report emits (about the run itself, not the domain). */
export const HEALTH_FINDINGS = defineFindings('reports', {
  HEALTH_PART_FAILED: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'Part of the health check could not run',
    remediation:
      'The areas it covers are marked unknown; run the health check again, and look at the failed child check for the reason.',

    references: ['https://www.rfc-editor.org/rfc/rfc5321'],
  },
  HEALTH_INCOMPLETE: {
    severity: 'warning',
    area: 'server_behaviour',
    title: 'The health check did not finish in time',
    remediation:
      'Run it again; if it keeps timing out, the mail servers may be slow to answer (see the smtp child checks).',

    references: ['https://www.rfc-editor.org/rfc/rfc5321'],
  },
});
