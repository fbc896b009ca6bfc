// client/api.d.ts is what the app team builds against: it must be what the document generates today
// (regenerate with `npm run client`); `npm run typecheck` compiles client/usage.ts against it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_TYPES_FILE, clientTypes } from '../../lib/client-types';
import { functions } from '../../lib/topology';

describe('the generated client types', () => {
  it('are up to date with the OpenAPI document (run npm run client)', async () => {
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(await clientTypes(functions));
  });
});
