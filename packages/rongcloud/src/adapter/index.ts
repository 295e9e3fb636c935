export type { RongCloudAdapter } from './adapter.ts';
export { createRongCloudAdapter } from './adapter.ts';
export type { RongCloudAdapterOptions } from './options.ts';
export { DEFAULT_RONGCLOUD_FINAL_UPDATE_RETRY } from './options.ts';
export type { StreamSinkSnapshot } from './sinks.ts';
