/**
 * The last guard against printing a secret: every byte `imbridge` writes goes through a redactor
 * that knows the secrets of the invocation (the secret variables of the environment and of
 * `.env`) and replaces each, raw, URL-encoded or JSON-escaped, with `[redacted]`. Commands never
 * print a secret on purpose; this catches what a vendor might echo back.
 *
 * @module
 */

/** What replaces a secret. */
export const REDACTED = '[redacted]';

/** Values shorter than this are not searched for (they would mangle ordinary words). */
const MIN_SECRET_LENGTH = 4;

/** Replaces known secrets in text. */
export interface Redactor {
  /** Adds secrets to look for. */
  add(values: Iterable<string | undefined>): void;
  /** `text` with every known secret replaced by {@link REDACTED}. */
  redact(text: string): string;
}

/** Creates an empty {@link Redactor}. */
export function createRedactor(): Redactor {
  const forms = new Set<string>();
  let ordered: string[] = [];
  return {
    add(values) {
      for (const value of values) {
        const secret = value?.trim();
        if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
        forms.add(secret);
        forms.add(encodeURIComponent(secret));
        forms.add(JSON.stringify(secret).slice(1, -1));
      }
      // Longest first, so a secret that contains another is replaced whole.
      ordered = [...forms].sort((a, b) => b.length - a.length);
    },
    redact(text) {
      let result = text;
      for (const form of ordered) {
        if (result.includes(form)) result = result.split(form).join(REDACTED);
      }
      return result;
    },
  };
}
