import { Router } from 'express';
import type { AppContext } from '../context.js';
import { sectionsForPoint } from '../domain/instrument.js';
import { MEASUREMENT_POINTS, type MeasurementPoint } from '../domain/instrumentTypes.js';
import { htmlLang, localizedText, textDirection } from '../domain/languages.js';
import { parseForm } from '../forms/form.js';
import { previewQuery } from '../forms/schemas.js';
import { translator } from '../i18n/index.js';
import { authorize } from '../security/auth.js';

/**
 * Any installed questionnaire at any point and in any of its languages, as the participant sees
 * it, for staff: no code, nothing stored (the page has no form to send).
 */
export function previewRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/f/:fid/preview', authorize(ctx, 'federation.view'), (req, res) => {
    const instruments = [...new Map(ctx.instruments.list().map((i) => [i.id, ctx.instruments.get(i.id)!])).values()];
    const q = parseForm(previewQuery, req.query);
    const wanted = q.ok ? q.value : {};
    const instrument = instruments.find((i) => i.id === wanted.instrument) ?? instruments.find((i) => i.respondentGroup === 'participant') ?? instruments[0]!;
    const points = MEASUREMENT_POINTS.filter((p) => sectionsForPoint(instrument, p).length > 0);
    const point: MeasurementPoint = points.find((p) => p === wanted.point) ?? points[0]!;
    const lang = wanted.lang !== undefined && instrument.languages.includes(wanted.lang) ? wanted.lang : instrument.languages.includes('sv') ? 'sv' : instrument.languages[0]!;
    const pt = translator(lang);
    res.render('federation/preview', {
      instruments, instrument, points, point, lang, sections: sectionsForPoint(instrument, point),
      preview: { lang: htmlLang(lang), dir: textDirection(lang), t: pt, txt: (text: Record<string, string> | undefined) => (text ? localizedText(text, lang, 'sv') : '') },
    });
  });
  return router;
}
