/**
 * Keyset pagination: a page ends with the sort key of its last row, and the next page starts after it.
 * The cursor is that key, opaque to callers (base64url of JSON); a cursor that does not decode is refused.
 */
export function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, length: number): Array<string | number> | null {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(key) && key.length === length && key.every((k) => typeof k === 'string' || typeof k === 'number') ? (key) : null;
  } catch {
    return null;
  }
}
