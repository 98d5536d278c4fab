import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { formatAccessCode } from './domain/accessCode.js';
import { loadInstruments } from './domain/instrument.js';
import { MEASUREMENT_POINTS, type MeasurementPoint } from './domain/instrumentTypes.js';
import { seedDemo } from './demo/seed.js';
import { PATHS } from './paths.js';
import { issueAccessCodes } from './storage/accessCodes.js';
import { migrate, openDatabase } from './storage/db.js';
import { getIntervention, getMeasurementPoint, listInterventions } from './storage/interventions.js';

/** `npm run cli -- <command>`: what has no screen yet, and first start-up chores. */
const COMMANDS: Record<string, { usage: string; run: (args: string[]) => void }> = {
  migrate: {
    usage: 'migrate',
    run: () => {
      const db = openDatabase(loadConfig().dbFile);
      const { applied } = migrate(db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
    },
  },
  'seed-demo': {
    usage: 'seed-demo',
    run: () => {
      const db = openDatabase(loadConfig().dbFile);
      const demo = seedDemo(db, loadInstruments(PATHS.indicators));
      if (!demo) throw new CliError('the database already has data; demo data goes only into an empty database');
      console.log(`Seeded ${demo.participants} participants in interventions ${demo.interventionIds.join(', ')}.`);
      console.log(`Unused codes: ${demo.openCodes.map(formatAccessCode).join(' ')}`);
    },
  },
  'list-interventions': {
    usage: 'list-interventions',
    run: () => {
      const db = openDatabase(loadConfig().dbFile);
      for (const i of listInterventions(db)) console.log(`${i.id}\t${i.kind}\t${i.name}`);
    },
  },
  'issue-codes': {
    usage: 'issue-codes --intervention <id> --point <start|ongoing|exit|followup> --count <n>',
    run: (args) => {
      const { values } = parseArgs({ args, options: { intervention: { type: 'string' }, point: { type: 'string' }, count: { type: 'string' } } });
      const interventionId = Number(values.intervention);
      const count = Number(values.count);
      if (!Number.isInteger(interventionId)) throw new CliError('--intervention must be an intervention id (see list-interventions)');
      if (!MEASUREMENT_POINTS.includes(values.point as MeasurementPoint)) throw new CliError(`--point must be one of ${MEASUREMENT_POINTS.join(', ')}`);
      if (!Number.isInteger(count) || count < 1 || count > 10000) throw new CliError('--count must be a whole number from 1 to 10000');
      const db = openDatabase(loadConfig().dbFile);
      if (!getIntervention(db, interventionId)) throw new CliError(`no intervention ${interventionId}`);
      const point = getMeasurementPoint(db, interventionId, values.point!);
      if (!point) throw new CliError(`intervention ${interventionId} does not use the measurement point ${values.point}`);
      for (const code of issueAccessCodes(db, { measurementPointId: point.id, count })) console.log(code);
    },
  },
};

class CliError extends Error {}

const [name, ...rest] = process.argv.slice(2);
const command = name ? COMMANDS[name] : undefined;
if (!command) {
  console.error(`Usage: npm run cli -- <command>\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n')}`);
  process.exit(name ? 2 : 0);
}
try {
  command.run(rest);
} catch (err) {
  if (!(err instanceof CliError || (err instanceof Error && err.name !== 'Error'))) throw err;
  console.error(`error: ${err.message}`);
  process.exit(1);
}
