// pnpm hooks of the workspace.
//
// beforePacking (pnpm >= 10.28; the root `packageManager` pins the version) runs on the manifest
// that goes into the tarball of `pnpm pack` and `pnpm publish` (changesets publishes with pnpm),
// never on the package.json in the repository. It removes the `@imbridge/source` export
// condition: it points at ./src/*.ts, which is not published, and exists only so that the
// workspace's tests and type checks resolve sources without a build.
// `npm pack` does not run this hook: check tarballs made by pnpm (scripts/check-package.mjs,
// scripts/check-packed.mjs).
'use strict';

const SOURCE_CONDITION = '@imbridge/source';

/** A copy of an `exports`/`imports` value without the source condition, at any depth. */
function withoutSourceCondition(value) {
  if (Array.isArray(value)) return value.map(withoutSourceCondition);
  if (value === null || typeof value !== 'object') return value;
  const result = {};
  for (const [key, entry] of Object.entries(value)) {
    if (key !== SOURCE_CONDITION) result[key] = withoutSourceCondition(entry);
  }
  return result;
}

function beforePacking(manifest) {
  const packed = { ...manifest };
  for (const field of ['exports', 'imports']) {
    if (packed[field] !== undefined) packed[field] = withoutSourceCondition(packed[field]);
  }
  if (JSON.stringify(packed).includes(SOURCE_CONDITION)) {
    throw new Error(
      `${manifest.name}: "${SOURCE_CONDITION}" appears outside "exports"/"imports" of package.json; it must not be published`,
    );
  }
  return packed;
}

module.exports = { hooks: { beforePacking } };
