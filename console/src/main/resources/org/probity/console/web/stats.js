'use strict';
// The statistics page: every chart is drawn from one table of /api/stats, and the same table is its CSV.
const LANG_COOKIE = 'probity_lang';
const WORDS = {
  zh: { statsTitle: '统计分析 · 绩效评估', from: '起', to: '止', apply: '查询', back: '返回监察台', allUnits: '全部单位',
    quarterReport: '季度等级评定', print: '打印', csv: '下载 CSV', yearly: '年度预警建议书' },
  en: { statsTitle: 'Statistics · performance', from: 'From', to: 'To', apply: 'Show', back: 'Back to the console', allUnits: 'All units',
    quarterReport: 'Quarterly grades', print: 'Print', csv: 'Download CSV', yearly: 'Yearly recommendation' },
};
const CHARTS = ['alerts-by-rule', 'alerts-by-unit', 'scores', 'funnel', 'approval-performance', 'rectification'];
let lang = document.cookie.split(';').some((c) => c.trim() === LANG_COOKIE + '=en') ? 'en' : 'zh';
const $ = (id) => document.getElementById(id);
const w = (k) => WORDS[lang][k];
window.statsTables = null;

async function get(path) {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (res.status === 401) { location.href = '/login'; throw new Error('signed out'); }
  if (!res.ok) throw new Error(path + ': ' + res.status + ' ' + (await res.text()));
  return res.json();
}

function query() {
  const q = new URLSearchParams();
  for (const k of ['from', 'to', 'unit']) { const v = $('s-' + k).value; if (v) q.set(k, v); }
  if (lang === 'en') q.set('lang', 'en');
  return q.toString();
}

function option(table, data) {
  const [first, ...rest] = table.columns;
  const axis = { type: 'category', data: table.rows.map((r) => r[0]) };
  const bars = (cols, stack) => cols.map((c) => ({ name: table.columns[c], type: 'bar', stack, data: table.rows.map((r) => r[c]) }));
  const base = { animation: false, title: { text: table.title, textStyle: { fontSize: 14 } }, tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 24 }, grid: { top: 64, left: 48, right: 24, bottom: 32 } };
  switch (table.name) {
    case 'alerts-by-rule': case 'alerts-by-unit':
      return { ...base, xAxis: axis, yAxis: { type: 'value', minInterval: 1 }, series: bars(rest.map((_, i) => i + 1), 'all') };
    case 'scores': {
      const byUnit = new Map();
      for (const r of table.rows) { if (!byUnit.has(r[1])) byUnit.set(r[1], []); byUnit.get(r[1]).push([r[0], r[2]]); }
      return { ...base, xAxis: { type: 'time', min: data.from, max: data.to + 'T23:59:59' }, yAxis: { type: 'value' },
        series: [...byUnit].map(([u, pts]) => ({ name: u, type: 'line', step: 'end', data: pts })) };
    }
    case 'funnel':
      return { ...base, tooltip: { trigger: 'item' }, legend: { show: false },
        series: [{ name: table.title, type: 'funnel', sort: 'none', top: 48, label: { formatter: '{b}: {c}' },
          data: table.rows.map((r) => ({ name: r[0], value: r[1] })) }] };
    case 'approval-performance':
      return { ...base, xAxis: { type: 'category', data: table.rows.map((r) => r[0] + ' · ' + r[1]), axisLabel: { rotate: 20, fontSize: 10 } },
        yAxis: [{ type: 'value', max: 100, name: '%' }, { type: 'value', name: table.columns[7] }],
        series: [{ name: table.columns[4], type: 'bar', data: table.rows.map((r) => r[4]) },
          { name: table.columns[6], type: 'bar', data: table.rows.map((r) => r[6]) },
          { name: table.columns[7], type: 'line', yAxisIndex: 1, data: table.rows.map((r) => r[7]) }] };
    case 'rectification':
      return { ...base, xAxis: axis, yAxis: { type: 'value', minInterval: 1 }, series: bars([1, 2, 3, 4], 'all') };
    default:
      return base;
  }
}

function draw(data) {
  window.statsTables = data.tables;
  const main = $('charts');
  for (const name of CHARTS) {
    let box = $('box-' + name);
    if (!box) {
      box = document.createElement('section');
      box.className = 'panel chart-box';
      box.id = 'box-' + name;
      const chart = document.createElement('div');
      chart.className = 'chart';
      chart.id = 'chart-' + name;
      const link = document.createElement('a');
      link.className = 'csv';
      link.id = 'csv-' + name;
      box.append(chart, link);
      main.append(box);
    }
    const table = Object.assign({ name }, data.tables[name]);
    $('csv-' + name).textContent = w('csv');
    $('csv-' + name).href = '/api/stats/' + name + '.csv?' + query();
    const chart = echarts.getInstanceByDom($('chart-' + name)) || echarts.init($('chart-' + name));
    chart.setOption(option(table, data), true);
  }
  document.body.dataset.drawn = data.from + '/' + data.to + '/' + ($('s-unit').value || '');
}

async function load() {
  draw(await get('/api/stats?' + query()));
}

function words() {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = w(e.dataset.i18n); });
  $('lang-toggle').textContent = lang === 'en' ? '中文' : 'EN';
  const first = $('s-unit').options[0];
  if (first) first.textContent = w('allUnits');
  reportLinks();
}

function reportLinks() {
  const q = 'year=' + $('r-year').value + '&quarter=' + $('r-quarter').value;
  $('r-quarter-link').href = '/reports/quarter?' + q + (lang === 'en' ? '&lang=en' : '');
  $('r-quarter-csv').href = '/reports/quarter?' + q + '&format=csv' + (lang === 'en' ? '&lang=en' : '');
}

async function main() {
  const units = await get('/api/units');
  const select = $('s-unit');
  select.append(new Option(w('allUnits'), ''));
  for (const u of units) select.append(new Option(u.name, u.unitId));
  const params = new URLSearchParams(location.search);
  for (const k of ['from', 'to', 'unit']) if (params.get(k)) $('s-' + k).value = params.get(k);
  const now = new Date();
  $('r-year').value = now.getFullYear();
  $('r-quarter').value = String(Math.floor(now.getMonth() / 3) + 1);
  $('r-year').addEventListener('change', reportLinks);
  $('r-quarter').addEventListener('change', reportLinks);
  $('stats-filter').addEventListener('submit', (e) => { e.preventDefault(); load(); });
  $('lang-toggle').addEventListener('click', () => {
    lang = lang === 'en' ? 'zh' : 'en';
    document.cookie = LANG_COOKIE + '=' + lang + '; Path=/; Max-Age=31536000; SameSite=Strict';
    words();
    load();
  });
  window.addEventListener('resize', () => CHARTS.forEach((n) => echarts.getInstanceByDom($('chart-' + n))?.resize()));
  words();
  await load();
}

main();
