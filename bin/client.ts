// `npm run client`: writes the app's TypeScript types (client/api.d.ts) from the OpenAPI document.
import { writeFileSync } from 'node:fs';
import { CLIENT_TYPES_FILE, clientTypes } from '#lib/client-types';
import { functions } from '#lib/topology';

writeFileSync(CLIENT_TYPES_FILE, await clientTypes(functions));
console.log(`wrote ${CLIENT_TYPES_FILE}`);
