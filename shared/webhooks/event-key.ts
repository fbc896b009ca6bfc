// Event identities for items that have no event id of their own. A vendor's retry repeats the item
// byte for byte, so a digest of the validated item tells a retry (same key: deduplicated) from a later
// update of the same summary or workout (new content: a new event).
import { createHash } from 'node:crypto';

export function contentDigest(value: unknown): string {
  // Validated items have their schema's key order, so the same content always serializes the same way.
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);
}
