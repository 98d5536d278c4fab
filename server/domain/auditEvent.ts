// What the audit log records: every event by a name from one list (labelled for people under
// `auditActions` in the translation files) and what it was about, always written kind:id.

export const AUDIT_ACTIONS = [
  // Signing in and out, one's own account, API tokens in use.
  'login.ok', 'login.failed', 'logout', 'logout.everywhere', 'password.change', 'password.resetRequest', 'password.reset', 'token.use',
  'secondFactor.enrol', 'secondFactor.remove',
  // The installation and the förbund's set-up.
  'federation.create', 'federation.update', 'federation.signIn', 'federation.texts', 'round.create', 'intervention.create', 'intervention.update',
  'role.grant', 'role.revoke', 'invitation.create', 'invitation.accept', 'token.create', 'token.revoke',
  'project.create', 'project.subproject.create', 'project.target.create', 'project.target.remove', 'project.member.add', 'project.member.remove',
  // Participants, codes and answers (staff).
  'participants.view', 'participants.create', 'participant.view', 'participant.exit', 'participant.export', 'participant.erase',
  'codes.issue', 'codes.reissue', 'codes.print', 'paper.start', 'paper.submit', 'rates.view', 'import.csv', 'import.columns', 'responses.purgeStale',
  // Reading and exporting figures.
  'results.view', 'results.compare', 'results.region', 'export.csv', 'export.responses', 'freeText.view', 'freeText.hide', 'api.summary', 'api.comparison',
  'report.view', 'report.pdf', 'report.freeze', 'project.view', 'project.pdf',
  // The national report: a förbund produces its yearly file; a national installation receives files and is read.
  'national.submission', 'national.receive', 'national.replace', 'national.refuse', 'national.view', 'national.export',
  // Reading the audit log itself out of the app.
  'audit.export',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The translation key of an action's label (`auditActions.codes_issue`: keys cannot hold dots). */
export const auditActionKey = (action: string): string => `auditActions.${action.replace(/\./g, '_')}`;

/** What an event was about, as kind:id. */
export const auditTarget = {
  federation: (id: number) => `federation:${id}`,
  intervention: (id: number) => `intervention:${id}`,
  participant: (pseudonym: string) => `participant:${pseudonym}`,
  response: (id: number) => `response:${id}`,
  round: (id: number) => `round:${id}`,
  user: (id: number) => `user:${id}`,
  token: (id: number) => `token:${id}`,
  invitation: (id: number) => `invitation:${id}`,
  project: (id: number) => `project:${id}`,
  subproject: (id: number) => `subproject:${id}`,
  snapshot: (id: number) => `snapshot:${id}`,
  indicator: (id: string) => `indicator:${id}`,
  export: (fileName: string) => `file:${fileName}`,
  request: (method: string, path: string) => `request:${method} ${path}`,
  submission: (organisationNumber: string, year: number) => `submission:${organisationNumber}/${year}`,
};

/** An audit target split into its kind and id ("intervention:7" → { kind: "intervention", id: "7" }); null for none. */
export function parseAuditTarget(target: string | null): { kind: string; id: string } | null {
  if (!target) return null;
  const colon = target.indexOf(':');
  return colon < 0 ? { kind: 'other', id: target } : { kind: target.slice(0, colon), id: target.slice(colon + 1) };
}

/** An audit row's details as one line of text: "point: start, count: 3". */
export function detailText(detail: string | null): string {
  if (!detail) return '';
  let value: unknown;
  try {
    value = JSON.parse(detail);
  } catch {
    return detail;
  }
  if (typeof value !== 'object' || value === null) return String(value);
  const text = (v: unknown): string => (Array.isArray(v) ? v.map(text).join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  return Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => `${k}: ${text(v)}`).join('; ');
}
