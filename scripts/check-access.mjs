#!/usr/bin/env node
/**
 * `npm run check:access`: the two rules an import graph cannot see (docs/ARCHITECTURE.md
 * "Layers"), checked over the application's TypeScript:
 *
 * 1. Data access: no model call and no SQL outside the data-access files — repositories
 *    (`src/components/<name>/*.repository.ts`), `src/db/` and the demo-data scripts in
 *    `seeders/`. (dependency-cruiser keeps the models and Sequelize out of reach of the
 *    other files; this catches SQL sent through `ctx.sequelize.query`.)
 * 2. Roles: no role name outside the permission policy (`src/shared/policy.ts`): no role
 *    list, no comparison with a role. The data model's enum tuple
 *    (`src/shared/enums.ts`, re-exported by `src/db/models/enums.ts`) is the one exception;
 *    the reserved usernames (`src/shared/contract/users.ts`) hold the *name* "admin".
 *
 * Prints each offending line and exits 1; prints one line and exits 0 when clean.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const MODELS = 'User|Group|Grouping|Resource|ResourceProgress|StudySession|Streak|GroupInvitation|Message|Notification|WebhookEvent';
const MODEL_METHODS =
  'findAll|findOne|findByPk|findOrCreate|findAndCountAll|findCreateFind|count|create|bulkCreate|update|destroy|upsert|increment|decrement|sum|max|min|truncate|restore|init|initModel';

const rules = [
  {
    name: 'model call or SQL outside the data-access files',
    roots: ['src', 'workers'],
    patterns: [new RegExp(`\\b(${MODELS})\\.(${MODEL_METHODS})\\(`), /\.query\s*[<(]/, /\.getQueryInterface\(/],
    allowed: [
      /\.repository\.ts$/,
      /^src\/db\//,
      // Database administration on a bare connection, not table data: CREATE/DROP DATABASE (lib/db.ts) and
      // `SELECT 1` to tell whether PostgreSQL answers before anything starts (bin/preflight.ts).
      /^src\/lib\/db\.ts$/,
      /^src\/bin\/preflight\.ts$/,
    ],
  },
  {
    name: 'role name outside the permission policy',
    roots: ['src', 'workers', 'web/src'],
    patterns: [/['"`](leader|admin)['"`]/, /[!=]==?\s*['"`]member['"`]/, /['"`]member['"`]\s*[!=]==?/],
    allowed: [
      /^src\/shared\/policy\.ts$/,
      // The enum tuples of the data model (src/shared/enums.ts; db/models/enums.ts re-exports them).
      /^src\/shared\/enums\.ts$/,
      /^src\/db\/models\/enums\.ts$/,
      // 'admin' there is a reserved *username* (nobody may sign up as "admin"), not a role.
      /^src\/shared\/contract\/users\.ts$/,
      /^src\/components\/users\/username\.rules\.ts$/,
    ],
  },
];

function* files(dir) {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (entry !== 'node_modules' && entry !== 'dist') yield* files(full);
    } else if (full.endsWith('.ts')) {
      yield full;
    }
  }
}

/** A line without its `//` comment and without the text of `/* … *\/` comment lines (comments may name roles). */
const code = (line) => (/^\s*(\*|\/\*|\/\/)/.test(line) ? '' : line.replace(/\s\/\/.*$/, ''));

let problems = 0;
for (const rule of rules) {
  for (const root of rule.roots) {
    for (const file of files(path.join(ROOT, root))) {
      const relative = path.relative(ROOT, file).split(path.sep).join('/');
      if (rule.allowed.some((pattern) => pattern.test(relative))) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (rule.patterns.some((pattern) => pattern.test(code(line)))) {
            problems += 1;
            process.stderr.write(`${relative}:${index + 1}: ${rule.name}: ${line.trim()}\n`);
          }
        });
    }
  }
}
if (problems > 0) {
  process.stderr.write(`${problems} problem(s): see docs/ARCHITECTURE.md "Layers"\n`);
  process.exit(1);
}
process.stdout.write('data access only in repositories, src/db/ and seeders/; role names only in src/shared/policy.ts\n');
