export { VERSION } from '../version.ts';
export type {
  LocalDify,
  LocalDifyAnswer,
  LocalDifyAnswerRequest,
  LocalDifyConversation,
  LocalDifyFault,
  LocalDifyMode,
  LocalDifyOptions,
  LocalDifyRequestRecord,
  LocalDifyRoute,
} from './local-dify.ts';
export { createLocalDify, LOCAL_DIFY_MODES, LOCAL_DIFY_ROUTES } from './local-dify.ts';
