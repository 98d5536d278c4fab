import type { MeasurementPoint } from './instrumentTypes.js';

/** How far a participant has come with one measurement point, as staff see it. */
export const CODE_PROGRESS = ['none', 'issued', 'started', 'submitted', 'revoked'] as const;
export type CodeProgress = (typeof CODE_PROGRESS)[number];

export interface CodeState {
  participantId: number | null;
  point: MeasurementPoint;
  status: 'active' | 'spent' | 'revoked';
  responseStatus: 'in_progress' | 'submitted' | null;
}

export function progressOf(code: CodeState): CodeProgress {
  if (code.status === 'revoked') return 'revoked';
  if (code.status === 'spent' || code.responseStatus === 'submitted') return 'submitted';
  return code.responseStatus === 'in_progress' ? 'started' : 'issued';
}

/**
 * Per participant and point, the progress of the newest code that is not revoked (a reissued code
 * replaces the old one); 'revoked' only when every code there is revoked. `codes` oldest first.
 */
export function progressByParticipant(codes: readonly CodeState[]): Map<number, Map<string, CodeProgress>> {
  const result = new Map<number, Map<string, CodeProgress>>();
  for (const code of codes) {
    if (code.participantId === null) continue;
    let points = result.get(code.participantId);
    if (!points) result.set(code.participantId, (points = new Map<string, CodeProgress>()));
    const progress = progressOf(code);
    if (progress !== 'revoked' || !points.has(code.point)) points.set(code.point, progress);
  }
  return result;
}
