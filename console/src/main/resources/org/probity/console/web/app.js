'use strict';
// The monitoring centre's page: the unit board and the alert feed, kept live by server-sent
// events. No framework and no external assets, so it runs on a closed network.

const I18N = {
  zh: {
    title: '廉情气象站', subtitle: '电子监察实时监测', board: '单位廉情', feed: '实时告警', logout: '退出',
    connecting: '连接中', live: '实时', offline: '连接中断，正在重连', clear: '待处理', showAll: '全部告警', noAlerts: '暂无告警',
    GREEN: '绿', ORANGE: '橙', RED: '红', openTotal: '未办结',
    colSeverity: '级别', colRuleUnit: '规则 / 单位', colMessage: '问题', colProgress: '进展', colTime: '时间', colAck: '确认',
    allRules: '全部规则', allUnits: '全部单位', allSeverities: '全部级别', allStatuses: '全部状态', allAcks: '全部确认状态',
    OPEN: '未办结', RAISED: '新发', ESCALATED: '升级', RESOLVED: '已办结', PENDING: '待确认', DONE: '已确认',
    NOTICE: '预警', YELLOW: '黄牌', REDCARD: '红牌', score: '分', grade: '级', open: '未办结', noScore: '暂无评分',
    notice: '预警告知书', rule: '规则', reason: '原因', ruleVersion: '规则逻辑版本', rulesVersion: '规则版本', unit: '单位', subject: '对象', persons: '涉及人员',
    amount: '金额', eventTime: '发生时间', firstEventTime: '首次发生', detectedAt: '检测时间', receivedAt: '接收时间',
    alertId: '告警编号', steps: '处置进程', evidence: '证据事件', acks: '确认记录', notSeen: '监察台未收到此事件（或已超出证据保留范围）',
    ackNote: '确认说明（可选）', acknowledge: '确认签收', ackedBy: '已确认', ackAgain: '升级后待确认', readOnly: '只读账号不能确认',
    noAcks: '尚无确认', caughtUp: '已同步', catchingUp: '正在从 Kafka 同步', alertsSeen: '告警记录', eventsSeen: '事件',
    undecodable: '无法解码', refused: '无法存储已跳过', stream: '数据流', role_OPERATOR: '值班员', role_READ_ONLY: '只读', role_RULE_OWNER: '规则管理员',
    CLOSED: '整改办结', sortNEWEST: '按发生时间（新→旧）', sortOLDEST: '按发生时间（旧→新）', sortCHANGED: '按最近变化',
    rectification: '整改跟踪', stats: '统计分析', audit: '操作留痕', rulesNav: '规则管理', rectState: '整改情况', due: '整改期限',
    legendTitle: '说明', legendText: (i) => '分数：近' + i.windowDays + '天告警的加权和（黄牌' + i.yellowWeight + '、红牌' + i.redWeight
      + '、预警' + i.noticeWeight + '）。颜色：分数≥' + i.orangeAt + '为橙、≥' + i.redAt + '为红。等级：同一标准计本季度告警（A/B/C），故红色单位可为A级。'
      + '未办结：未被规则办结、也未经整改验收的告警，与告警列表、预警告知书一致。',
  },
  en: {
    title: 'Integrity Weather Station', subtitle: 'e-supervision, live', board: 'Units', feed: 'Live alerts', logout: 'Sign out',
    connecting: 'Connecting', live: 'Live', offline: 'Disconnected, reconnecting', clear: 'Needs attention', showAll: 'All alerts', noAlerts: 'No alerts',
    GREEN: 'Green', ORANGE: 'Orange', RED: 'Red', openTotal: 'Open',
    colSeverity: 'Level', colRuleUnit: 'Rule / unit', colMessage: 'Problem', colProgress: 'Progress', colTime: 'Time', colAck: 'Ack',
    allRules: 'All rules', allUnits: 'All units', allSeverities: 'All levels', allStatuses: 'All statuses', allAcks: 'Any ack state',
    OPEN: 'Open', RAISED: 'Raised', ESCALATED: 'Escalated', RESOLVED: 'Resolved', PENDING: 'To acknowledge', DONE: 'Acknowledged',
    NOTICE: 'Notice', YELLOW: 'Yellow', REDCARD: 'Red card', score: 'score', grade: 'grade', open: 'open', noScore: 'no score yet',
    notice: 'Warning notice', rule: 'Rule', reason: 'Reason', ruleVersion: 'Rule logic version', rulesVersion: 'Rules version', unit: 'Unit', subject: 'Subject', persons: 'People',
    amount: 'Amount', eventTime: 'Event time', firstEventTime: 'First occurred', detectedAt: 'Detected', receivedAt: 'Received',
    alertId: 'Alert id', steps: 'Progress', evidence: 'Evidence events', acks: 'Acknowledgements', notSeen: 'Not seen by the console (or past its evidence retention)',
    ackNote: 'Note (optional)', acknowledge: 'Acknowledge', ackedBy: 'Acknowledged', ackAgain: 'Escalated since ack', readOnly: 'Read-only accounts cannot acknowledge',
    noAcks: 'Not acknowledged yet', caughtUp: 'in sync', catchingUp: 'catching up with Kafka', alertsSeen: 'alert records', eventsSeen: 'events',
    undecodable: 'undecodable', refused: 'refused by the store, skipped', stream: 'Stream', role_OPERATOR: 'operator', role_READ_ONLY: 'read-only', role_RULE_OWNER: 'rule owner',
    CLOSED: 'Rectified', sortNEWEST: 'Violation time, newest first', sortOLDEST: 'Violation time, oldest first', sortCHANGED: 'Latest change',
    rectification: 'Rectification', stats: 'Statistics', audit: 'Audit trail', rulesNav: 'Rules', rectState: 'Rectification', due: 'Due',
    legendTitle: 'Legend', legendText: (i) => 'Score: weighted alerts of the last ' + i.windowDays + ' days (yellow ' + i.yellowWeight
      + ', red ' + i.redWeight + ', notice ' + i.noticeWeight + '). Colour: orange from ' + i.orangeAt + ', red from ' + i.redAt
      + '. Grade: the same thresholds on this quarter\'s alerts (A/B/C), so a red unit can be grade A. '
      + 'Open: alerts neither resolved by their rule nor closed by an accepted rectification; the feed and the notice count the same.',
  },
};

// The language is a cookie, not localStorage, so the server-rendered pages (sign-in, notice) follow the same switch.
const LANG_COOKIE = 'probity_lang';
const state = {
  lang: document.cookie.split(';').some((c) => c.trim() === LANG_COOKIE + '=en') ? 'en' : 'zh',
  labels: null, me: null,
  units: new Map(),   // unitId -> tile
  alerts: new Map(),  // alertId -> alert view, the feed as filtered
  // The default is what needs attention: open and not yet acknowledged, newest violation first.
  filter: { rule: '', unit: '', severity: '', status: 'OPEN', ack: 'PENDING', sort: 'NEWEST' },
  conn: 'connecting',
  detailId: null,
  source: null,
};
const FEED_LIMIT = 200;
const $ = (id) => document.getElementById(id);

function t(key) { return I18N[state.lang][key] ?? key; }
const DEFAULT_FILTER = { rule: '', unit: '', severity: '', status: 'OPEN', ack: 'PENDING', sort: 'NEWEST' };
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}
function ruleName(id) {
  const r = state.labels?.rules?.[id];
  return r ? (state.lang === 'en' ? r.en : r.zh) || id : id;
}
function reasonName(code) {
  const r = state.labels?.reasons?.[code];
  return r ? (state.lang === 'en' ? r.en : r.zh) || code : code;
}
// Evidence as the centre reads it: labelled fields, yuan, enum values in words, times in the unit's zone.
function fieldName(k) {
  const f = state.labels?.fields?.[k];
  return f ? (state.lang === 'en' ? f.en : f.zh) : k;
}
function fieldValue(k, v) {
  if (typeof v === 'number' && k.endsWith('Fen')) return money(v);
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v)) return fullTime(v);
  if (Array.isArray(v)) return v.map((x) => fieldValue('', x)).join('、');
  if (typeof v === 'object') return JSON.stringify(v);
  const w = state.labels?.values?.[v];
  if (w && typeof v === 'string') return (state.lang === 'en' ? w.en : w.zh) + ' (' + v + ')';
  if (k === 'stream') return t(v) === v ? v : t(v);
  if (k === 'unitId') return (state.units.get(v)?.name || v);
  return String(v);
}
function severityName(s) { return s === 'RED' ? t('REDCARD') : t(s); }
// Times are shown as the server wrote them: in the rules file's zone, whatever the browser's.
function shortTime(iso) { return iso ? iso.slice(5, 16).replace('T', ' ') : ''; }
function fullTime(iso) { return iso ? iso.slice(0, 19).replace('T', ' ') : ''; }
function money(fen) {
  return fen === null || fen === undefined ? '' :
    '¥' + (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

async function api(path, options) {
  const res = await fetch(path, Object.assign({ credentials: 'same-origin' }, options));
  if (res.status === 401) { location.href = '/login'; throw new Error('signed out'); }
  if (!res.ok) throw new Error(path + ': ' + res.status);
  return res.json();
}

// ------------------------------------------------------------------ language

function applyLanguage() {
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  document.title = t('title') + ' · Probity';
  document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.body.classList.toggle('en', state.lang === 'en');
  // The connection word follows the connection, not the page's first words (it was reset to 'connecting').
  $('conn').textContent = t(state.conn);
  if (state.me) $('legend-text').textContent = t('legendText')(state.me.index);
  $('lang-toggle').textContent = state.lang === 'en' ? '中文' : 'EN';
  if (state.me) $('user').textContent = state.me.displayName + ' · ' + t('role_' + state.me.role);
  fillFilters();
  renderBoard();
  renderFeed();
  if (state.detailId) openDetail(state.detailId);
}

// ------------------------------------------------------------------ board

function tileElement(u) {
  const colour = u.colour || 'NONE';
  const metrics = u.colour
    ? el('div', { class: 't-metrics' },
        el('span', {}, el('b', { class: 't-score', text: Number(u.score).toFixed(1) }), ' ' + t('score')),
        el('span', {}, el('b', { class: 't-grade', text: u.grade }), ' ' + t('grade')),
        el('span', {}, el('b', { class: 't-open', text: String(u.openAlerts) }), ' ' + t('open')))
    : el('div', { class: 't-metrics' }, el('span', { text: t('noScore') }),
        el('span', {}, el('b', { class: 't-open', text: String(u.openAlerts) }), ' ' + t('open')));
  const tile = el('div', { class: 'tile ' + colour + (state.filter.unit === u.unitId ? ' selected' : ''),
      'data-unit-id': u.unitId, 'data-colour': colour, title: u.asOf ? fullTime(u.asOf) : '' },
    el('div', { class: 't-head' }, el('div', { class: 't-name', text: u.name }),
      el('div', { class: 't-colour', text: u.colour ? t(u.colour) : '' })),
    el('div', { class: 't-id', text: u.unitId }),
    metrics,
    el('div', { class: 't-links' },
      el('a', { class: 't-notice', href: '/notice/' + encodeURIComponent(u.unitId) + (state.lang === 'en' ? '?lang=en' : ''),
        target: '_blank', rel: 'noopener', text: t('notice') }),
      el('a', { class: 't-rect', href: '/rectification/' + encodeURIComponent(u.unitId) + (state.lang === 'en' ? '?lang=en' : ''),
        text: t('rectification') })));
  tile.addEventListener('click', (e) => {
    if (e.target.closest('a')) return;
    setFilter('unit', state.filter.unit === u.unitId ? '' : u.unitId);
  });
  return tile;
}

function renderBoard() {
  const board = $('board');
  board.replaceChildren(...[...state.units.values()].map(tileElement));
  renderCounts();
}

function renderCounts() {
  const counts = { GREEN: 0, ORANGE: 0, RED: 0 };
  let open = 0;
  for (const u of state.units.values()) {
    if (u.colour) counts[u.colour]++;
    open += u.openAlerts;
  }
  for (const c of Object.keys(counts)) $('count-' + c).textContent = counts[c];
  $('count-open').textContent = open;
}

function onUnit(u) {
  const known = state.units.has(u.unitId);
  state.units.set(u.unitId, u);
  if (!known) { renderBoard(); fillFilters(); return; }
  const old = document.querySelector('.tile[data-unit-id="' + CSS.escape(u.unitId) + '"]');
  const tile = tileElement(u);
  tile.classList.add('flash');
  old.replaceWith(tile);
  renderCounts();
}

// ------------------------------------------------------------------ feed

function option(value, text, selected) {
  const o = el('option', { value, text });
  if (selected) o.selected = true;
  return o;
}

function fillFilters() {
  if (!state.labels) return;
  const f = state.filter;
  $('f-rule').replaceChildren(option('', t('allRules')),
    ...Object.keys(state.labels.rules).map((id) => option(id, ruleName(id), f.rule === id)));
  $('f-unit').replaceChildren(option('', t('allUnits')),
    ...[...state.units.values()].map((u) => option(u.unitId, u.name, f.unit === u.unitId)));
  $('f-severity').replaceChildren(option('', t('allSeverities')),
    ...['NOTICE', 'YELLOW', 'RED'].map((s) => option(s, severityName(s), f.severity === s)));
  $('f-status').replaceChildren(option('', t('allStatuses')),
    ...['OPEN', 'RAISED', 'ESCALATED', 'RESOLVED', 'CLOSED'].map((s) => option(s, t(s), f.status === s)));
  $('f-ack').replaceChildren(option('', t('allAcks')),
    ...['PENDING', 'DONE'].map((s) => option(s, t(s), f.ack === s)));
  $('f-sort').replaceChildren(...['NEWEST', 'OLDEST', 'CHANGED'].map((s) => option(s, t('sort' + s), f.sort === s)));
}

function setFilter(name, value) {
  state.filter[name] = value;
  fillFilters();
  document.querySelectorAll('.tile').forEach((e) => e.classList.toggle('selected', e.dataset.unitId === state.filter.unit));
  loadFeed();
}

// The server's filter (WebApp.filter / ConsoleStore.feed), for alerts that arrive live.
function matches(a) {
  const f = state.filter;
  if (f.rule && a.ruleId !== f.rule) return false;
  if (f.unit && a.unitId !== f.unit) return false;
  if (f.severity && a.severity !== f.severity) return false;
  if (f.status === 'OPEN' && !a.open) return false;
  if (f.status === 'CLOSED' && !a.closedAt) return false;
  if (f.status && f.status !== 'OPEN' && f.status !== 'CLOSED' && a.status !== f.status) return false;
  if (f.ack === 'PENDING' && !a.needsAck) return false;
  if (f.ack === 'DONE' && (a.needsAck || !a.ack)) return false;
  return true;
}

let feedRequest = 0;
async function loadFeed() {
  const mine = ++feedRequest;
  const q = new URLSearchParams(Object.entries(state.filter).filter(([, v]) => v));
  const list = await api('/api/alerts?' + q);
  if (mine !== feedRequest) return; // a newer filter was chosen meanwhile
  state.alerts = new Map(list.map((a) => [a.alertId, a]));
  renderFeed();
}

function ladder(a) {
  // The approval ladder is one row: 预警 → 黄牌 → 红牌 → 办结, lit as far as it went.
  if (a.ruleId !== 'APPROVAL_OVERDUE') {
    return el('span', { class: 'st', text: a.closedAt ? t('CLOSED') : t(a.status) });
  }
  const rank = { NOTICE: 0, YELLOW: 1, RED: 2 }[a.severity];
  return el('span', { class: 'ladder' },
    ...['NOTICE', 'YELLOW', 'RED'].map((s, i) => el('span', { class: i <= rank ? 'on ' + s : '', 'data-step': s, text: severityName(s) })),
    el('span', { class: a.open ? '' : 'on RESOLVED', 'data-step': 'RESOLVED', text: a.closedAt ? t('CLOSED') : t('RESOLVED') }));
}

function ackState(a) {
  if (a.needsAck && a.ack) return el('span', { class: 'ack-state pending', text: t('ackAgain') });
  if (a.needsAck) return el('span', { class: 'ack-state pending', text: t('PENDING') });
  if (a.ack) return el('span', { class: 'ack-state done', title: fullTime(a.ack.at), text: '✓ ' + a.ack.displayName });
  return el('span', { class: 'ack-state', text: '' });
}

// One <tr> per alert for as long as it is in the feed: a change (the ladder's next step, an
// acknowledgement) rewrites that row in place, it never adds one.
const rows = new Map(); // alertId -> { tr, stamp }

function fillRow(tr, a) {
  tr.className = 'alert-row' + (a.open ? '' : ' resolved');
  Object.assign(tr.dataset, { alertId: a.alertId, unit: a.unitId, severity: a.severity, status: a.status, rule: a.ruleId,
    open: String(a.open) });
  tr.replaceChildren(
    el('td', {}, el('span', { class: 'sev ' + a.severity, text: severityName(a.severity) })),
    el('td', { class: 'rule-unit' }, el('div', { class: 'rule-name', text: ruleName(a.ruleId) }),
      el('div', { class: 'unit-name', text: a.unitName }, ' ', el('span', { class: 'rules-version', title: t('rulesVersion'),
        text: t('rulesVersion') + ' v' + a.rulesVersion }))),
    el('td', {}, el('div', { class: 'msg', title: a.message, text: a.message })),
    el('td', {}, ladder(a)),
    el('td', { class: 'time', title: fullTime(a.firstEventTime), text: shortTime(a.firstEventTime) }),
    el('td', {}, ackState(a)));
}

function rowFor(a) {
  let r = rows.get(a.alertId);
  if (!r) {
    const tr = el('tr');
    tr.addEventListener('click', () => openDetail(a.alertId));
    r = { tr, stamp: null };
    rows.set(a.alertId, r);
  }
  const stamp = [a.version, a.needsAck, a.ack ? a.ack.at : '', state.lang].join('|');
  if (r.stamp !== stamp) {
    fillRow(r.tr, a);
    r.stamp = stamp;
  }
  return r.tr;
}

// The server's order (ConsoleStore.feed), for alerts that arrive live.
function compare(x, y) {
  if (state.filter.sort === 'CHANGED') return y.version - x.version;
  const d = x.firstEventTime < y.firstEventTime ? -1 : x.firstEventTime > y.firstEventTime ? 1
    : x.alertId < y.alertId ? -1 : x.alertId > y.alertId ? 1 : 0;
  return state.filter.sort === 'OLDEST' ? d : -d;
}

function renderFeed(flashIds) {
  const all = [...state.alerts.values()].sort(compare);
  // Keep what the server's feed would show, so a wall screen's memory stays bounded.
  for (const a of all.slice(FEED_LIMIT)) state.alerts.delete(a.alertId);
  const sorted = all.slice(0, FEED_LIMIT);
  $('feed').replaceChildren(...sorted.map(rowFor));
  const shown = new Set(sorted.map((a) => a.alertId));
  for (const id of [...rows.keys()]) if (!shown.has(id)) rows.delete(id);
  const flash = [...(flashIds || [])].filter((id) => rows.has(id)).map((id) => rows.get(id).tr);
  if (flash.length > 0) {
    flash.forEach((tr) => tr.classList.remove('flash'));
    void $('feed').offsetWidth; // one layout restarts every changed row's animation
    flash.forEach((tr) => tr.classList.add('flash'));
  }
  $('feed-empty').hidden = sorted.length > 0;
}

// A checkpoint commits its alerts at once, hundreds in a burst: drawing the feed (and forcing a
// layout) per alert froze the page for tens of seconds, so changes are drawn once per frame.
const feedChanges = { flash: new Set(), frame: 0 };
function scheduleFeed(alertId) {
  feedChanges.flash.add(alertId);
  if (feedChanges.frame) return;
  feedChanges.frame = requestAnimationFrame(() => {
    const flash = feedChanges.flash;
    feedChanges.flash = new Set();
    feedChanges.frame = 0;
    renderFeed(flash);
  });
}

function onAlert(a) {
  const current = state.alerts.get(a.alertId);
  if (current && current.version > a.version) return;
  if (matches(a)) state.alerts.set(a.alertId, a); else state.alerts.delete(a.alertId);
  scheduleFeed(a.alertId);
  if (state.detailId === a.alertId) openDetail(a.alertId);
}

// ------------------------------------------------------------------ detail

function facts(pairs) {
  const dl = el('dl', { class: 'facts' });
  for (const [k, v, id] of pairs) {
    if (v === null || v === undefined || v === '') continue;
    dl.append(el('dt', { text: t(k) }), el('dd', { id, text: v }));
  }
  return dl;
}

function evidenceElement(e) {
  if (!e.found) {
    return el('div', { class: 'evidence missing', 'data-event-id': e.eventId }, el('b', { text: e.eventId }), ' — ' + t('notSeen'));
  }
  const table = el('table');
  for (const [k, v] of Object.entries(e.record)) {
    if (v === null || v === undefined) continue;
    table.append(el('tr', { 'data-field': k }, el('td', { class: 'field', text: fieldName(k) }), el('td', { text: fieldValue(k, v) })));
  }
  return el('div', { class: 'evidence', 'data-event-id': e.eventId }, table);
}

async function openDetail(alertId) {
  state.detailId = alertId;
  const d = await api('/api/alerts/' + encodeURIComponent(alertId));
  if (state.detailId !== alertId) return;
  const a = d.alert;
  const persons = a.persons.map((p) => (p.name ? p.name + ' (' + p.id + (p.role ? ', ' + p.role : '') + ')' : p.id)).join('、');
  const content = el('div', { 'data-alert-id': a.alertId },
    el('h3', { id: 'd-title' }, el('span', { class: 'sev ' + a.severity, text: severityName(a.severity) }), ' ', ruleName(a.ruleId)),
    el('p', { class: 'message', id: 'd-message', text: a.message }),
    facts([
      ['rule', a.ruleId, 'd-rule'], ['reason', a.reason + ' · ' + reasonName(a.reason), 'd-reason'],
      ['ruleVersion', String(a.ruleVersion), 'd-rule-version'],
      ['rulesVersion', 'v' + a.rulesVersion, 'd-rules-version'], ['unit', a.unitName + ' (' + a.unitId + ')', 'd-unit'],
      ['subject', a.subjectType + ' ' + a.subjectId, 'd-subject'], ['persons', persons, 'd-persons'],
      ['amount', money(a.amountFen), 'd-amount'], ['eventTime', fullTime(a.eventTime), 'd-event-time'],
      ['firstEventTime', fullTime(a.firstEventTime), 'd-first'], ['detectedAt', fullTime(a.detectedAt), 'd-detected'],
      ['receivedAt', fullTime(a.receivedAt), 'd-received'], ['alertId', a.alertId, 'd-alert-id'],
    ]),
    el('p', {}, el('a', { class: 'notice-link', target: '_blank', rel: 'noopener',
      href: '/notice/' + encodeURIComponent(a.unitId) + (state.lang === 'en' ? '?lang=en' : ''), text: t('notice') + ' — ' + a.unitName })),
    d.rectification ? el('p', { class: 'rect-line', id: 'd-rect' }, t('rectState') + '：' + d.rectification.stateText + ' · '
      + t('due') + ' ' + d.rectification.due + ' ', el('a', { href: '/rectification/' + encodeURIComponent(a.unitId)
        + (state.lang === 'en' ? '?lang=en' : ''), text: t('rectification') })) : null,
    el('h4', { text: t('steps') }),
    el('ol', { class: 'steps', id: 'd-steps' }, ...d.steps.map((s) => el('li', { 'data-severity': s.severity, 'data-status': s.status },
      el('span', { class: 'sev ' + s.severity, text: severityName(s.severity) }), ' ' + t(s.status) + ' · ' + fullTime(s.eventTime)))),
    el('h4', { text: t('evidence') + ' (' + d.evidence.length + ')' }),
    el('div', { id: 'd-evidence' }, ...d.evidence.map(evidenceElement)),
    el('h4', { text: t('acks') }),
    el('div', { class: 'acks', id: 'd-acks' }, d.acks.length === 0 ? el('p', { text: t('noAcks') }) : el('ul', {},
      ...d.acks.map((k) => el('li', { class: 'ack-entry', text: k.displayName + ' (' + k.username + ') · ' + fullTime(k.at) + ' · '
        + severityName(k.severity) + ' / ' + t(k.status) + (k.note ? ' · ' + k.note : '') })))),
    ackForm(a));
  $('d-content').replaceChildren(content);
  $('detail').hidden = false;
}

function ackForm(a) {
  if (!a.needsAck) return null;
  if (!state.me.mayAcknowledge) return el('p', { class: 'read-only', text: t('readOnly') });
  const note = el('textarea', { id: 'ack-note', maxlength: '1000', placeholder: t('ackNote') });
  const button = el('button', { type: 'button', class: 'primary', id: 'ack-button', text: t('acknowledge') });
  button.addEventListener('click', async () => {
    button.disabled = true;
    const view = await api('/api/alerts/' + encodeURIComponent(a.alertId) + '/ack', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Probity-Request': '1' },
      body: JSON.stringify({ note: note.value }),
    });
    onAlert(view); // re-renders this detail too
  });
  return el('div', { class: 'ack-form' }, note, button);
}

function closeDetail() {
  state.detailId = null;
  $('detail').hidden = true;
}

// ------------------------------------------------------------------ live

async function loadSnapshot() {
  const units = await api('/api/units');
  state.units = new Map(units.map((u) => [u.unitId, u]));
  fillFilters();
  renderBoard();
  await loadFeed();
}

function connect() {
  const source = new EventSource('/api/stream');
  state.source = source;
  // "hello" comes on every (re)connection: reload, so nothing said while away is missed.
  source.addEventListener('hello', () => {
    state.conn = 'live';
    $('conn').className = 'conn up';
    $('conn').textContent = t('live');
    loadSnapshot();
  });
  source.addEventListener('unit', (e) => onUnit(JSON.parse(e.data)));
  source.addEventListener('alert', (e) => onAlert(JSON.parse(e.data)));
  source.addEventListener('signedout', () => { location.href = '/login'; });
  source.onerror = () => {
    state.conn = 'offline';
    $('conn').className = 'conn down';
    $('conn').textContent = t('offline');
  };
}

async function refreshStatus() {
  try {
    const s = await api('/api/status');
    $('status').textContent = (s.caughtUp ? t('caughtUp') : t('catchingUp')) + ' · ' + t('alertsSeen') + ' ' + s.alerts
      + ' · ' + t('eventsSeen') + ' ' + s.events + (s.undecodable ? ' · ' + t('undecodable') + ' ' + s.undecodable : '')
      + (s.refused ? ' · ' + t('refused') + ' ' + s.refused : '')
      + (s.lastError ? ' · ' + s.lastError : '');
    document.body.dataset.caughtUp = String(s.caughtUp);
  } catch (e) {
    $('status').textContent = t('offline');
  }
}

function tick() {
  // The county's time, like every time on the page, whatever the browser's zone.
  $('clock').textContent = new Date().toLocaleString(state.lang === 'en' ? 'en-GB' : 'zh-CN',
    { hour12: false, timeZone: state.me.zone });
}

async function main() {
  [state.labels, state.me] = await Promise.all([api('/api/labels'), api('/api/me')]);
  $('centre').textContent = state.me.centreName;
  $('nav-rules').hidden = !state.me.mayOwnRules;
  for (const name of Object.keys(state.filter)) {
    $('f-' + name).addEventListener('change', (e) => setFilter(name, e.target.value));
  }
  $('f-clear').addEventListener('click', () => {
    Object.assign(state.filter, DEFAULT_FILTER);
    setFilter('rule', '');
  });
  $('f-all').addEventListener('click', () => {
    Object.assign(state.filter, DEFAULT_FILTER, { status: '', ack: '' });
    setFilter('rule', '');
  });
  $('lang-toggle').addEventListener('click', () => {
    state.lang = state.lang === 'en' ? 'zh' : 'en';
    document.cookie = LANG_COOKIE + '=' + state.lang + '; Path=/; Max-Age=31536000; SameSite=Strict';
    applyLanguage();
  });
  $('d-close').addEventListener('click', closeDetail);
  $('detail').addEventListener('click', (e) => { if (e.target === $('detail')) closeDetail(); });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeDetail(); });
  applyLanguage();
  connect();
  tick();
  setInterval(tick, 1000);
  refreshStatus();
  setInterval(refreshStatus, 5000);
}

main();
