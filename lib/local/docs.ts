// The API reference on the local runtime: `GET /api/v1/openapi.json` (the document lib/openapi.ts
// generates from the topology) and `GET /api/v1/docs`, a Swagger UI page rendering it. Swagger UI's
// scripts and styles come from the swagger-ui-dist package, served from here: the page needs no CDN.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const DOCS_PATH = '/api/v1/docs';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const distDir = () => path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>RunningCoach API reference</title>
  <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png">
  <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: '${OPENAPI_PATH}',
      dom_id: '#reference',
      deepLinking: true,
      docExpansion: 'list',
      defaultModelsExpandDepth: 0,
      // No calls to swagger.io's validator: everything the page loads comes from this server.
      validatorUrl: null,
    });
  </script>
</body>
</html>
`;

/**
 * Answers the docs routes (GET or HEAD); false for any other request, which the caller routes as usual.
 * `document` is built on first use.
 */
export function serveDocs(method: string, pathname: string, res: ServerResponse, document: () => unknown, extraHeaders: Record<string, string>): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const send = (contentType: string, body: string | Buffer, cache = 'no-cache') => {
    res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': cache, ...extraHeaders });
    res.end(method === 'HEAD' ? undefined : body);
    return true;
  };
  if (pathname === OPENAPI_PATH) return send('application/json; charset=utf-8', JSON.stringify(document()));
  if (pathname === DOCS_PATH || pathname === `${DOCS_PATH}/`) return send('text/html; charset=utf-8', page);
  if (pathname.startsWith(`${DOCS_PATH}/`)) {
    const asset = pathname.slice(DOCS_PATH.length + 1);
    const type = ASSETS[asset];
    if (type) return send(type, readFileSync(path.join(distDir(), asset)), 'public, max-age=3600');
  }
  return false;
}
