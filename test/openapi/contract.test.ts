import { Parser } from '@asyncapi/parser';
import { ApiRouter } from '../../src/lib/http/api-router';
import { createRegistry, generateOpenApi } from '../../src/lib/http/openapi';
import { clientEvents, restRoutes, serverEvents, splitRouteName, type RestRouteSpec } from '../../src/shared/contract';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The generated documents against the contract module (src/shared/contract): the AsyncAPI
 * document is valid and lists exactly the contract's events; the served OpenAPI document
 * describes every route of the REST contract with exactly the contract's schemas.
 */

type Doc = any;

/** The OpenAPI document the REST contract alone describes: each route through an ApiRouter, as the components register them. */
function openApiOfContract(): Doc {
  const registry = createRegistry();
  const routers = new Map<string, ApiRouter<never>>();
  const router = (basePath: string): ApiRouter<never> => {
    let found = routers.get(basePath);
    if (!found) {
      found = new ApiRouter(registry, async () => Promise.reject(new Error('not served')), { jsonLimit: '1kb', basePath });
      routers.set(basePath, found);
    }
    return found;
  };
  for (const [name, entry] of Object.entries(restRoutes)) {
    const spec: RestRouteSpec = entry;
    const { method, path } = splitRouteName(name);
    const basePath = path.startsWith('/dev/') ? '/dev' : '/api';
    router(basePath).publicRoute(
      {
        method: method.toLowerCase() as 'get',
        path: path.slice(basePath.length),
        summary: name,
        tags: [],
        params: spec.params,
        query: spec.query,
        body: spec.body,
        response: spec.response,
        status: spec.status,
        ...(spec.bytes && method !== 'GET' ? { rawBody: 'application/octet-stream' } : {}),
        ...(spec.bytes && method === 'GET' ? { binaryResponse: true } : {}),
      },
      () => undefined,
    );
  }
  return generateOpenApi(registry);
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const operations = (doc: Doc): Array<{ key: string; op: Doc }> =>
  Object.entries(doc.paths as Record<string, Doc>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ key: `${m.toUpperCase()} ${path.replace(/\{([A-Za-z]+)\}/g, ':$1')}`, op: item[m] })),
  );
/** What the contract decides of an operation: its parameters, its body and its success answer. */
const contractPart = (op: Doc) => {
  // The main success answer (a route may document others, such as 206 for a byte range).
  const [success = 'none'] = Object.keys(op.responses)
    .filter((code) => code.startsWith('2'))
    .sort();
  return {
    parameters: [...(op.parameters ?? [])].sort((a, b) => `${a.in}${a.name}`.localeCompare(`${b.in}${b.name}`)),
    requestBody: op.requestBody,
    success: { [success]: op.responses[success]?.content ?? null },
  };
};

describe('the wire contract and the generated documents', () => {
  let app: TestApp;
  let openapi: Doc;
  let asyncapi: Doc;
  beforeAll(async () => {
    app = await startTestApp({ devAuth: true });
    openapi = (await app.http.get('/api/openapi.json')).body;
    const res = await app.http.get('/api/asyncapi.json');
    expect(res.status).toBe(200);
    asyncapi = res.body;
  });
  afterAll(async () => {
    await app.stop();
  });

  it('when GET /api/asyncapi.json is validated with the AsyncAPI parser, then it is a valid AsyncAPI 3 document without errors or warnings', async () => {
    expect(asyncapi.asyncapi).toMatch(/^3\./);
    const { document, diagnostics } = await new Parser().parse(JSON.parse(JSON.stringify(asyncapi)));
    // Severity 0 is an error, 1 a warning (2 and 3 are hints, such as a newer AsyncAPI version existing).
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code} ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document).toBeDefined();
  });

  it('when the AsyncAPI document is read, then it receives exactly the client events (with the ack as reply) and sends exactly the server events', () => {
    const channelMessages = asyncapi.channels.socket.messages;
    const message = (ref: { $ref: string }) => channelMessages[ref.$ref.split('/').pop() as string];
    const ops = Object.values(asyncapi.operations) as Doc[];
    const received = ops.filter((op) => op.action === 'receive');
    const sent = ops.filter((op) => op.action === 'send');
    expect(received.map((op) => message(op.messages[0]).name).sort()).toEqual(Object.keys(clientEvents).sort());
    expect(sent.map((op) => message(op.messages[0]).name).sort()).toEqual(Object.keys(serverEvents).sort());
    for (const op of received) {
      const replies = op.reply.messages.map(message);
      expect(replies.map((m: Doc) => m.payload.$ref)).toEqual([expect.stringMatching(/Ack$/), '#/components/schemas/ErrorAck']);
    }
    // Payloads are JSON Schemas of the contract's zod schemas.
    const chatSend = asyncapi.components.schemas.ClientChatSend;
    expect(Object.keys(chatSend.properties).sort()).toEqual(['clientMessageId', 'content', 'groupId', 'messageType', 'replyToId']);
    expect(chatSend.required.sort()).toEqual(['content', 'groupId']);
    expect(chatSend.additionalProperties).toBe(false);
    expect(Object.keys(asyncapi.components.schemas.ClientRoomJoinAck.properties).sort()).toEqual(['ok', 'state']);
  });

  it('when /api/asyncapi.json is requested without a token, then it is served, and the OpenAPI document lists it', async () => {
    const res = await fetch(`${app.url}/api/asyncapi.json`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Doc).servers.api.host).toBe(new URL(app.url).host);
    expect(openapi.paths['/api/asyncapi.json'].get.responses['200']).toBeDefined();
  });

  it('when the served OpenAPI document is compared with the REST contract, then every contract route is served with exactly its schemas, and every JSON route served is in the contract', () => {
    const served = new Map(operations(openapi).map(({ key, op }) => [key, op]));
    const fromContract = operations(openApiOfContract());
    expect(fromContract.map((o) => o.key).sort()).toEqual(Object.keys(restRoutes).sort());
    for (const { key, op } of fromContract) {
      const actual = served.get(key);
      if (!actual) throw new Error(`${key} is in the contract but not served`);
      expect({ key, ...contractPart(actual) }).toEqual({ key, ...contractPart(op) });
    }
    // Routes served outside ApiRouter (operations, the webhook, the documents) have no zod input to share.
    const outside = ['GET /healthz', 'GET /readyz', 'GET /metrics', 'POST /webhooks/clerk', 'GET /api/openapi.json', 'GET /api/asyncapi.json', 'GET /docs'];
    expect([...served.keys()].filter((key) => !outside.includes(key)).sort()).toEqual(Object.keys(restRoutes).sort());
    // Both documents name the shared components alike.
    expect(openapi.components.schemas.Message).toEqual(expect.objectContaining({ type: 'object' }));
  });
});
