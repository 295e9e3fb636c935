/**
 * `imbridge doctor`: checks every configured vendor at once and prints, per vendor, whether its
 * credentials work — and when not, what is wrong and how to fix it.
 *
 * Exit code: 0 when every check passed; else 1 when a vendor refused a credential, 4 when one
 * could not be reached, 3 when a setting is missing or wrong (or nothing is configured).
 *
 * @module
 */
import type { Command } from 'commander';
import { type ActionFactory, withExamples } from '../cli/command-kit.ts';
import type { CommandContext } from '../cli/context.ts';
import { EXIT_CODES, type ExitCode, UsageError } from '../cli/exit-codes.ts';
import type { Colors, CommandResult } from '../cli/output.ts';
import {
  type CheckStatus,
  checkVendor,
  DOCTOR_VENDORS,
  type DoctorVendor,
  type VendorCheck,
} from './doctor-checks.ts';

/** The exit code of a set of checks: the most definite problem wins. */
export function doctorExitCode(checks: readonly VendorCheck[]): ExitCode {
  const statuses = new Set(checks.map((check) => check.status));
  if (statuses.has('failed')) return EXIT_CODES.failed;
  if (statuses.has('unreachable')) return EXIT_CODES.network;
  if (statuses.has('misconfigured')) return EXIT_CODES.config;
  if (!statuses.has('ok')) return EXIT_CODES.config;
  return EXIT_CODES.ok;
}

function paint(colors: Colors, status: CheckStatus): string {
  const text = status.padEnd(15);
  switch (status) {
    case 'ok':
      return colors.green(text);
    case 'skipped':
      return colors.dim(text);
    case 'misconfigured':
      return colors.yellow(text);
    case 'failed':
    case 'unreachable':
      return colors.red(text);
  }
}

function checkLines(colors: Colors, check: VendorCheck): string[] {
  const indent = ' '.repeat(15);
  const lines = [`${check.label.padEnd(15)}${paint(colors, check.status)}${check.summary}`];
  for (const problem of check.problems) {
    lines.push(`${indent}${colors.red('✗')} ${problem.message}`);
    if (problem.fix !== undefined) lines.push(`${indent}  ${colors.yellow('fix:')} ${problem.fix}`);
  }
  for (const warning of check.warnings) {
    lines.push(`${indent}${colors.yellow('!')} ${warning.message}`);
    if (warning.fix !== undefined) lines.push(`${indent}  ${colors.dim('fix:')} ${warning.fix}`);
  }
  return lines;
}

function selectedVendors(names: readonly string[] | undefined): DoctorVendor[] | undefined {
  if (names === undefined || names.length === 0) return undefined;
  return names.map((name) => {
    const vendor = DOCTOR_VENDORS.find((candidate) => candidate === name);
    if (vendor === undefined) {
      throw new UsageError(
        `--vendor must be among ${DOCTOR_VENDORS.join(', ')}, received "${name}"`,
      );
    }
    return vendor;
  });
}

async function doctor(context: CommandContext, command: Command): Promise<CommandResult> {
  const selected = selectedVendors(command.opts<{ vendor?: string[] }>().vendor);
  const vendors = selected ?? [...DOCTOR_VENDORS];
  const checks = await context.spin('Checking credentials…', () =>
    Promise.all(vendors.map((vendor) => checkVendor(context, vendor, selected !== undefined))),
  );
  const exitCode = doctorExitCode(checks);
  const lines = checks.flatMap((check) => checkLines(context.output.colors, check));
  if (checks.every((check) => check.status === 'skipped')) {
    lines.push(
      '',
      'No vendor is configured: set the variables of at least one in the environment or .env',
      '(see imbridge doctor --help).',
    );
  }
  return { data: { checks }, lines, exitCode };
}

/** Registers `doctor`. */
export function registerDoctorCommand(program: Command, act: ActionFactory): void {
  const command = program
    .command('doctor')
    .description('check the credentials of each configured vendor with one cheap signed call')
    .option(
      '--vendor <names...>',
      `check only these: ${DOCTOR_VENDORS.join(', ')} (then they must be configured)`,
    )
    .action(act(doctor));
  command.addHelpText(
    'after',
    `
A vendor counts as configured when one of its variables is set:
  tencent    TENCENT_IM_SDK_APP_ID, TENCENT_IM_SECRET_KEY (TENCENT_IM_ADMIN_USER_ID, TENCENT_IM_REGION,
             TENCENT_IM_BASE_URL; TENCENT_IM_CALLBACK_TOKEN for webhooks)
  rongcloud  RONGCLOUD_APP_KEY, RONGCLOUD_APP_SECRET (RONGCLOUD_REGION, RONGCLOUD_BASE_URL)
  trtc       TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY (TENCENTCLOUD_REGION, TRTC_ENDPOINT,
             TRTC_BASE_URL; TRTC_SDK_APP_ID and TRTC_SECRET_KEY for trtc start)

Exit code: 0 all checks passed; 1 a vendor refused a credential; 4 a vendor could not be
reached; 3 a setting is missing or wrong, or nothing is configured.`,
  );
  withExamples(command, [
    'imbridge doctor',
    'imbridge doctor --vendor tencent',
    'imbridge doctor --json | jq ".checks[] | {vendor, status}"',
    'TENCENT_IM_BASE_URL=http://127.0.0.1:8080 imbridge doctor --vendor tencent',
  ]);
}
