/**
 * RongCloud request signing: `hex(sha1(appSecret + nonce + timestamp))`, shared by the client,
 * the webhook verifier and the local RongCloud.
 *
 * @module
 */
export type {
  RongCloudAuthHeaders,
  RongCloudHeaderStyle,
  RongCloudPrefixedAuthHeaders,
  RongCloudStandardAuthHeaders,
  SignedRongCloudRequest,
  SignRongCloudRequestOptions,
} from './signature.ts';
export {
  constantTimeEqual,
  RONGCLOUD_MAX_NONCE_LENGTH,
  rongCloudSignature,
  signRongCloudRequest,
} from './signature.ts';
