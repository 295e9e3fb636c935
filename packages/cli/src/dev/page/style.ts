/**
 * The page's style sheet: a chat column and a wire panel, light and plain, no framework.
 *
 * @module
 */

/** The CSS of the playground page. */
export const PAGE_STYLE = `
:root {
  --ink: #1d2433; --muted: #6b7385; --line: #e3e6ee; --panel: #f6f7fb; --accent: #2f6fed;
  --user: #2f6fed; --bot: #ffffff; --ok: #1a8f4e; --warn: #b26a00; --bad: #c62d3a;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: var(--ink); background: #eef0f5;
}
* { box-sizing: border-box; }
body { margin: 0; height: 100vh; display: flex; flex-direction: column; }
header {
  display: flex; align-items: center; gap: 18px; padding: 10px 18px; background: #151a26;
  color: #fff;
}
header h1 { font-size: 17px; margin: 0; font-weight: 650; letter-spacing: .2px; }
header h1 small { font-weight: 400; color: #aab3c5; margin-left: 6px; }
nav.vendors { display: flex; gap: 6px; }
nav.vendors button {
  border: 1px solid #3a4357; background: transparent; color: #d7dceb; border-radius: 999px;
  padding: 5px 14px; font: inherit; font-size: 13px; cursor: pointer;
}
nav.vendors button[aria-pressed="true"] { background: #fff; color: #151a26; border-color: #fff; }
.bot-badge { margin-left: auto; font-size: 12px; color: #aab3c5; }
.bot-badge b { color: #fff; font-weight: 600; }
.live { font-size: 12px; color: #7ddc9f; }
.live.off { color: #ffb4a9; }
main { flex: 1; display: grid; grid-template-columns: minmax(0, 1fr) 460px; min-height: 0; }
section.chat { display: flex; flex-direction: column; min-height: 0; border-right: 1px solid var(--line); }
.toolbar {
  display: flex; align-items: center; gap: 14px; padding: 10px 18px; background: #fff;
  border-bottom: 1px solid var(--line); font-size: 13px;
}
.toolbar label { color: var(--muted); }
.toolbar select { font: inherit; padding: 3px 6px; border-radius: 6px; border: 1px solid var(--line); }
.segmented { display: inline-flex; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.segmented button { border: 0; background: #fff; padding: 4px 12px; font: inherit; cursor: pointer; color: var(--muted); }
.segmented button[aria-pressed="true"] { background: var(--accent); color: #fff; }
.title { margin-left: auto; color: var(--muted); }
.title b { color: var(--ink); font-weight: 600; }
#messages { flex: 1; overflow-y: auto; padding: 18px 22px; display: flex; flex-direction: column; gap: 12px; }
.empty { margin: auto; color: var(--muted); text-align: center; max-width: 420px; line-height: 1.5; }
.message { display: flex; flex-direction: column; max-width: 72%; }
.message.user { align-self: flex-end; align-items: flex-end; }
.message.bot { align-self: flex-start; }
.meta { font-size: 11.5px; color: var(--muted); margin: 0 4px 3px; display: flex; gap: 8px; align-items: center; }
.bubble {
  padding: 9px 13px; border-radius: 14px; line-height: 1.45; white-space: pre-wrap;
  word-break: break-word; font-size: 14.5px; box-shadow: 0 1px 1px rgba(20, 30, 60, .06);
}
.user .bubble { background: var(--user); color: #fff; border-bottom-right-radius: 4px; }
.bot .bubble { background: var(--bot); border: 1px solid var(--line); border-bottom-left-radius: 4px; }
.bot[data-state="error"] .bubble, .bot[data-state="failed"] .bubble {
  background: #fff1f2; border-color: #f4c2c7; color: var(--bad);
}
.bot[data-state="error"] .text::before, .bot[data-state="failed"] .text::before { content: "⚠ "; }
.bot[data-state="interrupted"] .bubble { border-style: dashed; }
.caret { display: none; width: 7px; height: 15px; margin-left: 2px; background: var(--accent); vertical-align: -2px; animation: blink 1s steps(2) infinite; }
.bot[data-state="growing"] .caret, .bot[data-state="stopping"] .caret { display: inline-block; }
@keyframes blink { 50% { opacity: 0; } }
.foot { display: flex; gap: 8px; align-items: center; margin: 4px 4px 0; font-size: 11.5px; color: var(--muted); }
.state { border-radius: 999px; padding: 1px 8px; font-size: 11px; font-weight: 600; background: #e9edf7; color: var(--muted); }
[data-state="growing"] .state { background: #e5eeff; color: var(--accent); }
[data-state="finished"] .state { background: #e3f5ea; color: var(--ok); }
[data-state="interrupted"] .state, [data-state="stopping"] .state { background: #fff2dc; color: var(--warn); }
[data-state="error"] .state, [data-state="failed"] .state { background: #ffe4e6; color: var(--bad); }
button.stop {
  border: 1px solid #d9dde8; background: #fff; border-radius: 6px; padding: 2px 10px;
  font: inherit; font-size: 12px; cursor: pointer; color: var(--ink);
}
button.stop:hover { border-color: var(--bad); color: var(--bad); }
.suggestions { display: flex; gap: 8px; padding: 0 18px 8px; flex-wrap: wrap; }
.suggestions button {
  border: 1px solid var(--line); background: #fff; border-radius: 999px; padding: 4px 12px;
  font: inherit; font-size: 12.5px; color: var(--muted); cursor: pointer;
}
form.composer { display: flex; gap: 8px; padding: 12px 18px 16px; background: #fff; border-top: 1px solid var(--line); }
form.composer input {
  flex: 1; font: inherit; font-size: 14.5px; padding: 9px 12px; border-radius: 10px;
  border: 1px solid #cfd5e3; outline: none;
}
form.composer input:focus { border-color: var(--accent); box-shadow: 0 0 0 3px #dfe8fd; }
form.composer button {
  font: inherit; border: 0; background: var(--accent); color: #fff; border-radius: 10px;
  padding: 0 20px; cursor: pointer; font-weight: 600;
}
.toast { margin: 0 18px 8px; padding: 8px 12px; border-radius: 8px; background: #ffe4e6; color: var(--bad); font-size: 13px; }
aside.wire { display: flex; flex-direction: column; min-height: 0; background: var(--panel); }
.wire-head { display: flex; align-items: center; gap: 10px; padding: 10px 14px; border-bottom: 1px solid var(--line); font-size: 13px; }
.wire-head h2 { font-size: 14px; margin: 0; }
.wire-head label { margin-left: auto; color: var(--muted); font-size: 12px; }
#activity { flex: 1; overflow-y: auto; padding: 6px 8px; font-size: 12px; }
.entry { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 5px 0; }
.entry summary { list-style: none; cursor: pointer; padding: 6px 9px; display: grid; grid-template-columns: 74px 104px minmax(0, 1fr) auto auto; gap: 8px; align-items: center; }
.entry summary::-webkit-details-marker { display: none; }
.entry .time, .entry .ms { color: var(--muted); font-variant-numeric: tabular-nums; }
.entry .dir { font-weight: 600; font-size: 11px; border-radius: 5px; padding: 1px 6px; text-align: center; white-space: nowrap; }
.entry[data-kind="webhook"] .dir { background: #efe7ff; color: #6a3fc7; }
.entry[data-kind="api"] .dir { background: #e2f1ff; color: #1f62b3; }
.entry[data-kind="llm"] .dir { background: #e6f6ef; color: #1a7a4a; }
.entry .label { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.entry .status { font-weight: 700; font-variant-numeric: tabular-nums; }
.entry .status.ok { color: var(--ok); }
.entry .status.bad { color: var(--bad); }
.entry .body { padding: 0 9px 8px; }
.entry .path { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; color: var(--ink); margin-bottom: 6px; }
.entry pre { margin: 4px 0; padding: 6px 8px; background: #f3f5fa; border-radius: 6px; max-height: 220px; overflow: auto; font-size: 11px; }
.entry h4 { margin: 6px 0 2px; font-size: 11px; color: var(--muted); font-weight: 600; }
details.connect { border-top: 1px solid var(--line); padding: 8px 14px 12px; font-size: 12px; }
details.connect summary { cursor: pointer; font-weight: 600; }
details.connect pre { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow: auto; font-size: 11px; }
`;
