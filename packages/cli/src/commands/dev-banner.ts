/**
 * What `imbridge dev` prints once the playground runs: where the page is, who answers each
 * vendor, where the local vendors are, and for each vendor answered by your bot the settings it
 * needs (local, made-up credentials).
 *
 * @module
 */
import type { Colors } from '../cli/output.ts';
import {
  BOT_URL_FLAGS,
  PLAYGROUND_VENDORS,
  type PlaygroundVendor,
  VENDOR_LABELS,
} from '../dev/local-setup.ts';
import type { Playground } from '../dev/playground.ts';

/** The lines printed when the playground is ready. */
export function devBannerLines(playground: Playground, colors: Colors): string[] {
  const label = (vendor: PlaygroundVendor): string => VENDOR_LABELS[vendor].padEnd(14);
  const endpoints: Record<PlaygroundVendor, string> = {
    'tencent-chat': playground.endpoints.tencentChat,
    rongcloud: playground.endpoints.rongCloud,
    trtc: playground.endpoints.trtc,
  };
  const lines = [
    `${colors.bold('imbridge dev')} — the playground is running`,
    '',
    `  ${colors.bold('Open')}  ${colors.cyan(playground.url)}`,
    '',
    '  Webhooks go to',
  ];
  for (const vendor of PLAYGROUND_VENDORS) {
    const bot = playground.bots[vendor];
    lines.push(
      bot === 'example bot'
        ? `    ${label(vendor)}the example bot ${colors.dim(`(yours: ${BOT_URL_FLAGS[vendor]} <url>)`)}`
        : `    ${label(vendor)}${bot}`,
    );
  }
  lines.push('', '  Local vendors (made-up credentials; the page shows the settings for a bot)');
  for (const vendor of PLAYGROUND_VENDORS) {
    lines.push(`    ${label(vendor)}${endpoints[vendor]}`);
  }
  for (const vendor of PLAYGROUND_VENDORS) {
    if (playground.bots[vendor] === 'example bot') continue;
    lines.push('', `  Settings of your bot for ${VENDOR_LABELS[vendor]}:`);
    for (const [name, value] of playground.settings[vendor]) lines.push(`    ${name}=${value}`);
  }
  lines.push('', colors.dim('Press Ctrl-C to stop.'));
  return lines;
}
