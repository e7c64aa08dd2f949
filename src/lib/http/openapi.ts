import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { ErrorSchema } from '../../shared/contract/errors';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.register('Error', ErrorSchema);
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  return registry;
}

/** A JSON error answer of the documented routes outside ApiRouter. */
export const errorResponse = (description: string): ResponseConfig => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** `GET /api/openapi.json`, `GET /api/asyncapi.json` and `GET /docs`: the documents themselves (no authentication). */
export function documentApiDocuments(registry: OpenAPIRegistry): void {
  const json = (description: string): ResponseConfig => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
  const tags = ['Documentation'];
  registry.registerPath({
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This OpenAPI 3 document (REST)',
    tags,
    responses: { 200: json('The OpenAPI document') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/asyncapi.json',
    summary: 'The AsyncAPI 3 document of the Socket.IO events',
    tags,
    responses: { 200: json('The AsyncAPI document, generated from the same schemas the socket handlers validate with') },
  });
  registry.registerPath({
    method: 'get',
    path: '/docs',
    summary: 'Swagger UI over this document',
    tags,
    responses: { 200: { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
  });
}

/** The OpenAPI 3 document, generated from the schemas the routes validate with. */
export function generateOpenApi(registry: OpenAPIRegistry): object {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'StudySync API',
      version: '1.0.0',
      description:
        'REST part of the StudySync wire contract (docs/API.md). The Socket.IO events are in the AsyncAPI document, GET /api/asyncapi.json; decisions in docs/API-EXTENSIONS.md.',
    },
  });
}
