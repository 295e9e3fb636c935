/**
 * The page's script, plain browser JavaScript kept as a string (no bundler, no framework): it
 * reads `/api/info`, follows `/api/events` with an EventSource, draws the conversation chosen
 * (vendor, user, one-to-one or group) with one DOM node per message updated in place — so a
 * growing reply and its stop button stay put — and the wire panel; it sends messages and stop
 * requests through the JSON API.
 *
 * @module
 */

/** The script of the playground page. */
export const PAGE_SCRIPT = String.raw`
'use strict';
var state = {
  info: null, vendor: 'tencent-chat', userId: 'alice', mode: 'direct', allVendors: false,
  conversations: new Map(), activity: [], nodes: new Map(), shownKey: '', empty: null
};
var byId = function (id) { return document.getElementById(id); };
var VENDOR_NOUN = { 'tencent-chat': 'One-to-one', rongcloud: 'Private', trtc: 'Voice call' };
var STATE_LABEL = {
  sent: '', growing: 'writing…', stopping: 'stopping…', finished: 'finished',
  interrupted: 'stopped', error: 'error message', failed: 'failed'
};
var DIRECTION = { webhook: 'webhook → bot', api: 'bot → API', llm: 'TRTC → LLM' };

function make(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function currentKey() {
  return state.mode === 'group' ? state.vendor + ':group' : state.vendor + ':direct:' + state.userId;
}

function vendorInfo(id) {
  var vendors = state.info ? state.info.vendors : [];
  for (var i = 0; i < vendors.length; i++) if (vendors[i].id === id) return vendors[i];
  return null;
}

function time(ms) {
  if (!ms) return '';
  var date = new Date(ms);
  var pad = function (n, size) { return String(n).padStart(size || 2, '0'); };
  return pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds()) + '.' + pad(date.getMilliseconds(), 3);
}

function showError(message) {
  var toast = byId('toast');
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(function () { toast.hidden = true; }, 6000);
}

function post(path, body) {
  return fetch(path, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body)
  }).then(function (response) {
    return response.json().then(function (data) {
      if (!response.ok) throw new Error(data.error || ('HTTP ' + response.status));
      return data;
    });
  }).catch(function (error) { showError(error.message); });
}

function send(text) {
  if (!text.trim()) return;
  post('/api/messages', { vendor: state.vendor, mode: state.mode, userId: state.userId, text: text });
}

function stop(msgKey) {
  post('/api/stop', { vendor: state.vendor, mode: state.mode, userId: state.userId, msgKey: msgKey });
}

function createMessage(item) {
  var node = make('div', 'message ' + item.from);
  node.setAttribute('data-testid', 'message');
  node.setAttribute('data-from', item.from);
  var meta = make('div', 'meta');
  meta.appendChild(make('span', 'author'));
  meta.appendChild(make('span', 'at'));
  var bubble = make('div', 'bubble');
  bubble.appendChild(make('span', 'text'));
  bubble.appendChild(make('span', 'caret'));
  var foot = make('div', 'foot');
  foot.appendChild(make('span', 'state'));
  foot.appendChild(make('span', 'detail'));
  var button = make('button', 'stop', '■ Stop');
  button.type = 'button';
  button.setAttribute('data-testid', 'stop');
  button.addEventListener('click', function () {
    button.disabled = true;
    stop(node.getAttribute('data-stop-key'));
  });
  foot.appendChild(button);
  node.appendChild(meta);
  node.appendChild(bubble);
  node.appendChild(foot);
  return node;
}

function updateMessage(node, item) {
  node.setAttribute('data-state', item.state);
  node.setAttribute('data-kind', item.kind);
  node.querySelector('.author').textContent = item.from === 'user' && item.author === state.userId ? item.author + ' (you)' : item.author;
  node.querySelector('.at').textContent = time(item.atMs);
  var text = item.text || (item.state === 'growing' ? '…' : '');
  var textNode = node.querySelector('.text');
  if (textNode.textContent !== text) textNode.textContent = text;
  node.querySelector('.state').textContent = STATE_LABEL[item.state] || item.state;
  node.querySelector('.state').hidden = item.from === 'user';
  node.querySelector('.detail').textContent = item.detail;
  var button = node.querySelector('button.stop');
  if (item.stopKey) {
    node.setAttribute('data-stop-key', item.stopKey);
    button.hidden = false;
  } else {
    button.hidden = true;
    button.disabled = false;
  }
}

function renderConversation() {
  var key = currentKey();
  var list = byId('messages');
  if (state.shownKey !== key) {
    list.textContent = '';
    state.nodes.clear();
    state.shownKey = key;
  }
  var items = state.conversations.get(key) || [];
  var nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  var seen = new Set();
  items.forEach(function (item, index) {
    seen.add(item.id);
    var node = state.nodes.get(item.id);
    if (!node) { node = createMessage(item); state.nodes.set(item.id, node); }
    updateMessage(node, item);
    if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
  });
  state.nodes.forEach(function (node, id) {
    if (!seen.has(id)) { node.remove(); state.nodes.delete(id); }
  });
  var empty = state.empty;
  if (items.length === 0) {
    empty.hidden = false;
    list.appendChild(empty);
  } else {
    empty.hidden = true;
  }
  if (nearBottom) list.scrollTop = list.scrollHeight;
}

function renderEntry(entry) {
  var node = make('details', 'entry');
  node.setAttribute('data-kind', entry.kind);
  node.setAttribute('data-vendor', entry.vendor);
  node.setAttribute('data-testid', 'activity');
  var summary = make('summary');
  summary.appendChild(make('span', 'time', time(entry.atMs)));
  summary.appendChild(make('span', 'dir', DIRECTION[entry.kind] || entry.kind));
  summary.appendChild(make('span', 'label', entry.label));
  var ok = entry.status >= 200 && entry.status < 300;
  var status = make('span', 'status ' + (ok ? 'ok' : 'bad'), entry.status ? String(entry.status) : 'no answer');
  if (entry.code) status.title = entry.code;
  summary.appendChild(status);
  summary.appendChild(make('span', 'ms', entry.durationMs === undefined ? '' : entry.durationMs + ' ms'));
  node.appendChild(summary);
  var body = make('div', 'body');
  body.appendChild(make('div', 'path', entry.method + ' ' + entry.path));
  var facts = [(vendorInfo(entry.vendor) || { label: entry.vendor }).label, 'answered by ' + entry.target];
  if (entry.code) facts.push(entry.code);
  if (entry.error) facts.push(entry.error);
  body.appendChild(make('div', '', facts.join(' · ')));
  if (entry.requestBody !== undefined) {
    body.appendChild(make('h4', '', 'request'));
    body.appendChild(make('pre', '', JSON.stringify(entry.requestBody, null, 2)));
  }
  if (entry.responseBody !== undefined) {
    body.appendChild(make('h4', '', 'answer'));
    body.appendChild(make('pre', '', JSON.stringify(entry.responseBody, null, 2)));
  }
  node.appendChild(body);
  return node;
}

function renderActivity() {
  var list = byId('activity');
  list.textContent = '';
  state.activity
    .filter(function (entry) { return state.allVendors || entry.vendor === state.vendor; })
    .slice(-200)
    .forEach(function (entry) { list.appendChild(renderEntry(entry)); });
  list.scrollTop = list.scrollHeight;
}

function appendActivity(entries) {
  var list = byId('activity');
  var nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  entries.forEach(function (entry) {
    state.activity.push(entry);
    if (state.allVendors || entry.vendor === state.vendor) list.appendChild(renderEntry(entry));
  });
  if (state.activity.length > 1000) state.activity.splice(0, state.activity.length - 1000);
  while (list.children.length > 200) list.removeChild(list.firstChild);
  if (nearBottom) list.scrollTop = list.scrollHeight;
}

function renderControls() {
  var info = vendorInfo(state.vendor);
  document.querySelectorAll('nav.vendors button').forEach(function (button) {
    button.setAttribute('aria-pressed', String(button.getAttribute('data-vendor') === state.vendor));
  });
  document.querySelectorAll('.segmented button').forEach(function (button) {
    button.setAttribute('aria-pressed', String(button.getAttribute('data-mode') === state.mode));
  });
  byId('mode-direct').textContent = VENDOR_NOUN[state.vendor];
  byId('mode-group').hidden = state.vendor === 'trtc';
  byId('bot').textContent = info ? info.bot : '';
  var peer = state.vendor === 'tencent-chat' ? state.info.robotId : state.vendor === 'rongcloud' ? state.info.botUserId : 'the voice agent';
  var title = state.mode === 'group' ? 'group · messages @-mention ' + peer : state.userId + ' ↔ ' + peer;
  byId('title').textContent = title;
  byId('text').placeholder = state.vendor === 'trtc'
    ? 'Say something (played as ' + state.userId + '’s recognised speech)'
    : 'Message ' + peer + ' as ' + state.userId;
  byId('suggestions').hidden = !info || info.bot !== 'example bot';
  byId('bot-flag').textContent = info ? info.flag : '';
  byId('settings').textContent = info ? info.settings.map(function (pair) { return pair[0] + '=' + pair[1]; }).join('\n') : '';
  renderConversation();
  renderActivity();
}

function connect() {
  var events = new EventSource('/api/events');
  events.addEventListener('open', function () {
    byId('live').textContent = '● live';
    byId('live').className = 'live';
  });
  events.addEventListener('error', function () {
    byId('live').textContent = '● reconnecting';
    byId('live').className = 'live off';
  });
  events.addEventListener('conversation', function (event) {
    var view = JSON.parse(event.data);
    state.conversations.set(view.key, view.items);
    if (view.key === currentKey()) renderConversation();
  });
  events.addEventListener('activity', function (event) {
    appendActivity(JSON.parse(event.data));
  });
}

function wire() {
  document.querySelectorAll('nav.vendors button').forEach(function (button) {
    button.addEventListener('click', function () {
      state.vendor = button.getAttribute('data-vendor');
      if (state.vendor === 'trtc') state.mode = 'direct';
      renderControls();
    });
  });
  document.querySelectorAll('.segmented button').forEach(function (button) {
    button.addEventListener('click', function () {
      state.mode = button.getAttribute('data-mode');
      renderControls();
    });
  });
  byId('user').addEventListener('change', function (event) {
    state.userId = event.target.value;
    renderControls();
  });
  byId('all-vendors').addEventListener('change', function (event) {
    state.allVendors = event.target.checked;
    renderActivity();
  });
  byId('composer').addEventListener('submit', function (event) {
    event.preventDefault();
    var input = byId('text');
    send(input.value);
    input.value = '';
    input.focus();
  });
  document.querySelectorAll('.suggestions button').forEach(function (button) {
    button.addEventListener('click', function () { send(button.textContent); });
  });
}

fetch('/api/info').then(function (response) { return response.json(); }).then(function (info) {
  state.info = info;
  state.empty = byId('empty');
  var select = byId('user');
  info.users.forEach(function (user) { select.appendChild(make('option', '', user)); });
  wire();
  renderControls();
  connect();
}).catch(function (error) { showError('could not load the playground: ' + error.message); });
`;
