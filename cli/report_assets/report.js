/* pushmortem report: draws each finding's timeline from the #pm-data blob
   (format: cli/report_timeline.h) as SVG, and wires the copy buttons.
   Plain browser JavaScript, no libraries, nothing fetched. All text goes in
   through textContent, never as markup. */
(function () {
  'use strict';

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var LABEL_W = 182;     // lane labels on the left
  var RIGHT_PAD = 16;
  var FLAG_H = 22;       // push attempt flags
  var AXIS_H = 22;       // time labels
  var LANE_H = 66;
  var MARK_TOP = 9;      // event marks row, inside a lane
  var MARK_H = 24;
  var DENS_TOP = 40;     // firewall density strip, inside a lane
  var DENS_H = 20;
  var BIN_PX = 3;        // density and histogram bin width
  var MIN_SPAN_US = 1000;
  var KIND_INDEX = { allow: 0, drop: 1, fw: 2, error: 3, warning: 4, info: 5 };
  var SEVERITY = { error: 3, warning: 2, info: 1 };
  var FIREWALL = { allow: true, drop: true, fw: true };
  var KIND_TEXT = {
    allow: 'Firewall', drop: 'Firewall', fw: 'Firewall',
    error: 'Error', warning: 'Warning', info: 'Event'
  };
  var STEPS = [1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 15e6, 3e7, 6e7, 12e7, 3e8, 6e8,
    9e8, 18e8, 36e8, 72e8, 108e8, 216e8, 432e8, 864e8, 1728e8, 6048e8];

  var clipCounter = 0;

  function svg(name, attrs, parent) {
    var e = document.createElementNS(SVG_NS, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function html(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = '0' + s;
    return s;
  }

  // 2024-11-05T14:03:35.602000Z, as the evidence table writes times.
  function isoUs(us) {
    var ms = Math.floor(us / 1000);
    return new Date(ms).toISOString().slice(0, 23) + pad(Math.round(us - ms * 1000), 3) + 'Z';
  }

  function spanText(us) {
    var s = us / 1e6;
    if (s < 1) return Math.round(us / 1000) + ' ms';
    if (s < 60) return (Math.round(s * 10) / 10) + ' s';
    if (s < 3600) return (Math.round(s / 6) / 10) + ' min';
    if (s < 172800) return (Math.round(s / 360) / 10) + ' h';
    return (Math.round(s / 8640) / 10) + ' days';
  }

  function tickLabel(us, step) {
    var d = new Date(Math.floor(us / 1000));
    var hm = pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2);
    if (step < 1e6) return hm + ':' + pad(d.getUTCSeconds(), 2) + '.' + pad(d.getUTCMilliseconds(), 3);
    if (step < 6e7) return hm + ':' + pad(d.getUTCSeconds(), 2);
    return hm;
  }

  function dateLabel(us) { return new Date(Math.floor(us / 1000)).toISOString().slice(0, 10); }

  function plural(n, word) { return n.toLocaleString('en-US') + ' ' + word + (n === 1 ? '' : 's'); }

  // First index in sorted `items` (by item[0]) with time >= t.
  function lowerBound(items, t) {
    var lo = 0, hi = items.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (items[mid][0] < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // ------------------------------------------------------------- tooltip

  function Tip() {
    this.node = html('div', 'pm-tip', null, document.body);
    this.node.setAttribute('role', 'tooltip');
  }
  Tip.prototype.show = function (items, more, clientX, clientY) {
    var n = this.node;
    while (n.firstChild) n.removeChild(n.firstChild);
    items.forEach(function (it) {
      var box = html('div', 'pm-tip-item', null, n);
      html('div', 'pm-tip-title', it.title, box);
      if (it.time) html('div', 'pm-tip-time', it.time, box);
      if (it.message) html('div', 'pm-tip-msg', it.message, box);
      if (it.where) html('div', 'pm-tip-where', it.where, box);
    });
    if (more) html('div', 'pm-tip-more', more, n);
    n.style.display = 'block';
    var w = n.offsetWidth, h = n.offsetHeight;
    var x = clientX + 14, y = clientY + 16;
    if (x + w > window.innerWidth - 8) x = Math.max(8, clientX - w - 14);
    if (y + h > window.innerHeight - 8) y = Math.max(8, clientY - h - 12);
    n.style.left = x + 'px';
    n.style.top = y + 'px';
  };
  Tip.prototype.hide = function () { this.node.style.display = 'none'; };

  // ------------------------------------------------------------ timeline

  function prepareLane(lane) {
    var fw = [], other = [];
    lane.marks.forEach(function (m) { (FIREWALL[m[1]] ? fw : other).push(m); });
    return {
      host: lane.host, role: lane.role, total: lane.total, aggregated: lane.aggregated,
      bucketUs: lane.bucket_us, buckets: lane.buckets, fw: fw, other: other, evidence: lane.evidence
    };
  }

  function Timeline(container, finding, tip) {
    var t = finding.timeline;
    this.finding = finding;
    this.tip = tip;
    this.full = [t.from_us, t.to_us];
    this.view = [t.from_us, t.to_us];
    this.lanes = t.lanes.map(prepareLane);
    this.attempts = t.attempts;
    this.clipId = 'pm-clip-' + (++clipCounter);
    this.drag = null;

    var root = html('div', 'pm-tl', null, container);
    var bar = html('div', 'pm-tl-bar', null, root);
    var self = this;
    function button(label, title, action) {
      var b = html('button', null, label, bar);
      b.type = 'button';
      b.title = title;
      b.addEventListener('click', action);
    }
    button('Zoom in', 'Zoom in around the centre', function () { self.zoom(0.5, 0.5); });
    button('Zoom out', 'Zoom out around the centre', function () { self.zoom(2, 0.5); });
    button('Reset', 'Show the whole window', function () { self.setView(self.full[0], self.full[1]); });
    this.rangeNode = html('span', 'pm-tl-range', null, bar);
    html('span', 'pm-tl-hint', 'Wheel: zoom · Shift+wheel: pan · drag: select a range · double-click: reset', bar);
    this.plot = html('div', 'pm-tl-plot', null, root);
    this.svg = svg('svg', { 'class': 'pm-tl-svg', role: 'img' }, this.plot);
    this.svg.setAttribute('aria-label', 'Timeline of finding ' + finding.index + ': ' + finding.title);
    this.legend(root);
    this.notes(root, t);
    this.listen();
    this.render();
  }

  Timeline.prototype.legend = function (root) {
    var box = html('div', 'pm-tl-legend', null, root);
    function item(cls, dot, text) {
      var s = html('span', null, null, box);
      var sw = html('i', 'pm-sw' + (dot ? ' pm-sw-dot' : ''), null, s);
      sw.style.background = 'var(' + cls + ')';
      s.appendChild(document.createTextNode(text));
    }
    item('--pm-error', false, 'error');
    item('--pm-warning', false, 'warning');
    item('--pm-info', false, 'other event');
    item('--pm-allow', false, 'firewall allowed (density)');
    item('--pm-drop', false, 'firewall dropped (density)');
    item('--pm-trigger', true, 'evidence: trigger');
    item('--pm-supporting', true, 'supporting');
    item('--pm-contradicting', true, 'contradicting');
    item('--pm-context', true, 'context');
    if (this.attempts.length) {
      item('--pm-error', false, 'push attempt failed');
      if (this.attempts.some(function (a) { return a[2] === 'succeeded'; })) item('--pm-ok', false, 'push attempt succeeded');
    }
  };

  Timeline.prototype.notes = function (root, t) {
    var notes = [];
    if (t.basis === 'host-range')
      notes.push('The finding carries no times of its own (console errors): the window spans everything its hosts logged.');
    if (t.untimed_evidence > 0)
      notes.push(plural(t.untimed_evidence, 'evidence line') + ' without a time (e.g. console errors) appear only in the evidence table.');
    if (t.untimed_attempts > 0) notes.push(plural(t.untimed_attempts, 'push attempt') + ' without a time are not drawn.');
    this.lanes.forEach(function (l) {
      if (l.aggregated)
        notes.push((l.host || 'A host') + ' logged ' + plural(l.total, 'event') + ' in this window: shown as counts per ' +
          spanText(l.bucketUs) + ' slice; errors and evidence stay individual marks.');
    });
    notes.forEach(function (n) { html('p', 'pm-tl-note', n, root); });
  };

  Timeline.prototype.width = function () { return Math.max(520, this.plot.clientWidth || 960); };
  Timeline.prototype.plotWidth = function () { return this.width() - LABEL_W - RIGHT_PAD; };
  Timeline.prototype.lanesTop = function () { return FLAG_H + AXIS_H; };
  Timeline.prototype.xOf = function (us) {
    return LABEL_W + (us - this.view[0]) / (this.view[1] - this.view[0]) * this.plotWidth();
  };
  Timeline.prototype.timeAt = function (x) {
    return this.view[0] + (x - LABEL_W) / this.plotWidth() * (this.view[1] - this.view[0]);
  };

  Timeline.prototype.setView = function (a, b) {
    var fullSpan = this.full[1] - this.full[0];
    if (b < a) { var s = a; a = b; b = s; }
    var span = b - a;
    if (span >= fullSpan || fullSpan <= 0) { a = this.full[0]; b = this.full[1]; } else {
      if (span < MIN_SPAN_US) { var c = (a + b) / 2; a = c - MIN_SPAN_US / 2; b = c + MIN_SPAN_US / 2; span = MIN_SPAN_US; }
      if (a < this.full[0]) { a = this.full[0]; b = a + span; }
      if (b > this.full[1]) { b = this.full[1]; a = b - span; }
    }
    this.view = [a, b];
    this.render();
  };

  Timeline.prototype.zoom = function (factor, at) {
    var span = this.view[1] - this.view[0];
    var pivot = this.view[0] + span * at;
    this.setView(pivot - (pivot - this.view[0]) * factor, pivot + (this.view[1] - pivot) * factor);
  };

  Timeline.prototype.render = function () {
    var s = this.svg, W = this.width(), plotW = this.plotWidth();
    var H = this.lanesTop() + this.lanes.length * LANE_H + 4;
    while (s.firstChild) s.removeChild(s.firstChild);
    s.setAttribute('width', W);
    s.setAttribute('height', H);
    s.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var defs = svg('defs', {}, s);
    var clip = svg('clipPath', { id: this.clipId }, defs);
    svg('rect', { x: LABEL_W, y: 0, width: plotW, height: H }, clip);

    this.renderAxis(s, W, H);
    var self = this;
    this.lanes.forEach(function (lane, i) { self.renderLane(s, lane, i, W); });
    this.renderAttempts(s, H);
    this.selection = svg('rect', { 'class': 'pm-sel', x: 0, y: this.lanesTop(), width: 0, height: H - this.lanesTop(), visibility: 'hidden' }, s);
    var a = isoUs(this.view[0]).replace('T', ' '), b = isoUs(this.view[1]).replace('T', ' ');
    this.rangeNode.textContent = a.slice(0, 19) + ' – ' + (a.slice(0, 10) === b.slice(0, 10) ? b.slice(11, 19) : b.slice(0, 19)) +
      ' UTC (' + spanText(this.view[1] - this.view[0]) + ')';
  };

  Timeline.prototype.renderAxis = function (s, W, H) {
    var span = this.view[1] - this.view[0], plotW = this.plotWidth();
    var want = span / Math.max(2, plotW / 120), step = STEPS[STEPS.length - 1];
    for (var i = 0; i < STEPS.length; ++i) if (STEPS[i] >= want) { step = STEPS[i]; break; }
    var g = svg('g', { 'class': 'pm-axis' }, s);
    var viewDay = dateLabel(this.view[0]), lastDay = viewDay;
    var head = svg('text', { 'class': 'pm-axis-label pm-axis-date', x: 12, y: FLAG_H + 14 }, g);
    head.textContent = viewDay + ' (UTC)';
    for (var t = Math.ceil(this.view[0] / step) * step; t <= this.view[1]; t += step) {
      var x = this.xOf(t);
      svg('line', { 'class': 'pm-grid', x1: x, x2: x, y1: FLAG_H, y2: H }, g);
      var label = svg('text', { 'class': 'pm-axis-label', x: x + 3, y: FLAG_H + 14 }, g);
      var day = dateLabel(t);
      if (day !== lastDay) {  // a new day: its date before the time
        svg('tspan', { 'class': 'pm-axis-date' }, label).textContent = day.slice(5) + ' ';
        lastDay = day;
      }
      label.appendChild(document.createTextNode(tickLabel(t, step)));
    }
    svg('line', { 'class': 'pm-lane-sep', x1: 0, x2: W, y1: this.lanesTop() - 0.5, y2: this.lanesTop() - 0.5 }, g);
  };

  // Lane label, background, firewall density, event marks and evidence.
  Timeline.prototype.renderLane = function (s, lane, i, W) {
    var y = this.lanesTop() + i * LANE_H;
    var g = svg('g', { 'class': 'pm-lane' + (i % 2 ? ' pm-lane-odd' : ''), 'data-host': lane.host, 'data-role': lane.role }, s);
    svg('rect', { 'class': 'pm-lane-bg', x: 0, y: y, width: W, height: LANE_H }, g);
    svg('line', { 'class': 'pm-lane-sep', x1: 0, x2: W, y1: y + LANE_H - 0.5, y2: y + LANE_H - 0.5 }, g);
    var name = lane.host || '(host unknown)';
    var host = svg('text', { 'class': 'pm-lane-host', x: 12, y: y + 24 }, g);
    host.textContent = name.length > 24 ? name.slice(0, 23) + '…' : name;
    svg('title', {}, host).textContent = name;
    var sub = svg('text', { 'class': 'pm-lane-sub', x: 12, y: y + 42 }, g);
    sub.textContent = lane.role + ' · ' + (lane.total ? plural(lane.total, 'event') : 'nothing timed here') +
      (lane.aggregated ? ' (grouped)' : '');

    var plot = svg('g', { 'clip-path': 'url(#' + this.clipId + ')' }, g);
    var drawn = 0;
    if (lane.aggregated) drawn += this.renderBuckets(plot, lane, y);
    else drawn += this.renderDensity(plot, lane.fw, y) + this.renderMarks(plot, lane.other, y);
    if (lane.aggregated) drawn += this.renderMarks(plot, lane.other, y);
    drawn += this.renderEvidence(plot, lane.evidence, y);
    g.setAttribute('data-drawn', drawn);
  };

  // Bins of BIN_PX pixels over the visible window: counts by kind index.
  Timeline.prototype.newBins = function () {
    var n = Math.ceil(this.plotWidth() / BIN_PX) + 1, bins = new Array(n);
    for (var i = 0; i < n; ++i) bins[i] = [0, 0, 0, 0, 0, 0];
    return bins;
  };
  Timeline.prototype.binOf = function (us) { return Math.floor((this.xOf(us) - LABEL_W) / BIN_PX); };

  Timeline.prototype.drawDensity = function (plot, bins, y) {
    var max = 0, count = 0;
    bins.forEach(function (b) { max = Math.max(max, b[0] + b[1] + b[2]); });
    if (max === 0) return 0;
    var base = y + DENS_TOP + DENS_H;
    for (var i = 0; i < bins.length; ++i) {
      var b = bins[i], x = LABEL_W + i * BIN_PX;
      var all = b[0] + b[2];
      if (all > 0) {
        var h = Math.max(2, DENS_H * Math.sqrt(all / max));
        svg('rect', { 'class': 'pm-density ' + (b[0] >= b[2] ? 'pm-k-allow' : 'pm-k-fw'), x: x, y: base - h, width: BIN_PX - 0.5, height: h, opacity: 0.55 }, plot);
        ++count;
      }
      if (b[1] > 0) {
        var hd = Math.max(5, DENS_H * Math.sqrt(b[1] / max));
        svg('rect', { 'class': 'pm-density pm-k-drop', x: x, y: base - hd, width: BIN_PX - 0.5, height: hd }, plot);
        ++count;
      }
    }
    return count;
  };

  Timeline.prototype.renderDensity = function (plot, fw, y) {
    var bins = this.newBins(), from = lowerBound(fw, this.view[0]), to = lowerBound(fw, this.view[1] + 1);
    for (var i = from; i < to; ++i) {
      var b = this.binOf(fw[i][0]);
      if (b >= 0 && b < bins.length) bins[b][KIND_INDEX[fw[i][1]]]++;
    }
    return this.drawDensity(plot, bins, y);
  };

  // Server-side buckets: firewall counts as density, other counts as a histogram.
  Timeline.prototype.renderBuckets = function (plot, lane, y) {
    var bins = this.newBins(), from = this.full[0], self = this;
    lane.buckets.forEach(function (bk) {
      var t0 = from + bk[0] * lane.bucketUs, t1 = t0 + lane.bucketUs;
      if (t1 < self.view[0] || t0 > self.view[1]) return;
      var b0 = Math.max(0, self.binOf(Math.max(t0, self.view[0]))), b1 = Math.min(bins.length - 1, self.binOf(Math.min(t1, self.view[1])));
      var n = b1 - b0 + 1;
      for (var b = b0; b <= b1; ++b) for (var k = 0; k < 6; ++k) bins[b][k] += bk[k + 1] / n;
    });
    var count = this.drawDensity(plot, bins, y), max = 0;
    bins.forEach(function (b) { max = Math.max(max, b[3] + b[4] + b[5]); });
    if (max === 0) return count;
    var base = y + MARK_TOP + MARK_H;
    for (var i = 0; i < bins.length; ++i) {
      var b = bins[i], total = b[3] + b[4] + b[5];
      if (total <= 0) continue;
      var h = Math.max(2, MARK_H * Math.sqrt(total / max)), x = LABEL_W + i * BIN_PX, top = base - h;
      [[5, 'pm-k-info'], [4, 'pm-k-warning'], [3, 'pm-k-error']].forEach(function (part) {
        if (b[part[0]] <= 0) return;
        var ph = Math.max(1, h * b[part[0]] / total);
        svg('rect', { 'class': 'pm-hist ' + part[1], x: x, y: top, width: BIN_PX - 0.5, height: ph, opacity: 0.6 }, plot);
        top += ph;
        ++count;
      });
    }
    return count;
  };

  // One tick per pixel column, coloured by the most severe event in it.
  Timeline.prototype.renderMarks = function (plot, marks, y) {
    var from = lowerBound(marks, this.view[0]), to = lowerBound(marks, this.view[1] + 1), cols = {}, count = 0;
    for (var i = from; i < to; ++i) {
      var x = Math.round(this.xOf(marks[i][0])), k = marks[i][1];
      if (!cols[x] || SEVERITY[k] > SEVERITY[cols[x]]) cols[x] = k;
    }
    for (var key in cols) {
      if (!Object.prototype.hasOwnProperty.call(cols, key)) continue;
      var kind = cols[key], tall = kind === 'info' ? 0.6 : 1;
      svg('rect', { 'class': 'pm-mark pm-k-' + kind, x: Number(key) - 1, y: y + MARK_TOP + MARK_H * (1 - tall), width: 2, height: MARK_H * tall }, plot);
      ++count;
    }
    return count;
  };

  Timeline.prototype.renderEvidence = function (plot, evidence, y) {
    var count = 0, cy = y + MARK_TOP + MARK_H / 2;
    for (var i = 0; i < evidence.length; ++i) {
      var e = evidence[i];
      if (e[0] < this.view[0] || e[0] > this.view[1]) continue;
      var x = this.xOf(e[0]);
      if (e[1] === 'trigger') svg('rect', { 'class': 'pm-ev pm-ev-trigger', x: x - 5, y: cy - 5, width: 10, height: 10, transform: 'rotate(45 ' + x + ' ' + cy + ')' }, plot);
      else svg('circle', { 'class': 'pm-ev pm-ev-' + e[1], cx: x, cy: cy, r: 5.5 }, plot);
      ++count;
    }
    return count;
  };

  Timeline.prototype.renderAttempts = function (s, H) {
    var g = svg('g', { 'class': 'pm-attempts', 'clip-path': 'url(#' + this.clipId + ')' }, s), lastLabel = -1e9;
    for (var i = 0; i < this.attempts.length; ++i) {
      var a = this.attempts[i];
      if (a[0] < this.view[0] || a[0] > this.view[1]) continue;
      var x = this.xOf(a[0]);
      var ag = svg('g', { 'class': 'pm-attempt pm-attempt-' + (a[2] === 'succeeded' ? 'succeeded' : 'failed') }, g);
      svg('line', { 'class': 'pm-attempt-line', x1: x, x2: x, y1: FLAG_H - 4, y2: H - 4 }, ag);
      var w = Math.max(26, a[3].length * 6.4 + 10);
      if (x - lastLabel < w + 2) {
        svg('circle', { 'class': 'pm-attempt-flag', cx: x, cy: FLAG_H - 8, r: 3 }, ag);
        continue;
      }
      svg('rect', { 'class': 'pm-attempt-flag', x: x - w / 2, y: 3, width: w, height: FLAG_H - 8, rx: 3 }, ag);
      var t = svg('text', { 'class': 'pm-attempt-text', x: x, y: FLAG_H - 9, 'text-anchor': 'middle' }, ag);
      t.textContent = a[3];
      lastLabel = x;
    }
  };

  // ---------------------------------------------------------- interaction

  Timeline.prototype.local = function (ev) {
    var r = this.svg.getBoundingClientRect();
    return { x: ev.clientX - r.left, y: ev.clientY - r.top };
  };

  Timeline.prototype.inPlot = function (p) { return p.x >= LABEL_W && p.x <= LABEL_W + this.plotWidth(); };

  function eventItem(title, m, host) {
    return { title: title + (m[2] ? ' ' + m[2] : '') + (host ? ' · ' + host : ''), time: isoUs(m[0]), message: m[3], where: m[4] };
  }

  // Marks of `list` within `px` pixels of x, nearest first.
  Timeline.prototype.near = function (list, x, px) {
    var usPerPx = (this.view[1] - this.view[0]) / this.plotWidth(), t = this.timeAt(x);
    var from = lowerBound(list, t - px * usPerPx), to = lowerBound(list, t + px * usPerPx + 1);
    var out = list.slice(from, to);
    out.sort(function (a, b) { return Math.abs(a[0] - t) - Math.abs(b[0] - t); });
    return out;
  };

  Timeline.prototype.hover = function (ev) {
    var p = this.local(ev), items = [], more = '';
    if (!this.inPlot(p)) { this.tip.hide(); return; }
    if (p.y < this.lanesTop()) {
      var self = this;
      var near = this.attempts.filter(function (a) { return Math.abs(self.xOf(a[0]) - p.x) <= 8; });
      near.slice(0, 4).forEach(function (a) {
        items.push({ title: 'Push attempt ' + a[2] + ' (' + a[3] + ') · ' + a[1], time: isoUs(a[0]), message: a[4], where: a[5] });
      });
      if (near.length > 4) more = '+' + (near.length - 4) + ' more attempts here';
    } else {
      var lane = this.lanes[Math.floor((p.y - this.lanesTop()) / LANE_H)];
      if (!lane) { this.tip.hide(); return; }
      var ly = (p.y - this.lanesTop()) % LANE_H;
      if (ly >= DENS_TOP - 3) this.hoverFirewall(lane, p, items);
      else this.hoverMarks(lane, p, items);
      if (items.length > 5) { more = '+' + (items.length - 5) + ' more here: zoom in to tell them apart'; items = items.slice(0, 5); }
    }
    if (items.length) this.tip.show(items, more, ev.clientX, ev.clientY); else this.tip.hide();
  };

  Timeline.prototype.hoverMarks = function (lane, p, items) {
    this.near(lane.evidence, p.x, 7).forEach(function (e) {
      items.push({ title: 'Evidence (' + e[1] + '): ' + e[2] + (lane.host ? ' · ' + lane.host : ''), time: isoUs(e[0]), message: e[3], where: e[4] });
    });
    var shown = {};
    items.forEach(function (it) { shown[it.where] = true; });
    this.near(lane.other, p.x, 4).forEach(function (m) {
      if (!shown[m[4]]) items.push(eventItem(KIND_TEXT[m[1]] || 'Event', m, lane.host));
    });
    if (lane.aggregated && !items.length) this.bucketSummary(lane, p, items, [3, 4, 5], 'Events');
  };

  Timeline.prototype.hoverFirewall = function (lane, p, items) {
    if (lane.aggregated) { this.bucketSummary(lane, p, items, [0, 1, 2], 'Firewall'); return; }
    var near = this.near(lane.fw, p.x, 3);
    if (near.length <= 5) {
      near.forEach(function (m) { items.push(eventItem(KIND_TEXT[m[1]], m, lane.host)); });
      return;
    }
    var counts = [0, 0, 0];
    near.forEach(function (m) { counts[KIND_INDEX[m[1]]]++; });
    items.push({ title: 'Firewall · ' + lane.host, time: isoUs(near[near.length - 1][0]).slice(0, 19) + ' …',
      message: counts[0] + ' allowed, ' + counts[1] + ' dropped, ' + counts[2] + ' other rows near here' });
    near.slice(0, 3).forEach(function (m) { items.push(eventItem(KIND_TEXT[m[1]], m, lane.host)); });
  };

  // The counts of the buckets under the pointer (± one bin).
  Timeline.prototype.bucketSummary = function (lane, p, items, kinds, title) {
    var usPerPx = (this.view[1] - this.view[0]) / this.plotWidth(), t = this.timeAt(p.x);
    var lo = t - BIN_PX * usPerPx, hi = t + BIN_PX * usPerPx, counts = [0, 0, 0, 0, 0, 0], first = null, last = null;
    var base = this.full[0];
    lane.buckets.forEach(function (bk) {
      var t0 = base + bk[0] * lane.bucketUs, t1 = t0 + lane.bucketUs;
      if (t1 < lo || t0 > hi) return;
      for (var k = 0; k < 6; ++k) counts[k] += bk[k + 1];
      first = first === null ? t0 : Math.min(first, t0);
      last = last === null ? t1 : Math.max(last, t1);
    });
    var total = kinds.reduce(function (sum, k) { return sum + counts[k]; }, 0);
    if (!total) return;
    var names = ['allowed', 'dropped', 'other firewall', 'errors', 'warnings', 'other events'];
    items.push({
      title: title + ' · ' + lane.host,
      time: isoUs(first).slice(0, 19) + ' – ' + isoUs(last).slice(11, 19) + ' UTC',
      message: kinds.filter(function (k) { return counts[k] > 0; }).map(function (k) {
        return counts[k].toLocaleString('en-US') + ' ' + names[k];
      }).join(', ')
    });
  };

  Timeline.prototype.listen = function () {
    var self = this, s = this.svg;
    s.addEventListener('mousemove', function (ev) {
      if (self.drag) return;
      self.hover(ev);
    });
    s.addEventListener('mouseleave', function () { self.tip.hide(); });
    s.addEventListener('wheel', function (ev) {
      var p = self.local(ev);
      if (!self.inPlot(p)) return;
      ev.preventDefault();
      var span = self.view[1] - self.view[0];
      if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
        var d = (ev.shiftKey ? ev.deltaY || ev.deltaX : ev.deltaX) / self.plotWidth() * span;
        self.setView(self.view[0] + d, self.view[1] + d);
      } else {
        self.zoom(Math.exp(Math.max(-3, Math.min(3, ev.deltaY * 0.0025))), (p.x - LABEL_W) / self.plotWidth());
      }
    }, { passive: false });
    s.addEventListener('mousedown', function (ev) {
      var p = self.local(ev);
      if (ev.button !== 0 || !self.inPlot(p)) return;
      ev.preventDefault();
      self.drag = { x0: p.x, x1: p.x };
      self.tip.hide();
    });
    window.addEventListener('mousemove', function (ev) {
      if (!self.drag) return;
      var p = self.local(ev), x = Math.max(LABEL_W, Math.min(LABEL_W + self.plotWidth(), p.x));
      self.drag.x1 = x;
      var a = Math.min(self.drag.x0, x), w = Math.abs(x - self.drag.x0);
      self.selection.setAttribute('x', a);
      self.selection.setAttribute('width', w);
      self.selection.setAttribute('visibility', w > 1 ? 'visible' : 'hidden');
    });
    window.addEventListener('mouseup', function () {
      if (!self.drag) return;
      var d = self.drag;
      self.drag = null;
      self.selection.setAttribute('visibility', 'hidden');
      if (Math.abs(d.x1 - d.x0) > 4) self.setView(self.timeAt(d.x0), self.timeAt(d.x1));
    });
    s.addEventListener('dblclick', function () { self.setView(self.full[0], self.full[1]); });
  };

  // ------------------------------------------------------------- copying

  function copyFallback(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.top = '-1000px';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function wireCopy(button) {
    button.addEventListener('click', function () {
      var target = document.getElementById(button.getAttribute('data-copy'));
      if (!target) return;
      var text = target.textContent;
      function done(ok) {
        if (!ok) {
          var range = document.createRange();
          range.selectNodeContents(target);
          var sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
        }
        button.textContent = ok ? 'Copied' : 'Press Ctrl+C';
        button.classList.toggle('pm-copied', ok);
        window.setTimeout(function () { button.textContent = 'Copy'; button.classList.remove('pm-copied'); }, 1800);
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(copyFallback(text)); });
      } else {
        done(copyFallback(text));
      }
    });
  }

  // ---------------------------------------------------------------- start

  function start() {
    var blob = document.getElementById('pm-data'), data = { findings: [] };
    if (blob) data = JSON.parse(blob.textContent);
    var tip = new Tip(), timelines = [], drawn = 0;
    Array.prototype.forEach.call(document.querySelectorAll('.pm-timeline'), function (node) {
      var finding = data.findings[Number(node.getAttribute('data-finding'))];
      try {
        if (!finding || !finding.timeline || finding.timeline.from_us === null || !finding.timeline.lanes.length) {
          html('div', 'pm-tl-empty', 'Nothing about this finding is timed: the evidence table below lists what the case holds.', node);
          return;
        }
        timelines.push(new Timeline(node, finding, tip));
        ++drawn;
      } catch (err) {
        html('div', 'pm-tl-error', 'The timeline could not be drawn: ' + err.message, node);
        if (window.console) console.error('pushmortem report: timeline ' + node.getAttribute('data-finding') + ': ' + err.message);
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll('.pm-copy'), wireCopy);
    var pending = false;
    window.addEventListener('resize', function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        timelines.forEach(function (t) { t.render(); });
      });
    });
    document.documentElement.setAttribute('data-pm-ready', String(drawn));
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
