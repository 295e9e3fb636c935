/**
 * The local Dify's wire boundary: JSON written the way Dify's Python writes it, Dify's error
 * bodies and messages, and the checks of a run body with the messages pydantic gives them.
 *
 * @module
 */
import { isRecord } from '@imbridge/provider-utils';

/** The pydantic minor version in Dify's error links (Dify 1.13 pins `pydantic~=2.12`). */
const PYDANTIC_VERSION = '2.12';

/** A string with every non-ASCII UTF-16 unit escaped, as Python's `ensure_ascii` does. */
function asciiJsonString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u0080-\uffff]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * JSON text as Python's `json.dumps` writes it (Dify's SSE `data:` lines and blocking bodies):
 * `", "` and `": "` separators, non-ASCII escaped as `\uXXXX`.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return asciiJsonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${asciiJsonString(key)}: ${pythonJson(item)}`).join(', ')}}`;
  }
  return 'null';
}

/** A Dify error body, `{ code, message, status }`. */
export interface DifyErrorBody {
  status: number;
  code: string;
  message: string;
}

/** The text of an error body (flask-restx ends it with a newline). */
export function errorText(error: DifyErrorBody): string {
  return `${pythonJson({ code: error.code, message: error.message, status: error.status })}\n`;
}

/** Dify's (and werkzeug's) errors the local Dify answers. */
export const DIFY_ERRORS = {
  missingAuthorization: {
    status: 401,
    code: 'unauthorized',
    message: "Authorization header must be provided and start with 'Bearer'",
  },
  wrongScheme: {
    status: 401,
    code: 'unauthorized',
    message: "Authorization scheme must be 'Bearer'",
  },
  invalidKey: { status: 401, code: 'unauthorized', message: 'Access token is invalid' },
  routeNotFound: {
    status: 404,
    code: 'not_found',
    message:
      'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  },
  methodNotAllowed: {
    status: 405,
    code: 'method_not_allowed',
    message: 'The method is not allowed for the requested URL.',
  },
  tooLarge: {
    status: 413,
    code: 'request_entity_too_large',
    message: 'The data value transmitted exceeds the capacity limit.',
  },
  notJson: {
    status: 415,
    code: 'unsupported_media_type',
    message:
      "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
  },
  badJson: {
    status: 400,
    code: 'bad_request',
    message: 'Invalid JSON payload received or JSON payload is empty.',
  },
  noUser: { status: 400, code: 'invalid_param', message: 'Arg user must be provided.' },
  notChatApp: {
    status: 400,
    code: 'not_chat_app',
    message: 'Please check if your app mode matches the right API route.',
  },
  // Dify's /completion-messages answers app_unavailable (not not_completion_app) for another mode.
  appUnavailable: {
    status: 400,
    code: 'app_unavailable',
    message: 'App unavailable, please check your app configurations.',
  },
  notWorkflowApp: {
    status: 400,
    code: 'not_workflow_app',
    message: 'Please check if your Workflow app mode matches the right API route.',
  },
  agentBlocking: {
    status: 400,
    code: 'invalid_param',
    message: 'Agent Chat App does not support blocking mode',
  },
  queryRequired: { status: 400, code: 'invalid_param', message: 'query is required' },
  queryInputRequired: {
    status: 400,
    code: 'invalid_param',
    message: 'query is required in input form',
  },
  queryInputNotString: {
    status: 400,
    code: 'invalid_param',
    message: "(type 'paragraph') query in input form must be a string",
  },
  conversationNotFound: { status: 404, code: 'not_found', message: 'Conversation Not Exists.' },
  conversationCompleted: {
    status: 400,
    code: 'conversation_completed',
    message: 'The conversation has ended. Please start a new conversation.',
  },
  internal: { status: 500, code: 'internal_server_error', message: 'Internal Server Error' },
} as const satisfies Record<string, DifyErrorBody>;

function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\' || char === quote) out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0))
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `${quote}${out}${quote}`;
}

/** `repr()` of a value parsed from JSON, as Python prints it. */
function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return pythonStringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value).map(
      ([key, item]) => `${pythonStringRepr(key)}: ${pythonRepr(item)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return 'None';
}

function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

/** One failed field check, as pydantic reports it. */
interface Issue {
  location: string;
  type: 'missing' | 'dict_type' | 'string_type' | 'list_type' | 'literal_error' | 'value_error';
  message: string;
  input: unknown;
}

/** `str(ValidationError)`: what Dify puts in the `invalid_param` message. */
function pydanticMessage(model: string, issues: readonly Issue[]): string {
  const count = `${issues.length} validation error${issues.length === 1 ? '' : 's'}`;
  const lines = [`${count} for ${model}`];
  for (const issue of issues) {
    let shown = pythonRepr(issue.input);
    if (shown.length > 50) shown = `${shown.slice(0, 25)}...${shown.slice(-24)}`;
    lines.push(
      issue.location,
      `  ${issue.message} [type=${issue.type}, input_value=${shown}, input_type=${pythonTypeName(issue.input)}]`,
      `    For further information visit https://errors.pydantic.dev/${PYDANTIC_VERSION}/v/${issue.type}`,
    );
  }
  return lines.join('\n');
}

/** The canonical form of a UUID as Python's `uuid.UUID` parses it, or `undefined`. */
function canonicalUuid(text: string): string | undefined {
  const hex = text
    .replaceAll('urn:', '')
    .replaceAll('uuid:', '')
    .replace(/^\{+|\}+$/g, '');
  const digits = hex.replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(digits)) return undefined;
  const lower = digits.toLowerCase();
  return `${lower.slice(0, 8)}-${lower.slice(8, 12)}-${lower.slice(12, 16)}-${lower.slice(16, 20)}-${lower.slice(20)}`;
}

/** The kind of run a route starts. */
export type RunKind = 'chat' | 'completion' | 'workflow';

/** A run body that passed the payload checks. */
export interface RunPayload {
  inputs: Readonly<Record<string, unknown>>;
  /** `query` (chat; `''` for the other kinds, whose text is in `inputs.query`). */
  query: string;
  responseMode: 'streaming' | 'blocking';
  /** The canonical `conversation_id` (chat), `undefined` when absent or blank. */
  conversationId: string | undefined;
}

const PAYLOAD_MODELS: Record<RunKind, string> = {
  chat: 'ChatRequestPayload',
  completion: 'CompletionRequestPayload',
  workflow: 'WorkflowRunPayload',
};

/**
 * Checks a run body as Dify's pydantic payload models do (field order, messages, types); a
 * failure is Dify's 400 `invalid_param` with pydantic's text.
 */
export function checkRunPayload(
  kind: RunKind,
  body: Readonly<Record<string, unknown>>,
): RunPayload | DifyErrorBody {
  const issues: Issue[] = [];
  const inputs = body.inputs;
  if (inputs === undefined) {
    issues.push({ location: 'inputs', type: 'missing', message: 'Field required', input: body });
  } else if (!isRecord(inputs)) {
    const message = 'Input should be a valid dictionary';
    issues.push({ location: 'inputs', type: 'dict_type', message, input: inputs });
  }
  const query = body.query;
  if (kind === 'chat' && query === undefined) {
    issues.push({ location: 'query', type: 'missing', message: 'Field required', input: body });
  } else if (kind !== 'workflow' && query !== undefined && typeof query !== 'string') {
    const message = 'Input should be a valid string';
    issues.push({ location: 'query', type: 'string_type', message, input: query });
  }
  const files = body.files;
  if (files !== undefined && files !== null) {
    if (!Array.isArray(files)) {
      const message = 'Input should be a valid list';
      issues.push({ location: 'files', type: 'list_type', message, input: files });
    } else {
      files.forEach((file: unknown, index) => {
        if (isRecord(file)) return;
        const message = 'Input should be a valid dictionary';
        issues.push({ location: `files.${index}`, type: 'dict_type', message, input: file });
      });
    }
  }
  const responseMode = body.response_mode;
  if (
    responseMode !== undefined &&
    responseMode !== null &&
    responseMode !== 'blocking' &&
    responseMode !== 'streaming'
  ) {
    const message = "Input should be 'blocking' or 'streaming'";
    issues.push({ location: 'response_mode', type: 'literal_error', message, input: responseMode });
  }
  let conversationId: string | undefined;
  const sentConversation = body.conversation_id;
  if (kind === 'chat' && sentConversation !== undefined && sentConversation !== null) {
    const trimmed = typeof sentConversation === 'string' ? sentConversation.trim() : undefined;
    conversationId = trimmed === undefined ? undefined : canonicalUuid(trimmed);
    if (trimmed !== '' && conversationId === undefined) {
      issues.push({
        location: 'conversation_id',
        type: 'value_error',
        message: 'Value error, conversation_id must be a valid UUID',
        input: sentConversation,
      });
    }
  }
  if (issues.length > 0) {
    return {
      status: 400,
      code: 'invalid_param',
      message: pydanticMessage(PAYLOAD_MODELS[kind], issues),
    };
  }
  return {
    inputs: isRecord(inputs) ? inputs : {},
    query: kind === 'chat' && typeof query === 'string' ? query : '',
    responseMode: responseMode === 'streaming' ? 'streaming' : 'blocking',
    conversationId,
  };
}

/** True for a {@link DifyErrorBody}. */
export function isErrorBody(value: unknown): value is DifyErrorBody {
  return isRecord(value) && typeof value.code === 'string' && typeof value.status === 'number';
}
