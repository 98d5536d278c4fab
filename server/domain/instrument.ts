// Loads and checks the instrument files in indicators/ and answers questions about an instrument.
// Pure: reads files, but knows nothing of HTTP or the database.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import instrumentSchema from '../../indicators/schema.json' with { type: 'json' };
import {
  RESPONDENT_GROUPS,
  type Indicator,
  type Instrument,
  type Item,
  type LocalizedText,
  type MeasurementPoint,
  type RespondentGroup,
  type Section,
} from './instrumentTypes.js';

export const SCHEMA_FILE_NAME = 'schema.json';

/** A problem in one instrument file; the message is one line: `<file>: <JSON path> <reason>`. */
export class InstrumentError extends Error {
  override readonly name = 'InstrumentError';

  constructor(
    readonly file: string,
    /** JSON pointer into the file ("" for the whole file). */
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${file}: ${path || '/'} ${reason}`);
  }
}

let compiledValidator: ValidateFunction<Instrument> | undefined;

function schemaValidator(): ValidateFunction<Instrument> {
  compiledValidator ??= new Ajv({ allErrors: true }).compile<Instrument>(instrumentSchema);
  return compiledValidator;
}

/** Checks an already parsed instrument against the schema and the rules the schema cannot express. */
export function validateInstrumentObject(obj: unknown, fileName: string): Instrument {
  const validate = schemaValidator();
  if (!validate(obj)) {
    const { path, reason } = describeSchemaError(validate.errors ?? [], obj);
    throw new InstrumentError(fileName, path, reason);
  }
  const problem = crossCheck(obj);
  if (problem) throw new InstrumentError(fileName, problem.path, problem.reason);
  return obj;
}

/** Reads, validates and cross-checks every instrument file (every *.json but schema.json) in `dir`. */
export function loadInstruments(dir: string): InstrumentRegistry {
  const fileNames = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json') && entry.name !== SCHEMA_FILE_NAME)
    .map((entry) => entry.name)
    .sort();
  const fileOfKey = new Map<string, string>();
  const instruments: Instrument[] = [];
  for (const fileName of fileNames) {
    const instrument = validateInstrumentObject(parseJsonFile(join(dir, fileName), fileName), fileName);
    const key = `${instrument.id}@${instrument.version}`;
    const earlierFile = fileOfKey.get(key);
    if (earlierFile !== undefined) {
      throw new InstrumentError(
        fileName,
        '/version',
        `instrument "${instrument.id}" version ${instrument.version} is also defined in ${earlierFile}`,
      );
    }
    fileOfKey.set(key, fileName);
    instruments.push(instrument);
  }
  return new InstrumentRegistry(instruments);
}

/** The loaded instruments, by id and version. */
export class InstrumentRegistry {
  /** Sorted by id, then by version ascending. */
  private readonly instruments: readonly Instrument[];

  constructor(instruments: readonly Instrument[]) {
    this.instruments = [...instruments].sort(
      (a, b) => a.id.localeCompare(b.id) || compareVersions(a.version, b.version),
    );
  }

  /** The given version of an instrument, or its latest version when `version` is omitted. */
  get(id: string, version?: string): Instrument | undefined {
    const versions = this.instruments.filter((instrument) => instrument.id === id);
    if (version === undefined) return versions.at(-1);
    return versions.find((instrument) => compareVersions(instrument.version, version) === 0);
  }

  /** Every instrument, all versions, sorted by id and version. */
  list(): Instrument[] {
    return [...this.instruments];
  }

  /** Every instrument (all versions) for one respondent group, sorted by id and version. */
  forGroup(group: RespondentGroup): Instrument[] {
    return this.instruments.filter((instrument) => instrument.respondentGroup === group);
  }

  /**
   * The questionnaires a structural intervention can use: the latest version of every instrument
   * answered yearly and anonymously (every respondent group but participants), in the order of the groups.
   */
  yearly(): Instrument[] {
    const latest = new Map(this.instruments.filter((instrument) => instrument.respondentGroup !== 'participant').map((instrument) => [instrument.id, instrument]));
    return [...latest.values()].sort((a, b) => RESPONDENT_GROUPS.indexOf(a.respondentGroup) - RESPONDENT_GROUPS.indexOf(b.respondentGroup) || a.id.localeCompare(b.id));
  }
}

/**
 * Instruments that are needed but not installed in indicators/ (the demo's questionnaires, the
 * version an unfinished questionnaire was started with); the message is one line saying what is missing.
 */
export class MissingInstrumentError extends Error {
  override readonly name = 'MissingInstrumentError';
}

/** How many responses still in progress were started with one version of an instrument. */
export interface StartedVersion {
  instrumentId: string;
  version: string;
  responses: number;
}

/**
 * Throws a MissingInstrumentError when a questionnaire still in progress was started with an
 * instrument version that is not installed: it would fail for its participant on return. The
 * message names how many started responses need which version, and what to do.
 */
export function requireStartedVersions(registry: InstrumentRegistry, started: readonly StartedVersion[]): void {
  requireVersions(registry, started, (n) => `${n} started response${n === 1 ? '' : 's'} need${n === 1 ? 's' : ''}`);
}

/**
 * Throws a MissingInstrumentError when submitted questionnaires were given in an instrument
 * version that is not installed: the analyses could not tell which of its indicators compare with
 * the other versions (domain/instrumentVersions.ts), nor the codebook describe its answers.
 */
export function requireAnsweredVersions(registry: InstrumentRegistry, answered: readonly StartedVersion[]): void {
  requireVersions(registry, answered, (n) => `${n} sent response${n === 1 ? ' was' : 's were'} given in`);
}

function requireVersions(registry: InstrumentRegistry, needed: readonly StartedVersion[], howMany: (responses: number) => string): void {
  const missing = needed.filter((s) => s.responses > 0 && registry.get(s.instrumentId, s.version) === undefined);
  if (missing.length === 0) return;
  const needs = missing.map((s) => {
    const installed = registry.list().filter((i) => i.id === s.instrumentId).map((i) => i.version);
    const has = installed.length > 0 ? `installed: ${installed.join(', ')}` : 'no version installed';
    return `${howMany(s.responses)} instrument "${s.instrumentId}" version ${s.version} (${has})`;
  });
  throw new MissingInstrumentError(
    `${needs.join('; ')}; keep each version a questionnaire was started or answered with in indicators/ (the old file beside the new one, under another name, e.g. ${missing[0]!.instrumentId}-${missing[0]!.version}.json)`,
  );
}

/** Compares dot-separated numeric versions part by part: "1.10" > "1.9", "1.0" = "1". */
export function compareVersions(a: string, b: string): number {
  const partsA = a.split('.').map(Number);
  const partsB = b.split('.').map(Number);
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i++) {
    const difference = (partsA[i] ?? 0) - (partsB[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** The sections as asked at one measurement point: only the items asked there, no empty sections. */
export function sectionsForPoint(instrument: Instrument, point: MeasurementPoint): Section[] {
  return instrument.sections
    .map((section) => ({ ...section, items: section.items.filter((item) => item.points.includes(point)) }))
    .filter((section) => section.items.length > 0);
}

export function itemsForPoint(instrument: Instrument, point: MeasurementPoint): Item[] {
  return allItems(instrument).filter((item) => item.points.includes(point));
}

/** Whether any item of an indicator is asked at a point (satisfaction with the intervention is asked only at exit). */
export function indicatorAskedAt(instrument: Instrument, indicator: Indicator, point: MeasurementPoint): boolean {
  return allItems(instrument).some((item) => indicator.items.includes(item.id) && (item.points as string[]).includes(point));
}

/**
 * The indicator and point a comparison shows: the one asked for, else the instrument's first
 * indicator, at exit unless another point is asked for; and whether that indicator is asked there.
 */
export function chooseIndicator(instrument: Instrument | undefined, indicatorId: string | undefined, point: MeasurementPoint = 'exit') {
  const indicators = instrument?.indicators ?? [];
  const indicator = indicators.find((i) => i.id === indicatorId) ?? indicators[0];
  return { indicators, indicator, indicatorId: indicator?.id ?? '', point, asked: instrument !== undefined && indicator !== undefined && indicatorAskedAt(instrument, indicator, point) };
}

export function findItem(instrument: Instrument, itemId: string): Item | undefined {
  return allItems(instrument).find((item) => item.id === itemId);
}

export function allItems(instrument: Instrument): Item[] {
  return instrument.sections.flatMap((section) => section.items);
}

function parseJsonFile(filePath: string, fileName: string): unknown {
  // A byte order mark (Notepad writes one with UTF-8) is no part of the JSON.
  const source = readFileSync(filePath, 'utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(source);
  } catch (error) {
    // V8 quotes the offending source, newlines included; the message must stay one line.
    const detail = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
    throw new InstrumentError(fileName, '', `is not valid JSON: ${detail}${lineAndColumn(source, detail)}`);
  }
}

/** " (line L, column C)" when the parser's message gives a character position. */
function lineAndColumn(source: string, parserMessage: string): string {
  const position = /position (\d+)/.exec(parserMessage)?.[1];
  if (position === undefined) return '';
  const before = source.slice(0, Number(position)).split('\n');
  return ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}

interface Problem {
  path: string;
  reason: string;
}

/** The most specific of ajv's errors, in words a person editing the file understands. */
function describeSchemaError(errors: ErrorObject[], data: unknown): Problem {
  // An "if" error only says that a then/else branch failed; the branch's own error says why.
  const error = errors.find((candidate) => candidate.keyword !== 'if') ?? errors[0];
  if (error === undefined) return { path: '', reason: 'does not match the instrument schema' };
  const { instancePath, params } = error;
  switch (error.keyword) {
    case 'required':
      return { path: `${instancePath}/${String(params.missingProperty)}`, reason: 'is required' };
    case 'additionalProperties':
      return {
        path: `${instancePath}/${String(params.additionalProperty)}`,
        reason: 'is not a known property here',
      };
    case 'false schema': {
      const itemType = valueAt(data, parentPointer(instancePath), 'type');
      return {
        path: instancePath,
        reason: typeof itemType === 'string' ? `is not allowed for ${itemType} items` : 'is not allowed here',
      };
    }
    case 'enum':
      return { path: instancePath, reason: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` };
    default:
      return { path: instancePath, reason: error.message ?? `fails the "${error.keyword}" rule` };
  }
}

function parentPointer(pointer: string): string {
  return pointer.slice(0, pointer.lastIndexOf('/'));
}

/** The value at a JSON pointer, then at the optional extra key. */
function valueAt(data: unknown, pointer: string, key: string): unknown {
  const segments = pointer.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  let value: unknown = data;
  for (const segment of [...segments, key]) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** The rules the schema cannot express (options per item type are in the schema). Returns the first problem found. */
function crossCheck(instrument: Instrument): Problem | undefined {
  return (
    checkUniqueIds(instrument) ??
    checkItems(instrument) ??
    checkIndicators(instrument) ??
    checkTexts(instrument)
  );
}

function checkUniqueIds(instrument: Instrument): Problem | undefined {
  const items = instrument.sections.flatMap((section, s) =>
    section.items.map((item, i) => ({ id: item.id, path: `/sections/${s}/items/${i}/id` })),
  );
  return (
    firstDuplicate('section id', instrument.sections.map((section, s) => ({ id: section.id, path: `/sections/${s}/id` }))) ??
    firstDuplicate('item id', items) ??
    firstDuplicate('indicator id', instrument.indicators.map((ind, i) => ({ id: ind.id, path: `/indicators/${i}/id` })))
  );
}

function firstDuplicate(what: string, entries: Array<{ id: string; path: string }>): Problem | undefined {
  const firstPath = new Map<string, string>();
  for (const { id, path } of entries) {
    const earlier = firstPath.get(id);
    if (earlier !== undefined) return { path, reason: `duplicates ${what} "${id}" (first at ${earlier})` };
    firstPath.set(id, path);
  }
  return undefined;
}

function checkItems(instrument: Instrument): Problem | undefined {
  for (const [s, section] of instrument.sections.entries()) {
    for (const [i, item] of section.items.entries()) {
      const itemPath = `/sections/${s}/items/${i}`;
      const duplicateValue = firstDuplicate(
        'option value',
        (item.options ?? []).map((option, o) => ({ id: option.value, path: `${itemPath}/options/${o}/value` })),
      );
      if (duplicateValue) return duplicateValue;
      if (item.min !== undefined && item.max !== undefined && item.min > item.max) {
        return { path: `${itemPath}/min`, reason: `(${item.min}) is greater than max (${item.max})` };
      }
    }
  }
  return undefined;
}

function checkIndicators(instrument: Instrument): Problem | undefined {
  const itemsById = new Map(allItems(instrument).map((item) => [item.id, item]));
  for (const [n, indicator] of instrument.indicators.entries()) {
    for (const [i, itemId] of indicator.items.entries()) {
      const item = itemsById.get(itemId);
      const path = `/indicators/${n}/items/${i}`;
      if (item === undefined) return { path, reason: `names unknown item "${itemId}"` };
      if (item.type !== 'agree7') {
        return { path, reason: `names item "${itemId}" of type ${item.type}; indicators use only agree7 items` };
      }
    }
  }
  return undefined;
}

function checkTexts(instrument: Instrument): Problem | undefined {
  for (const [path, localized, owner] of localizedTexts(instrument)) {
    for (const lang of instrument.languages) {
      const value = localized[lang];
      if (value === undefined) {
        return { path, reason: `has no "${lang}" text (${owner}); every text must be given in each language the instrument lists (${instrument.languages.join(', ')})` };
      }
      if (value.trim() === '') return { path: `${path}/${lang}`, reason: `is empty (${owner})` };
    }
    const undeclared = Object.keys(localized).find((lang) => !instrument.languages.includes(lang));
    if (undeclared !== undefined) {
      return {
        path: `${path}/${undeclared}`,
        reason: `is not one of the instrument's languages (${instrument.languages.join(', ')})`,
      };
    }
  }
  return undefined;
}

/** Every LocalizedText in the instrument with its JSON pointer and what it belongs to, in words ('item "fk_trust"'). */
function* localizedTexts(instrument: Instrument): Generator<[string, LocalizedText, string]> {
  const whole = `instrument "${instrument.id}"`;
  yield ['/title', instrument.title, whole];
  yield ['/intro', instrument.intro, whole];
  yield ['/scale/low', instrument.scale.low, whole];
  yield ['/scale/high', instrument.scale.high, whole];
  yield ['/scale/dontKnow', instrument.scale.dontKnow, whole];
  for (const [s, section] of instrument.sections.entries()) {
    yield [`/sections/${s}/title`, section.title, `section "${section.id}"`];
    if (section.intro) yield [`/sections/${s}/intro`, section.intro, `section "${section.id}"`];
    for (const [i, item] of section.items.entries()) {
      yield* itemTexts(`/sections/${s}/items/${i}`, item);
    }
  }
  for (const [n, indicator] of instrument.indicators.entries()) {
    yield [`/indicators/${n}/text`, indicator.text, `indicator "${indicator.id}"`];
  }
}

function* itemTexts(itemPath: string, item: Item): Generator<[string, LocalizedText, string]> {
  const owner = `item "${item.id}"`;
  yield [`${itemPath}/text`, item.text, owner];
  if (item.hint) yield [`${itemPath}/hint`, item.hint, owner];
  for (const [o, option] of (item.options ?? []).entries()) {
    yield [`${itemPath}/options/${o}/text`, option.text, `option "${option.value}" of item "${item.id}"`];
  }
}
