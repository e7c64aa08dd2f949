import fs from 'node:fs';
import path from 'node:path';
import { ENV_VARIABLES } from '../../src/lib/config';
import { ERROR_STATUS } from '../../src/lib/errors';
import { ERROR_CODES } from '../../src/shared/contract';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { fieldsOf, markdownTables, tablesWithHeader, unquote, type Table } from './markdown-tables';

/**
 * docs/API.md against the generated documents: every route (with its authentication,
 * request fields, success status and shape, and error statuses), every event (with its
 * payload and ack fields and its audience), every shape, error code and environment
 * variable of the Markdown tables is in the OpenAPI or AsyncAPI document (or the code),
 * and every one of those is in the tables.
 */

type Doc = any;
const root = path.resolve(__dirname, '..', '..');
const apiMd = fs.readFileSync(path.join(root, 'docs', 'API.md'), 'utf8');
const tables = markdownTables(apiMd);

const REST_HEADER = ['route', 'auth', 'request', 'success', 'errors', 'since'];
const CLIENT_HEADER = ['event', 'payload', 'ack on success', 'since'];
const SERVER_HEADER = ['event', 'payload', 'to', 'since'];
const rowsOf = (header: string[]): Array<{ table: Table; row: string[] }> =>
  tablesWithHeader(tables, header).flatMap((table) => table.rows.map((row) => ({ table, row })));

/** A schema with its `$ref`s and `allOf`s resolved: its properties and which are required. */
function objectOf(schema: Doc, components: Doc): { properties: Record<string, Doc>; required: string[] } {
  if (schema?.$ref) return objectOf(components[schema.$ref.split('/').pop()], components);
  if (schema?.allOf) {
    const parts = schema.allOf.map((part: Doc) => objectOf(part, components));
    return {
      properties: Object.assign({}, ...parts.map((p: Doc) => p.properties)),
      required: parts.flatMap((p: Doc) => p.required),
    };
  }
  return { properties: schema?.properties ?? {}, required: schema?.required ?? [] };
}

/** The `{a, b?}` of a cell as the schema has it: every property, optional when not required. */
function fieldsOfSchema(schema: Doc, components: Doc): Map<string, boolean> {
  const { properties, required } = objectOf(schema, components);
  return new Map(Object.keys(properties).map((name) => [name, !required.includes(name)]));
}

const sorted = (map: Map<string, boolean>): Array<[string, boolean]> => [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
const codes = (cell: string): string[] => cell.match(/\b[1-5]\d\d\b/g) ?? [];

describe('docs/API.md and the generated documents', () => {
  let app: TestApp;
  let openapi: Doc;
  let asyncapi: Doc;
  beforeAll(async () => {
    app = await startTestApp({ devAuth: true });
    openapi = (await app.http.get('/api/openapi.json')).body;
    asyncapi = (await app.http.get('/api/asyncapi.json')).body;
  });
  afterAll(async () => {
    await app.stop();
  });

  const openApiOperations = (): Map<string, Doc> =>
    new Map(
      Object.entries(openapi.paths as Record<string, Doc>).flatMap(([p, item]) =>
        ['get', 'post', 'put', 'patch', 'delete']
          .filter((m) => item[m])
          .map((m) => [`${m.toUpperCase()} ${p.replace(/\{([A-Za-z]+)\}/g, ':$1')}`, item[m]] as [string, Doc]),
      ),
    );

  it('when the REST tables are read, then they list exactly the routes of the OpenAPI document', () => {
    const documented = rowsOf(REST_HEADER).map(({ row }) => unquote(row[0] ?? ''));
    expect(documented.length).toBeGreaterThan(40);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...openApiOperations().keys()].sort());
  });

  it('when each REST row is read, then its authentication, request, success and error statuses are those of the OpenAPI document', () => {
    const ops = openApiOperations();
    const schemas = openapi.components.schemas;
    for (const { row } of rowsOf(REST_HEADER)) {
      const [routeCell = '', auth = '', request = '', success = '', errors = ''] = row;
      const route = unquote(routeCell);
      const op = ops.get(route);
      const where = `docs/API.md ${route}`;
      expect({ where, bearer: auth === 'bearer' }).toEqual({ where, bearer: !!op.security });

      const responseCodes = Object.keys(op.responses).sort();
      expect({ where, success: codes(success) }).toEqual({ where, success: responseCodes.filter((c) => /^[23]/.test(c)) });
      expect({ where, errors: codes(errors) }).toEqual({ where, errors: responseCodes.filter((c) => /^[45]/.test(c)) });

      // The success shape: a named component (`Group`, `Group[]`), inline fields, or words for non-JSON.
      const main = op.responses[codes(success)[0] ?? ''];
      const json = main?.content?.['application/json']?.schema;
      const shape = success.replace(/^(\s*\d{3})+\s*/, '');
      const named = /^([A-Z][A-Za-z]*)(\[\])?$/.exec(shape);
      if (named) {
        const ref = named[2] ? json?.items?.$ref : json?.$ref;
        expect({ where, shape: ref }).toEqual({ where, shape: `#/components/schemas/${named[1]}` });
      } else if (shape.startsWith('`{')) {
        expect({ where, fields: sorted(fieldsOf(shape)) }).toEqual({ where, fields: sorted(fieldsOfSchema(json, schemas)) });
      } else if (shape !== '') {
        expect({ where, json: shape, content: !!main.content }).toEqual({ where, json: shape, content: true });
      }

      // The request: `?query&params`, then `{body fields}` (or words for a raw body), or —.
      const query = (op.parameters ?? []).filter((p: Doc) => p.in === 'query').map((p: Doc) => p.name);
      const queryCell = /`\?([A-Za-z&]+)`/.exec(request)?.[1]?.split('&') ?? [];
      expect({ where, query: [...queryCell].sort() }).toEqual({ where, query: [...query].sort() });
      const body = op.requestBody?.content;
      if (request.includes('`{')) {
        const documentedBody = fieldsOf(request.slice(request.indexOf('`{')));
        expect({ where, body: sorted(documentedBody) }).toEqual({ where, body: sorted(fieldsOfSchema(body?.['application/json']?.schema, schemas)) });
      } else if (request === '—') {
        expect({ where, body: body ?? null, query }).toEqual({ where, body: null, query: [] });
      } else if (request.replace(/`\?[A-Za-z&]+`/, '').trim() !== '') {
        expect({ where, hasBody: !!body }).toEqual({ where, hasBody: true });
      }
    }
  });

  it('when the client → server table is read, then it lists exactly the events the AsyncAPI document receives, with their payload and ack fields', () => {
    const messages = asyncapi.channels.socket.messages;
    const schemas = asyncapi.components.schemas;
    const received = (Object.values(asyncapi.operations) as Doc[]).filter((op) => op.action === 'receive');
    const byName = new Map(received.map((op) => [messages[op.messages[0].$ref.split('/').pop()].name, op]));
    const rows = rowsOf(CLIENT_HEADER);
    expect(rows.map(({ row }) => unquote(row[0] ?? '')).sort()).toEqual([...byName.keys()].sort());
    for (const { row } of rows) {
      const [eventCell = '', payload = '', ack = ''] = row;
      const event = unquote(eventCell);
      const op = byName.get(event);
      const payloadSchema = messages[op.messages[0].$ref.split('/').pop()].payload;
      const ackSchema = messages[op.reply.messages[0].$ref.split('/').pop()].payload;
      expect({ event, payload: sorted(fieldsOf(payload)) }).toEqual({ event, payload: sorted(fieldsOfSchema(payloadSchema, schemas)) });
      expect({ event, ack: sorted(fieldsOf(ack)) }).toEqual({ event, ack: sorted(fieldsOfSchema(ackSchema, schemas)) });
    }
  });

  it('when the server → client table is read, then it lists exactly the events the AsyncAPI document sends, with their payload fields and audience', () => {
    const messages = asyncapi.channels.socket.messages;
    const schemas = asyncapi.components.schemas;
    const sent = (Object.values(asyncapi.operations) as Doc[]).filter((op) => op.action === 'send').map((op) => messages[op.messages[0].$ref.split('/').pop()]);
    const byName = new Map(sent.map((message) => [message.name, message]));
    const rows = rowsOf(SERVER_HEADER);
    expect(rows.map(({ row }) => unquote(row[0] ?? '')).sort()).toEqual([...byName.keys()].sort());
    for (const { row } of rows) {
      const [eventCell = '', payload = '', to = ''] = row;
      const event = unquote(eventCell);
      const message = byName.get(event);
      expect({ event, payload: sorted(fieldsOf(payload)) }).toEqual({ event, payload: sorted(fieldsOfSchema(message.payload, schemas)) });
      expect({ event, to: `${to} room` }).toEqual({ event, to: message.tags[0].name });
    }
  });

  it('when the shapes table is read, then each shape has exactly the fields of its component in the generated documents', () => {
    const rows = rowsOf(['shape', 'fields', 'since']);
    expect(rows.length).toBeGreaterThan(10);
    for (const { row } of rows) {
      const shape = unquote(row[0] ?? '');
      const component = openapi.components.schemas[shape] ? openapi.components : asyncapi.components;
      expect({ shape, known: !!component.schemas[shape] }).toEqual({ shape, known: true });
      expect({ shape, fields: sorted(fieldsOf(row[1] ?? '')) }).toEqual({ shape, fields: sorted(fieldsOfSchema({ $ref: `#/${shape}` }, component.schemas)) });
    }
  });

  it('when the errors table is read, then it lists exactly the contract error codes, each with the status the server answers', () => {
    const rows = rowsOf(['code', 'status', 'when']).map(({ row }) => [unquote(row[0] ?? ''), Number(row[1])]);
    expect(rows.map(([code]) => code).sort()).toEqual([...ERROR_CODES].sort());
    for (const [code, status] of rows) expect({ code, status }).toEqual({ code, status: ERROR_STATUS[code as keyof typeof ERROR_STATUS] });
    expect(openapi.components.schemas.Error.properties.error.properties.code.enum.sort()).toEqual([...ERROR_CODES].sort());
  });

  it('when the configuration table is read, then it lists exactly the environment variables the server reads, and the README table has each', () => {
    const rows = rowsOf(['variable', 'default', 'meaning', 'since']).map(({ row }) => unquote(row[0] ?? ''));
    expect([...rows].sort()).toEqual([...ENV_VARIABLES].sort());
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const readmeVariables = markdownTables(readme)
      .filter((t) => t.header[0] === 'variable')
      .flatMap((t) => t.rows.flatMap((row) => [...(row[0] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1])));
    for (const name of ENV_VARIABLES) expect({ name, inReadme: readmeVariables.includes(name) }).toEqual({ name, inReadme: true });
  });
});
