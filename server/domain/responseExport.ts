// The response-level export for evaluators (issue 11): one row per submitted response (wide) or
// per answer (long), and the codebook that says what every column and code means. Pure: the
// storage layer gives the rows (storage/responseExport.ts), the route writes them as CSV or JSON.
import { DONT_KNOW_CODE, MULTI_SEPARATOR } from './answerForm.js';
import { allItems } from './instrument.js';
import type { Indicator, Instrument, Item, MeasurementPoint } from './instrumentTypes.js';
import { changedIndicators, compareInstrumentVersions, type IndicatorChange, type VersionComparison } from './instrumentVersions.js';
import type { Answer } from './scoring.js';
import { SCALE_MAX, SCALE_MIN } from './scoring.js';

// "Vet ej / vill inte svara" is DONT_KNOW_CODE; an item not answered (or not asked) is empty.

export interface ExportedResponse {
  responseId: number;
  /** The participant's pseudonym (never the local reference); null for an anonymous questionnaire. */
  participant: string | null;
  interventionId: number;
  point: MeasurementPoint;
  roundId: number | null;
  roundName: string | null;
  submittedOn: string;
  language: string;
  source: string;
  instrumentId: string;
  instrumentVersion: string;
  /** Counts in "everything so far" (the person's latest at this point), and in its round. */
  countedSoFar: boolean;
  countedInRound: boolean;
  gender: string | null;
  ageBand: string | null;
  answers: Map<string, Answer>;
  scores: Map<string, number>;
}

export interface ExportOptions {
  /** Free-text answers are left out unless asked for (they may name people). */
  freeText: boolean;
}

/**
 * The versions of one instrument an export's questionnaires were given in, oldest first (at least
 * one: the intervention's instrument when none was answered yet). Each row is read with its own.
 */
export type ExportVersions = readonly Instrument[];

const newestOf = (versions: ExportVersions): Instrument => {
  const newest = versions.at(-1);
  if (!newest) throw new RangeError('an export needs at least one instrument version');
  return newest;
};

/** The items an export has columns for: every item of every version (the newest's order first), free text only when asked. */
export function exportedItems(versions: ExportVersions, opts: ExportOptions): Item[] {
  const byId = new Map<string, Item>();
  for (const version of [...versions].reverse()) for (const item of allItems(version)) if (!byId.has(item.id)) byId.set(item.id, item);
  return [...byId.values()].filter((item) => opts.freeText || item.type !== 'text');
}

/** Every indicator of every version, the newest's order first. */
function exportedIndicators(versions: ExportVersions): Indicator[] {
  const byId = new Map<string, Indicator>();
  for (const version of [...versions].reverse()) for (const indicator of version.indicators) if (!byId.has(indicator.id)) byId.set(indicator.id, indicator);
  return [...byId.values()];
}

/** The item as the version a questionnaire was given in has it (how its answer is written). */
function itemOf(versions: ExportVersions, version: string, item: Item): Item {
  return versions.find((v) => v.version === version)?.sections.flatMap((s) => s.items).find((i) => i.id === item.id) ?? item;
}

/** One answer as it is written in a cell: a number, an option's value, values joined by |, text, −9 or empty. */
export function exportValue(item: Item, answer: Answer | undefined): string | number | null {
  if (!answer) return null;
  if (answer.dontKnow) return DONT_KNOW_CODE;
  if (answer.num !== null) return answer.num;
  if (answer.text === null) return null;
  if (item.type === 'multi') {
    const values: unknown = JSON.parse(answer.text);
    return Array.isArray(values) ? values.map(String).join(MULTI_SEPARATOR) : null;
  }
  return answer.text;
}

type Cell = string | number | null;

function describingColumns(r: ExportedResponse): Record<string, Cell> {
  return {
    response_id: r.responseId, participant: r.participant, intervention_id: r.interventionId, point: r.point,
    round_id: r.roundId, round: r.roundName, submitted_on: r.submittedOn, language: r.language, source: r.source,
    instrument: r.instrumentId, instrument_version: r.instrumentVersion,
    counted_so_far: r.countedSoFar ? 1 : 0, counted_in_round: r.countedInRound ? 1 : 0, gender: r.gender, age_band: r.ageBand,
  };
}

/** One row per response: what describes it, every item (item_<id>) and every indicator score (score_<id>) of every version. */
export function wideRows(versions: ExportVersions, responses: readonly ExportedResponse[], opts: ExportOptions): Record<string, Cell>[] {
  const items = exportedItems(versions, opts);
  const indicators = exportedIndicators(versions);
  return responses.map((r) => ({
    ...describingColumns(r),
    ...Object.fromEntries(items.map((item) => [`item_${item.id}`, exportValue(itemOf(versions, r.instrumentVersion, item), r.answers.get(item.id))])),
    ...Object.fromEntries(indicators.map((i) => [`score_${i.id}`, r.scores.get(i.id) ?? null])),
  }));
}

/** One row per given answer, with what describes its response. */
export function longRows(versions: ExportVersions, responses: readonly ExportedResponse[], opts: ExportOptions): Record<string, Cell>[] {
  const items = exportedItems(versions, opts);
  return responses.flatMap((r) => items.filter((item) => r.answers.has(item.id)).map((item) => ({
    ...describingColumns(r), item: item.id, value: exportValue(itemOf(versions, r.instrumentVersion, item), r.answers.get(item.id)),
  })));
}

interface CodebookItem {
  id: string; column: string; type: string; reversed: boolean; points: MeasurementPoint[]; indicator: string | null;
  dontKnowOffered: boolean; min: number | null; max: number | null; text: Record<string, string>;
  options: { value: string; text: Record<string, string> }[];
}

interface CodebookIndicator { id: string; column: string; area: string; text: Record<string, string>; items: string[]; minAnsweredShare: number; scoring: string }

export interface Codebook {
  /** The newest version the questionnaires were given in: the texts of `items` and `indicators` are its (or the newest that has them). */
  instrument: { id: string; version: string; respondentGroup: string; title: Record<string, string> };
  languages: string[];
  scale: { min: number; max: number; low: Record<string, string>; high: Record<string, string>; dontKnow: Record<string, string> };
  codes: { dontKnow: number; notAnswered: string; multiSeparator: string };
  columns: { name: string; meaning: string }[];
  /** Every item of every version (one column each); `versions` says which ask it. */
  items: (CodebookItem & { versions: string[] })[];
  indicators: (CodebookIndicator & { versions: string[] })[];
  /**
   * Each version the questionnaires were given in (the column instrument_version), oldest first:
   * its items with their texts as asked, its indicators, and the indicators whose items, scale or
   * scoring differ from the version before it.
   */
  versions: { version: string; items: CodebookItem[]; indicators: CodebookIndicator[]; changedFromPrevious: { indicator: string; changes: IndicatorChange[] }[] }[];
  /** Indicators whose scores differ in meaning between the versions: the analyses do not pool them across versions. */
  notComparable: { indicator: string; changes: IndicatorChange[] }[];
}

function codebookItem(instrument: Instrument, item: Item): CodebookItem {
  const indicator = instrument.indicators.find((i) => i.items.includes(item.id));
  return {
    id: item.id, column: `item_${item.id}`, type: item.type, reversed: item.reversed ?? false, points: item.points,
    indicator: indicator?.id ?? null, dontKnowOffered: item.dontKnow ?? false, min: item.min ?? null, max: item.max ?? null,
    text: item.text, options: (item.options ?? []).map((o) => ({ value: o.value, text: o.text })),
  };
}

function codebookIndicator(i: Indicator): CodebookIndicator {
  return {
    id: i.id, column: `score_${i.id}`, area: i.area, text: i.text, items: i.items, minAnsweredShare: i.minAnsweredShare,
    scoring: `mean of the items asked at the point, reversed items as ${SCALE_MIN + SCALE_MAX} − x, "vet ej" as missing; only when at least ${i.minAnsweredShare} of them are answered`,
  };
}

const COLUMN_MEANINGS: Record<string, string> = {
  response_id: 'the questionnaire, unique in this export',
  participant: 'the participant\'s pseudonym (the same person has the same one at every point); empty for an anonymous questionnaire',
  intervention_id: 'the intervention',
  point: 'measurement point: start, ongoing, exit, followup, yearly',
  round_id: 'measurement round (empty: none)',
  round: 'the round\'s name',
  submitted_on: 'the date the answer counts on (YYYY-MM-DD): sent on the web, or the date of the paper form or imported row',
  language: 'the questionnaire language',
  source: 'web, paper (typed in by staff) or import',
  instrument: 'the questionnaire', instrument_version: 'its version: the items and texts it was answered with (the codebook\'s versions)',
  counted_so_far: '1 when this is the person\'s latest answer at this point: the one the analyses count for "everything so far"',
  counted_in_round: '1 when this is the person\'s latest answer at this point within its round: the one counted for that round',
  gender: 'the person\'s gender as last given (an option value of the gender item)', age_band: 'the person\'s age band as last given',
};

/** The columns that describe a questionnaire, before its answers and scores (the long layout's item and value follow them). */
export const DESCRIBING_COLUMNS: readonly string[] = Object.keys(COLUMN_MEANINGS);

/** What every column and code of the export means, with each version's texts in all its languages. */
export function codebook(versions: ExportVersions, opts: ExportOptions): Codebook {
  const instrument = newestOf(versions);
  const items = exportedItems(versions, opts);
  const indicators = exportedIndicators(versions);
  const has = (version: Instrument) => ({ item: (id: string) => allItems(version).some((i) => i.id === id), indicator: (id: string) => version.indicators.some((i) => i.id === id) });
  const versionsWith = (test: (version: Instrument) => boolean) => versions.filter(test).map((v) => v.version);
  const newestHaving = (id: string) => [...versions].reverse().find((v) => has(v).item(id))!;
  const changes = (comparison: VersionComparison) => changedIndicators(comparison).map((c) => ({ indicator: c.indicatorId, changes: c.changes }));
  return {
    instrument: { id: instrument.id, version: instrument.version, respondentGroup: instrument.respondentGroup, title: instrument.title },
    languages: instrument.languages,
    scale: { min: SCALE_MIN, max: SCALE_MAX, low: instrument.scale.low, high: instrument.scale.high, dontKnow: instrument.scale.dontKnow },
    codes: { dontKnow: DONT_KNOW_CODE, notAnswered: 'empty cell (not answered, not asked at that point, or not in the version the questionnaire was given in)', multiSeparator: MULTI_SEPARATOR },
    columns: [
      ...Object.entries(COLUMN_MEANINGS).map(([name, meaning]) => ({ name, meaning })),
      ...items.map((item) => ({ name: `item_${item.id}`, meaning: `answer to item ${item.id} (${item.type})` })),
      ...indicators.map((i) => ({ name: `score_${i.id}`, meaning: `indicator score ${i.id} (${SCALE_MIN}–${SCALE_MAX}; empty when too few of its items were answered)` })),
    ],
    items: items.map((item) => ({ ...codebookItem(newestHaving(item.id), item), versions: versionsWith((v) => has(v).item(item.id)) })),
    indicators: indicators.map((i) => ({ ...codebookIndicator(i), versions: versionsWith((v) => has(v).indicator(i.id)) })),
    versions: versions.map((version, k) => ({
      version: version.version,
      items: allItems(version).filter((item) => opts.freeText || item.type !== 'text').map((item) => codebookItem(version, item)),
      indicators: version.indicators.map(codebookIndicator),
      changedFromPrevious: k === 0 ? [] : changes(compareInstrumentVersions([versions[k - 1]!, version])),
    })),
    notComparable: changes(compareInstrumentVersions(versions)),
  };
}

/**
 * The codebook as rows for a spreadsheet: one per item of each version the questionnaires were
 * given in (one per item when there is one version), its texts in each language and its options.
 */
export function codebookRows(book: Codebook): Record<string, Cell>[] {
  return book.versions.flatMap((v) => v.items.map((item) => ({
    version: v.version, column: item.column, item: item.id, type: item.type, indicator: item.indicator, reversed: item.reversed ? 1 : 0,
    points: item.points.join(' '), dont_know_code: item.dontKnowOffered ? DONT_KNOW_CODE : null,
    options: item.options.map((o) => `${o.value}=${o.text.sv ?? Object.values(o.text)[0] ?? ''}`).join('; ') || null,
    ...Object.fromEntries(book.languages.map((lang) => [`text_${lang}`, item.text[lang] ?? null])),
  })));
}
