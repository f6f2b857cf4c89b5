'use strict';
// The rule owners' page: the draft is checked as it is typed (the server judges it as the job will),
// backtested on the stored events, and published as the next version.
const $ = (id) => document.getElementById(id);
const en = document.body.dataset.en === 'true';
const w = (zh, english) => (en ? english : zh);
const KINDS = {
  ONLY_AGAINST: w('草稿新增', 'Only the draft'),
  ONLY_OLD: w('草稿不再预警', 'Only in force'),
  CHANGED: w('结果变化', 'Changed'),
};
let checkTimer = null;
let checkSeq = 0;

async function post(path, body) {
  const res = await fetch(path, { method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Probity-Request': '1' }, body: JSON.stringify(body) });
  if (res.status === 401) { location.href = '/login'; throw new Error('signed out'); }
  const data = await res.json().catch(() => ({ error: res.status + ' ' + res.statusText }));
  return { ok: res.ok, data };
}

function cell(tr, text, cls) {
  const td = tr.insertCell();
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (cls) td.className = cls;
  return td;
}

function draft() {
  return { rules: $('draft').value, effectiveFrom: $('effective-from').value, comment: $('comment').value };
}

async function check() {
  const seq = ++checkSeq;
  const box = $('check');
  box.dataset.state = 'checking';
  box.textContent = w('校验中…', 'Checking…');
  const { ok, data } = await post('/api/rules/check', draft());
  if (seq !== checkSeq) return; // a later keystroke's check is on its way
  box.replaceChildren();
  if (ok && data.accepted) {
    box.dataset.state = 'ok';
    box.append(w('校验通过：v', 'Valid: v') + data.version + w(' 与 v', ' against v') + data.comparedWith + w('相比，', ', ')
      + data.changes.length + w(' 处变更', ' change(s)'));
    const ul = document.createElement('ul');
    ul.id = 'check-changes';
    for (const c of data.changes) {
      const li = document.createElement('li');
      li.textContent = c.text;
      li.dataset.kind = c.kind;
      ul.append(li);
    }
    box.append(ul);
  } else {
    box.dataset.state = 'error';
    const p = document.createElement('span');
    p.id = 'check-error';
    p.textContent = data.error;
    box.append(w('不能发布：', 'Cannot be published: '), p);
  }
  $('publish').disabled = !(ok && data.accepted && data.changes.length > 0);
}

// The parameters as a form: each number under `parameters:` (`key: value  # comment`) is one field,
// labelled by its path and the rules file's own comment. A field rewrites its line only, so the
// file's comments and order stay; editing the file redraws the form.
function parameterLines(text) {
  const out = [];
  const stack = [];
  let inParameters = false;
  text.split('\n').forEach((line, i) => {
    if (/^\S/.test(line)) {
      inParameters = /^parameters:\s*(#.*)?$/.test(line);
      stack.length = 0;
      return;
    }
    const m = inParameters && line.match(/^(\s+)([A-Za-z]\w*):\s*(.*?)\s*(#.*)?$/);
    if (!m) return;
    const indent = m[1].length;
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    if (m[3] === '') {
      stack.push({ indent, key: m[2] });
    } else if (/^-?\d+(\.\d+)?$/.test(m[3])) {
      out.push({ line: i, key: m[2], value: m[3], comment: (m[4] || '').replace(/^#\s*/, ''),
        path: ['parameters', ...stack.map((s) => s.key), m[2]].join('.') });
    }
  });
  return out;
}

function drawParameters() {
  const body = $('param-form').tBodies[0];
  body.replaceChildren();
  for (const p of parameterLines($('draft').value)) {
    const tr = body.insertRow();
    tr.dataset.path = p.path;
    cell(tr, p.path.replace(/^parameters\./, ''), 'path').title = p.path;
    const input = document.createElement('input');
    input.value = p.value;
    input.name = p.path;
    input.inputMode = 'decimal';
    input.addEventListener('input', () => {
      const lines = $('draft').value.split('\n');
      const at = parameterLines($('draft').value).find((q) => q.path === p.path);
      if (!at || input.value.trim() === '') return;
      lines[at.line] = lines[at.line].replace(new RegExp('^(\\s+' + p.key + ':\\s*)\\S+'), (_, head) => head + input.value.trim());
      $('draft').value = lines.join('\n');
      scheduleCheck();
    });
    tr.insertCell().append(input);
    cell(tr, p.comment, 'hint');
  }
}

function scheduleCheck() {
  $('publish').disabled = true;
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, 400);
}

function drawChart(rows) {
  const box = $('backtest-chart');
  const chart = echarts.getInstanceByDom(box) || echarts.init(box);
  const names = rows.map((r) => r.rule + ' · ' + r.unit);
  chart.setOption({ animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0 },
    grid: { top: 32, left: 48, right: 24, bottom: 64 },
    xAxis: { type: 'category', data: names, axisLabel: { rotate: 15, fontSize: 10 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [['onlyDraft', 'ONLY_AGAINST'], ['onlyInForce', 'ONLY_OLD'], ['changed', 'CHANGED']].map(([k, kind]) => ({
      name: KINDS[kind], type: 'bar', stack: 'all', barMaxWidth: 56, data: rows.map((r) => r[k]) })) }, true);
}

async function get(path) {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (res.status === 401) { location.href = '/login'; throw new Error('signed out'); }
  return res.json();
}

function showBacktest(data) {
  $('backtest-summary').textContent = w('v' + data.draft + ' 对比现行 v' + data.inForce + '，' + data.from + ' 至 ' + data.until
    + ' 的 ' + data.events + ' 条事件：草稿新增 ' + data.onlyDraft + ' 条预警，不再预警 ' + data.onlyInForce + ' 条，结果变化 '
    + data.changed + ' 条', 'v' + data.draft + ' against v' + data.inForce + ' in force, ' + data.events + ' events from '
    + data.from + ' to ' + data.until + ': ' + data.onlyDraft + ' alerts only with the draft, ' + data.onlyInForce
    + ' only in force, ' + data.changed + ' changed');
  const rows = $('backtest-rows').tBodies[0];
  rows.replaceChildren();
  for (const r of data.rows) {
    const tr = rows.insertRow();
    tr.className = 'backtest-row';
    Object.assign(tr.dataset, { rule: r.ruleId, unit: r.unitId });
    cell(tr, r.rule); cell(tr, r.unit); cell(tr, r.onlyDraft, 'n'); cell(tr, r.onlyInForce, 'n'); cell(tr, r.changed, 'n');
  }
  const examples = $('backtest-examples').tBodies[0];
  examples.replaceChildren();
  for (const e of data.examples) {
    const tr = examples.insertRow();
    tr.className = 'backtest-example';
    tr.dataset.kind = e.kind;
    cell(tr, KINDS[e.kind] + (e.kind === 'CHANGED' ? '：' + e.what : '')); cell(tr, e.rule); cell(tr, e.unit); cell(tr, e.subjectId); cell(tr, e.inForce); cell(tr, e.draft);
  }
  drawChart(data.rows);
}

// A backtest runs longer than a request may wait: started, then asked for once a second until done.
async function backtest() {
  const button = $('run-backtest');
  const section = $('backtest');
  button.disabled = true;
  section.hidden = false;
  section.dataset.state = 'running';
  $('backtest-summary').textContent = w('回测中…', 'Running…');
  try {
    const { ok, data } = await post('/api/rules/backtest', { rules: $('draft').value, days: Number($('backtest-days').value) });
    let result = ok ? { state: 'running' } : { state: 'failed', error: data.error };
    while (result.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      result = await get('/api/rules/backtest/' + data.run);
    }
    if (result.state === 'failed') {
      $('backtest-summary').textContent = w('回测失败：', 'Backtest failed: ') + result.error;
    } else {
      showBacktest(result);
    }
    section.dataset.state = result.state;
  } finally {
    button.disabled = false;
  }
}

async function publish(event) {
  event.preventDefault();
  const result = $('publish-result');
  $('publish').disabled = true;
  const { ok, data } = await post('/api/rules/publish', draft());
  if (ok) {
    result.dataset.state = 'ok';
    result.textContent = w('已发布 v', 'Published v') + data.published;
    location.reload();
    return;
  }
  result.dataset.state = 'error';
  result.textContent = w('未发布：', 'Not published: ') + data.error;
  $('publish').disabled = false;
}

if ($('draft')) {
  $('draft').addEventListener('input', () => { drawParameters(); scheduleCheck(); });
  drawParameters();
  $('effective-from').addEventListener('change', scheduleCheck);
  $('run-backtest').addEventListener('click', backtest);
  $('publish-form').addEventListener('submit', publish);
  window.addEventListener('resize', () => echarts.getInstanceByDom($('backtest-chart'))?.resize());
  check();
}
