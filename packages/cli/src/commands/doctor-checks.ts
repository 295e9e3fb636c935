/**
 * The checks of `imbridge doctor`, one per vendor: are its variables set and well formed, and
 * does the vendor accept one cheap signed call (Tencent `get_all_robots`, RongCloud
 * `/v3/bot/query.json`, TRTC `DescribeAIConversation` of a task that does not exist)? What is
 * wrong comes from the typed errors of the clients: their `kind` and their `hint`.
 *
 * @module
 */
import { APICallError, ValidationError } from '@imbridge/core';
import { elapsedMs } from '../cli/command-kit.ts';
import type { CommandContext } from '../cli/context.ts';
import { ConfigError } from '../cli/exit-codes.ts';
import { withoutHint } from '../cli/failure.ts';
import { VARIABLES, type VariableName } from '../cli/variables.ts';
import {
  createRongCloudAppClient,
  RONGCLOUD_REQUIRED_VARIABLES,
  rongCloudAppSettings,
  rongCloudTarget,
} from '../vendors/rongcloud.ts';
import {
  createTencentClient,
  TENCENT_REQUIRED_VARIABLES,
  tencentAppSettings,
  tencentTarget,
} from '../vendors/tencent.ts';
import {
  createTrtcApiClient,
  TRTC_REQUIRED_VARIABLES,
  trtcApiSettings,
  trtcTarget,
} from '../vendors/trtc.ts';

/** The vendors doctor checks, in order. */
export const DOCTOR_VENDORS = ['tencent', 'rongcloud', 'trtc'] as const;

/** One of {@link DOCTOR_VENDORS}. */
export type DoctorVendor = (typeof DOCTOR_VENDORS)[number];

/** The outcome of a check. */
export type CheckStatus = 'ok' | 'failed' | 'unreachable' | 'misconfigured' | 'skipped';

/** Something wrong (or worth knowing), and what to do about it. */
export interface CheckProblem {
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  fix?: string | undefined;
  /** The variable to set or change, when there is one. */
  variable?: VariableName | undefined;
}

/** What doctor found for one vendor. */
export interface VendorCheck {
  vendor: DoctorVendor;
  /** The vendor's name, for people. */
  label: string;
  status: CheckStatus;
  /** One line. */
  summary: string;
  /** Why it is not ok. */
  problems: CheckProblem[];
  /** Things that do not fail the check. */
  warnings: CheckProblem[];
  /** Where the signed call went (a base URL, never signed). */
  target?: string | undefined;
  /** How long the signed call took. */
  durationMs?: number | undefined;
}

interface Probe {
  target: string;
  /** Makes the signed call; resolves to what it found, for the summary. */
  call(): Promise<string>;
  /** True for a failure that still proves the credentials work. */
  accepts?(error: APICallError): boolean;
}

interface VendorDefinition {
  label: string;
  /** Set when configured (any of them set means "configured"). */
  variables: readonly VariableName[];
  /** Set for a check to run. */
  required: readonly VariableName[];
  warnings(context: CommandContext): CheckProblem[];
  probe(context: CommandContext): Probe;
}

const TRTC_PROBE_TASK = 'imbridge-doctor-probe';

const DEFINITIONS: Record<DoctorVendor, VendorDefinition> = {
  tencent: {
    label: 'Tencent Chat',
    variables: ['TENCENT_IM_SDK_APP_ID', 'TENCENT_IM_SECRET_KEY', 'TENCENT_IM_BASE_URL'],
    required: TENCENT_REQUIRED_VARIABLES,
    warnings: (context) =>
      context.settings.optional('TENCENT_IM_CALLBACK_TOKEN') === undefined
        ? [
            {
              message: 'TENCENT_IM_CALLBACK_TOKEN is not set: webhooks cannot be verified',
              fix: `set it to ${VARIABLES.TENCENT_IM_CALLBACK_TOKEN.description}`,
              variable: 'TENCENT_IM_CALLBACK_TOKEN',
            },
          ]
        : [],
    probe(context) {
      const app = tencentAppSettings(context, {});
      const client = createTencentClient(context, app, { retry: false });
      return {
        target: tencentTarget(app),
        async call() {
          const { robotIds } = await client.listRobots({ signal: context.signal });
          return `${robotIds.length} robot${robotIds.length === 1 ? '' : 's'}`;
        },
      };
    },
  },
  rongcloud: {
    label: 'RongCloud',
    variables: ['RONGCLOUD_APP_KEY', 'RONGCLOUD_APP_SECRET', 'RONGCLOUD_BASE_URL'],
    required: RONGCLOUD_REQUIRED_VARIABLES,
    warnings: () => [],
    probe(context) {
      const app = rongCloudAppSettings(context, {});
      const client = createRongCloudAppClient(context, app, { retry: false });
      return {
        target: rongCloudTarget(app),
        async call() {
          const { total } = await client.listBots({ pageSize: 1, signal: context.signal });
          return `${total} bot${total === 1 ? '' : 's'}`;
        },
      };
    },
  },
  trtc: {
    label: 'TRTC',
    variables: [
      'TENCENTCLOUD_SECRET_ID',
      'TENCENTCLOUD_SECRET_KEY',
      'TRTC_SDK_APP_ID',
      'TRTC_BASE_URL',
    ],
    required: TRTC_REQUIRED_VARIABLES,
    warnings: (context) =>
      (['TRTC_SDK_APP_ID', 'TRTC_SECRET_KEY'] as const)
        .filter((name) => context.settings.optional(name) === undefined)
        .map((name) => ({
          message: `${name} is not set: trtc start needs it`,
          fix: `set it to ${VARIABLES[name].description}`,
          variable: name,
        })),
    probe(context) {
      const api = trtcApiSettings(context, {});
      const client = createTrtcApiClient(context, api, { retry: false });
      return {
        target: trtcTarget(api),
        async call() {
          await client.describeAIConversation({ taskId: TRTC_PROBE_TASK, signal: context.signal });
          return 'the probe task exists';
        },
        // Tencent checks the signature first: "no such task" means the key was accepted.
        accepts: (error) =>
          error.kind === 'not-found' ||
          error.providerCode === 'InvalidParameter.TaskId' ||
          error.providerCode === 'InvalidParameter',
      };
    },
  },
};

function misconfigured(
  definition: VendorDefinition,
  vendor: DoctorVendor,
  problems: CheckProblem[],
) {
  return {
    vendor,
    label: definition.label,
    status: 'misconfigured' as const,
    summary:
      problems.length === 1
        ? 'a setting is missing or wrong'
        : `${problems.length} settings are missing or wrong`,
    problems,
    warnings: [],
  };
}

function failure(error: unknown): { status: CheckStatus; problem: CheckProblem } {
  if (APICallError.isInstance(error)) {
    const unreachable = error.kind === 'network' || error.kind === 'timeout';
    return {
      status: unreachable ? 'unreachable' : 'failed',
      problem: {
        message: withoutHint(error),
        fix:
          error.hint ??
          (unreachable
            ? 'check the base URL or region variable, your network and proxy (--verbose shows the calls)'
            : undefined),
      },
    };
  }
  if (error instanceof ConfigError || ValidationError.isInstance(error)) {
    return { status: 'misconfigured', problem: { message: error.message } };
  }
  return {
    status: 'failed',
    problem: { message: error instanceof Error ? error.message : String(error) },
  };
}

/**
 * Checks one vendor. Not configured at all: `skipped`, unless `selected` (asked for by
 * `--vendor`), then `misconfigured` like a partly configured vendor.
 */
export async function checkVendor(
  context: CommandContext,
  vendor: DoctorVendor,
  selected: boolean,
): Promise<VendorCheck> {
  const definition = DEFINITIONS[vendor];
  const { settings } = context;
  if (!selected && !settings.anySet(definition.variables)) {
    return {
      vendor,
      label: definition.label,
      status: 'skipped',
      summary: `not configured (set ${definition.required.join(', ')} to check it)`,
      problems: [],
      warnings: [],
    };
  }
  const missing = definition.required.filter((name) => settings.optional(name) === undefined);
  if (missing.length > 0) {
    return misconfigured(
      definition,
      vendor,
      missing.map((name) => ({
        message: `${name} is not set`,
        fix: `set it to ${VARIABLES[name].description}`,
        variable: name,
      })),
    );
  }
  let probe: Probe;
  try {
    probe = definition.probe(context);
  } catch (error) {
    return misconfigured(definition, vendor, [failure(error).problem]);
  }
  const warnings = definition.warnings(context);
  const startedAt = performance.now();
  const base = { vendor, label: definition.label, target: probe.target, warnings };
  try {
    const found = await probe.call();
    const durationMs = elapsedMs(startedAt);
    return {
      ...base,
      status: 'ok',
      summary: `signed call accepted by ${probe.target} (${found})`,
      problems: [],
      durationMs,
    };
  } catch (error) {
    const durationMs = elapsedMs(startedAt);
    if (APICallError.isInstance(error) && probe.accepts?.(error) === true) {
      return {
        ...base,
        status: 'ok',
        summary: `signed call accepted by ${probe.target}`,
        problems: [],
        durationMs,
      };
    }
    if (context.signal?.aborted === true) throw error;
    const { status, problem } = failure(error);
    const summary =
      status === 'unreachable'
        ? `${probe.target} could not be reached`
        : `${probe.target} refused the signed call`;
    return { ...base, status, summary, problems: [problem], durationMs };
  }
}
