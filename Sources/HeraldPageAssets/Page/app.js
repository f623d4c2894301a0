// Herald test page: talks the Kuzzle protocol to the server that served it.
'use strict';

(() => {
  const MAX_NOTIFICATIONS = 200;
  const MAX_FRAMES = 300;
  const HEARTBEAT_MS = 3000;
  const REQUEST_TIMEOUT_MS = 10000;
  const BACKOFF_FIRST_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  /** Own writes are remembered this long, so their notifications can be timed. */
  const WRITE_MEMORY_MS = 30000;

  const $ = (id) => document.getElementById(id);

  /** The logged-in user's token, sent as `jwt` with every request; null while anonymous. */
  const session = { jwt: null, kuid: null };

  /** Builds an element: el('span', {className, text, dataset, title}, ...children). */
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'className' || key === 'title' || key === 'type' || key === 'hidden') node[key] = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function clockTime(date = new Date()) {
    const pad = (n, w = 2) => String(n).padStart(w, '0');
    return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  }

  function formatMs(ms) {
    if (!Number.isFinite(ms)) return '–';
    return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
  }

  /** Parses a JSON text field; throws an Error naming the field when the text is not JSON. */
  function parseJSONField(text, name) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`${name} is not valid JSON: ${error.message}`);
    }
  }

  function pretty(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }

  /** Keeps a list bounded: drops the oldest (last) children past `max`. */
  function trim(list, max) {
    while (list.children.length > max) list.lastElementChild.remove();
  }

  /** A <details> whose <pre> is filled with pretty JSON the first time it opens. */
  function rawDetails(label, text, summaryNode) {
    const pre = el('pre');
    const details = el('details', {}, summaryNode || el('summary', { text: label }), pre);
    details.addEventListener('toggle', () => {
      if (details.open && !pre.textContent) pre.textContent = pretty(text);
    });
    return details;
  }

  // ---------------------------------------------------------------------------------------------
  // Frame inspector

  const inspector = {
    list: $('frame-list'),
    showHeartbeats: $('show-heartbeats'),

    record(direction, text, failed = false) {
      const heartbeat = text === '{"p":1}' || text === '{"p":2}';
      if (heartbeat && !this.showHeartbeats.checked) return;
      const summary = el('summary', {},
        el('span', { className: 'dir', text: direction === 'sent' ? '↑' : '↓', title: direction }),
        el('span', { className: 'time', text: clockTime() }),
        el('span', { className: 'size', text: `${new TextEncoder().encode(text).length} B` }),
        el('span', { className: 'text', text }));
      const item = el('li', {
        className: `frame ${direction}${failed ? ' failed' : ''}`,
        dataset: { testid: 'frame', direction },
      }, rawDetails('', text, summary));
      this.list.prepend(item);
      trim(this.list, MAX_FRAMES);
    },
  };
  $('clear-frames').addEventListener('click', () => inspector.list.replaceChildren());

  // ---------------------------------------------------------------------------------------------
  // Connection: WebSocket, heartbeats, request/response correlation, reconnection with backoff

  class Connection {
    constructor(url) {
      this.url = url;
      this.socket = null;
      this.attempt = 0;
      this.pending = new Map();
      this.nextId = 1;
      this.sessionTag = Math.random().toString(36).slice(2, 8);
      this.heartbeatTimer = null;
      this.pingSentAt = null;
      this.rtts = [];
      this.onopen = () => {};
      this.onframe = () => {};
      this.onstate = () => {};
    }

    get isOpen() {
      return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
    }

    connect() {
      this.onstate('connecting', `connecting (attempt ${this.attempt + 1})`);
      const socket = new WebSocket(this.url);
      this.socket = socket;
      socket.addEventListener('open', () => {
        this.attempt = 0;
        this.onstate('open', 'open');
        this.startHeartbeat();
        this.onopen();
      });
      socket.addEventListener('message', (event) => this.received(String(event.data)));
      socket.addEventListener('close', () => {
        if (this.socket === socket) this.drop();
      });
    }

    /** Gives up on the current socket at once and schedules the next attempt. */
    drop() {
      const socket = this.socket;
      this.socket = null;
      this.stopHeartbeat();
      this.failPending('connection lost');
      if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) socket.close();
      this.scheduleReconnect();
    }

    scheduleReconnect() {
      const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
      const delay = Math.round(base * (0.8 + Math.random() * 0.4));
      this.attempt += 1;
      const due = performance.now() + delay;
      const tick = () => {
        const left = due - performance.now();
        if (left <= 0) {
          this.connect();
          return;
        }
        this.onstate('reconnecting', `reconnecting in ${(left / 1000).toFixed(1)} s`);
        setTimeout(tick, Math.min(100, left));
      };
      tick();
    }

    startHeartbeat() {
      this.pingSentAt = null;
      this.heartbeatTimer = setInterval(() => this.heartbeat(), HEARTBEAT_MS);
      this.heartbeat();
    }

    stopHeartbeat() {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
    }

    /** Sends {"p":1}; a previous one still unanswered after two periods means the link is dead. */
    heartbeat() {
      if (this.pingSentAt !== null && performance.now() - this.pingSentAt > 2 * HEARTBEAT_MS) {
        this.drop();
        return;
      }
      if (this.pingSentAt !== null) return;
      this.pingSentAt = performance.now();
      this.sendText('{"p":1}');
    }

    pong() {
      if (this.pingSentAt === null) return;
      const rtt = performance.now() - this.pingSentAt;
      this.pingSentAt = null;
      this.rtts.push(rtt);
      if (this.rtts.length > 20) this.rtts.shift();
      const average = this.rtts.reduce((sum, value) => sum + value, 0) / this.rtts.length;
      const node = $('heartbeat-rtt');
      node.textContent = formatMs(rtt);
      node.dataset.rttMs = rtt.toFixed(3);
      node.title = `{"p":1} → {"p":2} round trip; average of the last ${this.rtts.length}: ${formatMs(average)}`;
    }

    sendText(text) {
      this.socket.send(text);
      inspector.record('sent', text);
    }

    /** A new request id, unique for this page. */
    requestId() {
      return `page-${this.sessionTag}-${this.nextId++}`;
    }

    /**
     * Sends a request; resolves with the response frame (which may carry an `error`), rejects
     * when the connection is not open, is lost, or no answer comes in time.
     */
    request(frame) {
      if (!this.isOpen) return Promise.reject(new Error('not connected'));
      const requestId = frame.requestId || this.requestId();
      const full = { ...frame, requestId, volatile: { page: 'herald-test-page', session: this.sessionTag } };
      if (session.jwt && full.jwt === undefined) full.jwt = session.jwt;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(requestId);
          reject(new Error(`no answer to ${frame.controller}:${frame.action} within ${REQUEST_TIMEOUT_MS / 1000} s`));
        }, REQUEST_TIMEOUT_MS);
        this.pending.set(requestId, { resolve, reject, timer });
        this.sendText(JSON.stringify(full));
      });
    }

    failPending(reason) {
      for (const { reject, timer } of this.pending.values()) {
        clearTimeout(timer);
        reject(new Error(reason));
      }
      this.pending.clear();
    }

    received(text) {
      let frame;
      try {
        frame = JSON.parse(text);
      } catch {
        inspector.record('received', text, true);
        return;
      }
      const failed = frame !== null && typeof frame === 'object' && frame.error !== null && frame.error !== undefined;
      inspector.record('received', text, failed);
      if (frame === null || typeof frame !== 'object') return;
      if (frame.p === 2 && Object.keys(frame).length === 1) {
        this.pong();
        return;
      }
      const waiting = typeof frame.room === 'string' ? this.pending.get(frame.room) : undefined;
      if (waiting && frame.type === undefined) {
        this.pending.delete(frame.room);
        clearTimeout(waiting.timer);
        waiting.resolve(frame);
        return;
      }
      this.onframe(frame, text);
    }
  }

  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`;
  const connection = new Connection(url);
  $('server-url').textContent = url;

  connection.onstate = (state, label) => {
    const badge = $('conn-state');
    badge.dataset.state = state;
    badge.textContent = label;
    if (state !== 'open') {
      $('heartbeat-rtt').textContent = '–';
      delete $('heartbeat-rtt').dataset.rttMs;
    }
  };

  /** Remembers the node id that answers, and the offset between the server clock and ours. */
  const server = {
    clockOffsetMs: 0,
    noteNode(frame) {
      if (typeof frame.node === 'string') $('server-node').textContent = frame.node;
    },
    async syncClock() {
      const before = Date.now();
      const frame = await connection.request({ controller: 'server', action: 'now' });
      const after = Date.now();
      this.noteNode(frame);
      if (frame.result && typeof frame.result.now === 'number') {
        this.clockOffsetMs = frame.result.now - (before + after) / 2;
      }
    },
  };

  function describeError(error) {
    if (error && typeof error === 'object' && 'message' in error && 'id' in error) {
      return { message: String(error.message), detail: `${error.id} · status ${error.status}` };
    }
    return { message: String(error && error.message ? error.message : error), detail: '' };
  }

  /** Shows a message (and an optional muted detail line) in a message paragraph. */
  function showMessage(node, kind, message, detail = '') {
    node.className = `message ${kind}`;
    node.replaceChildren();
    if (!message) return;
    node.append(el('span', { dataset: { testid: `${node.id}-message` }, text: message }));
    if (detail) node.append(' ', el('code', { className: 'detail', text: `(${detail})` }));
  }

  // ---------------------------------------------------------------------------------------------
  // Index & collection

  const selection = { index: null, collection: null };

  function select(index, collection) {
    selection.index = index;
    selection.collection = collection;
    const label = $('selected-collection');
    label.textContent = `${index} / ${collection}`;
    label.dataset.index = index;
    label.dataset.collection = collection;
    for (const chip of $('collection-list').querySelectorAll('button')) {
      chip.setAttribute('aria-pressed', String(chip.dataset.index === index && chip.dataset.collection === collection));
    }
  }

  async function refreshCollections() {
    const list = $('collection-list');
    const indexes = await connection.request({ controller: 'index', action: 'list' });
    if (indexes.error || !indexes.result) return;
    const chips = [];
    for (const index of indexes.result.indexes || []) {
      const collections = await connection.request({ controller: 'collection', action: 'list', index });
      for (const entry of (collections.result && collections.result.collections) || []) {
        const pressed = index === selection.index && entry.name === selection.collection;
        const button = el('button', {
          type: 'button', text: `${index}/${entry.name}`, 'aria-pressed': String(pressed),
          dataset: { index, collection: entry.name, testid: 'collection-chip' },
        });
        button.addEventListener('click', () => {
          select(index, entry.name);
          $('index-input').value = index;
          $('collection-input').value = entry.name;
        });
        chips.push(el('li', {}, button));
      }
    }
    list.replaceChildren(...chips);
  }

  $('refresh-collections').addEventListener('click', () => refreshCollections().catch(() => {}));

  $('collection-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const message = $('collection-message');
    const index = $('index-input').value.trim();
    const collection = $('collection-input').value.trim();
    try {
      const exists = await connection.request({ controller: 'index', action: 'exists', index });
      if (exists.error) throw exists.error;
      if (exists.result !== true) {
        const created = await connection.request({ controller: 'index', action: 'create', index });
        if (created.error) throw created.error;
      }
      const frame = await connection.request({ controller: 'collection', action: 'create', index, collection });
      if (frame.error) throw frame.error;
      select(index, collection);
      showMessage(message, 'ok', `Ready: ${index} / ${collection}`);
      await refreshCollections();
    } catch (error) {
      const { message: text, detail } = describeError(error);
      showMessage(message, 'error', text, detail);
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Subscriptions

  /** Active subscriptions by channel (the `room` of their notifications). */
  const subscriptions = new Map();
  let subscriptionNumber = 0;

  function renderSubscriptionsEmpty() {
    $('subscription-empty').hidden = subscriptions.size > 0;
  }

  function addSubscription(spec, result) {
    const number = ++subscriptionNumber;
    const subscription = { number, ...spec, roomId: result.roomId, channel: result.channel, received: 0 };
    const counter = el('span', { className: 'received', text: '0 notifications' });
    const button = el('button', {
      type: 'button', className: 'danger', text: 'Unsubscribe',
      dataset: { testid: 'unsubscribe-button' },
    });
    subscription.counter = counter;
    subscription.node = el('li', {
      className: 'subscription',
      dataset: { testid: 'subscription', number: String(number), roomId: result.roomId, channel: result.channel },
    },
    el('span', { className: 'title', text: `#${number} · ${spec.index} / ${spec.collection}` }),
    el('code', { text: JSON.stringify(spec.filter) }),
    el('span', { className: 'meta' }, `scope ${spec.scope} · users ${spec.users} · `, counter),
    button);
    button.addEventListener('click', () => unsubscribe(subscription, button));
    subscriptions.set(result.channel, subscription);
    $('subscription-list').append(subscription.node);
    renderSubscriptionsEmpty();
  }

  function requestSubscribe(spec) {
    return connection.request({
      controller: 'realtime', action: 'subscribe', index: spec.index, collection: spec.collection,
      body: spec.filter, scope: spec.scope, users: spec.users,
    });
  }

  $('subscribe-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const errorNode = $('subscribe-error');
    showMessage(errorNode, 'error', '');
    try {
      if (!selection.index) throw new Error('Create or select a collection first.');
      const spec = {
        index: selection.index, collection: selection.collection,
        filter: parseJSONField($('filter-input').value, 'The filter'),
        scope: $('scope-select').value, users: $('users-select').value,
      };
      const frame = await requestSubscribe(spec);
      if (frame.error) throw frame.error;
      const existing = subscriptions.get(frame.result.channel);
      if (existing) {
        showMessage(errorNode, 'ok',
          `Subscription #${existing.number} already uses this filter with these options (one channel per connection).`);
        return;
      }
      addSubscription(spec, frame.result);
    } catch (error) {
      const { message, detail } = describeError(error);
      showMessage(errorNode, 'error', message, detail);
    }
  });

  /** Unsubscribing leaves the whole room, so every local subscription to that room ends. */
  async function unsubscribe(subscription, button) {
    button.disabled = true;
    const errorNode = $('subscribe-error');
    try {
      const frame = await connection.request({
        controller: 'realtime', action: 'unsubscribe', body: { roomId: subscription.roomId },
      });
      if (frame.error) throw frame.error;
      for (const [channel, other] of subscriptions) {
        if (other.roomId === subscription.roomId) {
          subscriptions.delete(channel);
          other.node.remove();
        }
      }
      renderSubscriptionsEmpty();
    } catch (error) {
      button.disabled = false;
      const { message, detail } = describeError(error);
      showMessage(errorNode, 'error', message, detail);
    }
  }

  /** After a reconnection the server has forgotten us: subscribe again with the same specs. */
  async function resubscribeAll() {
    const previous = [...subscriptions.values()];
    for (const subscription of previous) {
      try {
        const frame = await requestSubscribe(subscription);
        if (frame.error) throw frame.error;
        subscriptions.delete(subscription.channel);
        subscription.roomId = frame.result.roomId;
        subscription.channel = frame.result.channel;
        subscription.node.dataset.roomId = frame.result.roomId;
        subscription.node.dataset.channel = frame.result.channel;
        subscriptions.set(frame.result.channel, subscription);
      } catch (error) {
        const { message, detail } = describeError(error);
        showMessage($('subscribe-error'), 'error', `Could not restore #${subscription.number}: ${message}`, detail);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Upsert

  /** Send times of this page's own writes, by request id. */
  const ownWrites = new Map();

  function showUpsertResult(outcome, headline, detail, body) {
    const node = $('upsert-result');
    node.dataset.outcome = outcome;
    node.replaceChildren(el('p', { className: 'headline', dataset: { testid: 'upsert-headline' }, text: headline }));
    if (detail) node.append(el('p', { className: 'detail', dataset: { testid: 'upsert-detail' }, text: detail }));
    if (body !== undefined) node.append(el('pre', { dataset: { testid: 'upsert-body' }, text: JSON.stringify(body, null, 2) }));
  }

  $('upsert-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      if (!selection.index) throw new Error('Create or select a collection first.');
      const body = { changes: parseJSONField($('upsert-changes').value, 'changes') };
      const defaultsText = $('upsert-defaults').value.trim();
      if (defaultsText) body.default = parseJSONField(defaultsText, 'defaults');
      const frame = {
        controller: 'document', action: 'upsert', index: selection.index, collection: selection.collection,
        _id: $('upsert-id').value, body,
        source: $('upsert-source').checked, silent: $('upsert-silent').checked,
      };
      const refresh = $('upsert-refresh').value;
      if (refresh) frame.refresh = refresh;
      const retry = $('upsert-retry').value.trim();
      if (retry !== '') frame.retryOnConflict = Number(retry);
      frame.requestId = connection.requestId();
      const sentAt = performance.now();
      ownWrites.set(frame.requestId, sentAt);
      setTimeout(() => ownWrites.delete(frame.requestId), WRITE_MEMORY_MS);
      showUpsertResult('pending', 'Sending…');
      const response = await connection.request(frame);
      const elapsed = performance.now() - sentAt;
      if (response.error) {
        showUpsertResult('error', response.error.message, `${response.error.id} · status ${response.error.status}`, response.error);
        return;
      }
      const result = response.result || {};
      const verb = result.created ? 'Created' : 'Updated';
      showUpsertResult('ok', `${verb} "${result._id}", version ${result._version}`,
        `answered in ${formatMs(elapsed)}${frame.silent ? ' · silent: no notification' : ''}`, result);
    } catch (error) {
      showUpsertResult('error', error.message);
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Notifications

  let notificationTotal = 0;

  function notificationLatency(frame) {
    const sentAt = typeof frame.requestId === 'string' ? ownWrites.get(frame.requestId) : undefined;
    if (sentAt !== undefined) return { ms: performance.now() - sentAt, how: 'own write', own: true };
    if (typeof frame.timestamp === 'number') {
      return { ms: Math.max(0, Date.now() + server.clockOffsetMs - frame.timestamp), how: 'since timestamp', own: false };
    }
    return { ms: NaN, how: '', own: false };
  }

  function describeFields(frame) {
    const result = frame.result || {};
    if (Array.isArray(result._updatedFields)) return result._updatedFields.join(', ') || '(none)';
    if (result._source && typeof result._source === 'object') {
      const keys = Object.keys(result._source).filter((key) => key !== '_kuzzle_info');
      return keys.length ? `new: ${keys.join(', ')}` : '(empty)';
    }
    return '';
  }

  function showNotification(frame, text, subscription) {
    subscription.received += 1;
    subscription.counter.textContent = `${subscription.received} notification${subscription.received === 1 ? '' : 's'}`;
    notificationTotal += 1;
    $('notification-count').textContent = String(notificationTotal);
    $('notification-empty').hidden = true;

    const latency = notificationLatency(frame);
    const isUser = frame.type === 'user';
    const action = isUser ? `user ${frame.user}` : String(frame.action);
    const scope = isUser ? '' : String(frame.scope || '');
    const id = isUser ? `${(frame.result && frame.result.count) ?? '?'} user(s)` : String((frame.result && frame.result._id) ?? '');
    const line = el('summary', { className: 'line', title: 'show the raw frame' },
      el('span', {}, el('span', { className: `tag ${isUser ? 'user' : frame.action}`, text: action })),
      el('span', {}, scope ? el('span', { className: `tag ${scope}`, text: scope }) : null),
      el('span', { className: 'id', dataset: { testid: 'notification-id' }, text: id }),
      el('span', { className: 'fields', dataset: { testid: 'notification-fields' }, text: isUser ? '' : describeFields(frame) }),
      el('span', { className: 'latency', dataset: { testid: 'notification-latency' }, title: latency.how },
        formatMs(latency.ms), el('br'), el('span', { className: 'how', text: latency.how })),
      el('span', { className: 'sub', text: `#${subscription.number}` }),
      el('span', { className: 'time', text: clockTime() }));
    const item = el('li', {
      className: 'notification fresh',
      dataset: {
        testid: 'notification', type: String(frame.type), action: String(frame.action), scope,
        id: isUser ? '' : id, own: String(latency.own), latencyMs: Number.isFinite(latency.ms) ? latency.ms.toFixed(3) : '',
        subscription: String(subscription.number),
      },
    }, rawDetails('', text, line));
    $('notification-list').prepend(item);
    trim($('notification-list'), MAX_NOTIFICATIONS);
  }

  $('clear-notifications').addEventListener('click', () => {
    $('notification-list').replaceChildren();
    $('notification-empty').hidden = false;
  });

  // ---------------------------------------------------------------------------------------------
  // Wiring

  // ---------------------------------------------------------------------------------------------
  // Login

  function showSession(state, label, message = '') {
    const node = $('login-state');
    node.dataset.state = state;
    node.textContent = label;
    $('logout-button').hidden = session.jwt === null;
    $('login-button').hidden = session.jwt !== null;
    $('login-message').textContent = message;
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const response = await connection.request({
        controller: 'auth', action: 'login', strategy: 'local',
        body: { username: $('login-username').value, password: $('login-password').value },
      });
      if (response.error) {
        showSession(session.jwt ? 'user' : 'anonymous', session.kuid || 'anonymous', response.error.message);
        return;
      }
      session.jwt = response.result.jwt;
      session.kuid = response.result._id;
      $('login-password').value = '';
      showSession('user', session.kuid);
      await refreshCollections();
    } catch (error) {
      showSession('anonymous', 'anonymous', error.message);
    }
  });

  $('logout-button').addEventListener('click', async () => {
    try {
      await connection.request({ controller: 'auth', action: 'logout' });
    } catch {
      // Logged out locally either way.
    }
    session.jwt = null;
    session.kuid = null;
    showSession('anonymous', 'anonymous');
  });

  connection.onframe = (frame, text) => {
    server.noteNode(frame);
    if (frame.type === 'TokenExpired') {
      session.jwt = null;
      session.kuid = null;
      showSession('expired', 'anonymous', 'Session expired: log in again.');
      return;
    }
    if (frame.type === 'TokenExpiresSoon') {
      $('login-message').textContent = 'Session expires soon.';
      return;
    }
    const subscription = typeof frame.room === 'string' ? subscriptions.get(frame.room) : undefined;
    if (subscription && (frame.type === 'document' || frame.type === 'user')) {
      showNotification(frame, text, subscription);
    }
  };

  connection.onopen = async () => {
    try {
      await server.syncClock();
      await resubscribeAll();
      await refreshCollections();
    } catch {
      // The connection dropped meanwhile; the next open starts over.
    }
  };

  renderSubscriptionsEmpty();
  connection.connect();
})();
