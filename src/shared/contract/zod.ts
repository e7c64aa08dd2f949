import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/**
 * The one `z` of the project, extended with `.openapi()` (names and descriptions for the
 * generated OpenAPI and AsyncAPI documents). The server re-exports it from
 * `src/lib/validation.ts`; the contract modules import it from here.
 */
export { z };
