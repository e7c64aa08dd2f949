import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { ErrorSchema } from '../../shared/contract/errors';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.register('Error', ErrorSchema);
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  return registry;
}

/** The OpenAPI 3 document, generated from the schemas the routes validate with. */
export function generateOpenApi(registry: OpenAPIRegistry): object {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'StudySync API',
      version: '1.0.0',
      description:
        'REST part of the StudySync wire contract (API.md). Socket.IO events are described in API.md and docs/REALTIME.md; extensions in docs/API-EXTENSIONS.md.',
    },
  });
}
