// `npm run openapi`: prints the OpenAPI document generated from lib/topology.ts.
import { functions } from '../lib/topology';
import { openApiDocument } from '../lib/openapi';

console.log(JSON.stringify(openApiDocument(functions), null, 2));
