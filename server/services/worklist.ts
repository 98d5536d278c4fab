import type { AppContext } from '../context.js';
import { swedishDate } from '../domain/calendarDate.js';
import { worklist, type WorkItem } from '../domain/worklist.js';
import { listMeasurementPoints, type Intervention } from '../storage/interventions.js';
import { worklistAnswers, worklistCodes, worklistParticipants } from '../storage/worklist.js';

/** An individual intervention's worklist today (a yearly questionnaire has no participants to follow). */
export function interventionWorklist(ctx: AppContext, intervention: Intervention, today = swedishDate()): WorkItem[] {
  if (intervention.kind !== 'individual') return [];
  return worklist({
    points: listMeasurementPoints(ctx.db, intervention.id).map((p) => p.point),
    schedule: intervention.schedule,
    participants: worklistParticipants(ctx.db, intervention.id),
    codes: worklistCodes(ctx.db, intervention.id),
    answers: worklistAnswers(ctx.db, intervention.id),
    today,
  });
}
