/**
 * The playground page: one self-contained HTML document (style and script inlined), served from
 * memory, so the package needs no static files and works the same from `src` and `dist`.
 *
 * @module
 */
import { PAGE_SCRIPT } from './script.ts';
import { PAGE_STYLE } from './style.ts';

const BODY = `
<header>
  <h1>imbridge dev <small>playground</small></h1>
  <nav class="vendors" aria-label="Vendor">
    <button type="button" data-vendor="tencent-chat" data-testid="vendor-tencent-chat">Tencent Chat</button>
    <button type="button" data-vendor="rongcloud" data-testid="vendor-rongcloud">RongCloud</button>
    <button type="button" data-vendor="trtc" data-testid="vendor-trtc">TRTC voice</button>
  </nav>
  <span class="bot-badge">answered by <b id="bot"></b></span>
  <span id="live" class="live off">● connecting</span>
</header>
<main>
  <section class="chat">
    <div class="toolbar">
      <label for="user">You are</label>
      <select id="user" data-testid="user"></select>
      <div class="segmented" role="group" aria-label="Conversation">
        <button type="button" id="mode-direct" data-mode="direct">One-to-one</button>
        <button type="button" id="mode-group" data-mode="group" data-testid="mode-group">Group</button>
      </div>
      <span class="title" id="title"></span>
    </div>
    <div id="messages" data-testid="messages">
      <div id="empty" class="empty">No messages yet. Say hello: your message reaches the bot as a
        signed webhook from the local vendor, and its reply streams back here.</div>
    </div>
    <div id="toast" class="toast" hidden></div>
    <div class="suggestions" id="suggestions">
      <button type="button">Hello! What can you do?</button>
      <button type="button">Tell me a long story</button>
      <button type="button">Please fail</button>
    </div>
    <form class="composer" id="composer" autocomplete="off">
      <input id="text" data-testid="composer" maxlength="2000" />
      <button type="submit" data-testid="send">Send</button>
    </form>
  </section>
  <aside class="wire">
    <div class="wire-head">
      <h2>Wire</h2><span>webhooks to the bot, the bot's API calls</span>
      <label><input type="checkbox" id="all-vendors" /> all vendors</label>
    </div>
    <div id="activity" data-testid="wire"></div>
    <details class="connect">
      <summary>Connect your own bot</summary>
      <p>Run your bot with these settings (local, made-up credentials) and start
        <code>imbridge dev <span id="bot-flag">--bot-url</span> &lt;its webhook URL&gt;</code>:</p>
      <pre id="settings"></pre>
    </details>
  </aside>
</main>`;

/** The HTML of the playground page. */
export function renderPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>imbridge dev — playground</title>
<style>${PAGE_STYLE}</style>
</head>
<body>${BODY}
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
