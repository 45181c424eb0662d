/** The database or the secret file cannot be used; the message says what to check. */
export class StoreError extends Error {
  override name = 'StoreError';
}
