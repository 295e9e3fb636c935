import { VERSION } from '@imbridge/core';
import * as testing from '@imbridge/core/testing';

/**
 * Runtime-neutral smoke check of the built `@imbridge/*` packages. Uses only Web platform APIs,
 * so the same function runs on Node, Bun, Deno and workerd.
 *
 * @returns A one-line summary of what was checked.
 * @throws {Error} When any check fails.
 */
export async function smoke() {
  if (typeof VERSION !== 'string' || VERSION.length === 0) {
    throw new Error(`@imbridge/core VERSION is not a non-empty string: ${String(VERSION)}`);
  }
  if (Object.keys(testing).length === 0) {
    throw new Error('@imbridge/core/testing has no exports');
  }

  const toHex = (buffer) =>
    Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const encoder = new TextEncoder();

  // Web Crypto: SHA-256 of 'abc' is a published test vector (FIPS 180-2, appendix B.1).
  const abcDigest = toHex(await crypto.subtle.digest('SHA-256', encoder.encode('abc')));
  const expectedAbcDigest = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  if (abcDigest !== expectedAbcDigest) {
    throw new Error(`crypto.subtle.digest('SHA-256', 'abc') returned ${abcDigest}`);
  }

  // CompressionStream / DecompressionStream: gzip round trip of a repetitive payload.
  const payload = encoder.encode(`imbridge ${VERSION} smoke\n`.repeat(256));
  const pipe = async (bytes, transform) =>
    new Uint8Array(
      await new Response(new Blob([bytes]).stream().pipeThrough(transform)).arrayBuffer(),
    );
  const compressed = await pipe(payload, new CompressionStream('gzip'));
  const restored = await pipe(compressed, new DecompressionStream('gzip'));
  if (compressed.byteLength >= payload.byteLength) {
    throw new Error(
      `gzip did not shrink the payload (${payload.byteLength} -> ${compressed.byteLength})`,
    );
  }
  const payloadDigest = toHex(await crypto.subtle.digest('SHA-256', payload));
  const restoredDigest = toHex(await crypto.subtle.digest('SHA-256', restored));
  if (restoredDigest !== payloadDigest) {
    throw new Error('gzip round trip changed the payload');
  }

  return `core ${VERSION}, sha256 ok, gzip ${payload.byteLength}->${compressed.byteLength} bytes`;
}
