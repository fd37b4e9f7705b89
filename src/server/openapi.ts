/**
 * The OpenAPI 3.1 document of the server: the parts of the mounted route groups (context.ts
 * RouteGroup.openapi), merged under one info block. Bearer tokens are the default security.
 */
import type { OpenApiPart } from './context.js';

export function buildOpenApi(parts: readonly OpenApiPart[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  const securitySchemes: Record<string, unknown> = { bearer: { type: 'http', scheme: 'bearer' } };
  for (const part of parts) {
    for (const [path, ops] of Object.entries(part.paths)) paths[path] = { ...(paths[path] ?? {}), ...ops };
    Object.assign(schemas, part.schemas ?? {});
    Object.assign(securitySchemes, part.securitySchemes ?? {});
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Portcullis metadata server (Grafeas v1)',
      version: '1',
      description:
        'Grafeas v1 REST API: notes and occurrences. proto3 JSON: lowerCamelCase out, snake_case accepted in.',
    },
    security: [{ bearer: [] }],
    paths,
    components: { securitySchemes, schemas },
  };
}
