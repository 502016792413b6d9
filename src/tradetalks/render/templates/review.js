(function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  // Arc geometry, in pixels. A relation runs through the gap above a text line: level 0 rises BASE above
  // the marks' tops, each further level STEP more. Relations between lines that are not neighbours go
  // down a gutter at the left, one LANE apart. CHAR is about the width of one label character, CLEAR the
  // room kept between the highest arc and the text above it.
  var BASE = 8, STEP = 12, LANE = 5, PAD = 4, CHAR = 6, CLEAR = 9;
  var arcs = JSON.parse(document.getElementById("arc-data").textContent);
  var tasks = Array.prototype.slice.call(document.querySelectorAll("article.task"));

  function svg(name, attributes) {
    var node = document.createElementNS(SVG_NS, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, String(attributes[key])); });
    return node;
  }

  function rect(mark, origin) {
    var r = mark.getBoundingClientRect();
    return { id: mark.id, left: r.left - origin.left, width: r.width, top: r.top - origin.top,
             bottom: r.bottom - origin.top, x: r.left - origin.left + r.width / 2 };
  }

  // Runs already drawn in each gap, as [from x, to x, level]; a new run takes the lowest free level there.
  function Gaps() { this.runs = {}; }
  Gaps.prototype.take = function (gap, x1, x2) {
    var runs = this.runs[gap] = this.runs[gap] || [], level = 0;
    var from = Math.min(x1, x2), to = Math.max(x1, x2);
    var clash = function (run) { return run[2] === level && !(run[1] + PAD < from || to + PAD < run[0]); };
    while (runs.some(clash)) { level += 1; }
    runs.push([from, to, level]);
    return BASE + level * STEP;
  };

  function lineNumbers(items) {
    var tops = [];
    items.forEach(function (item) { tops.push(item.h.top, item.t.top); });
    tops.sort(function (a, b) { return a - b; });
    var lines = [];
    tops.forEach(function (top) { if (!lines.length || top - lines[lines.length - 1] > 6) { lines.push(top); } });
    var number = function (top) {
      var index = 0;
      while (index + 1 < lines.length && lines[index + 1] <= top + 6) { index += 1; }
      return index;
    };
    items.forEach(function (item) { item.h.line = number(item.h.top); item.t.line = number(item.t.top); });
    return lines;
  }

  // Where each relation leaves and reaches its marks: spread over the mark's width, in the order of the other ends.
  function attach(items) {
    var ends = {};
    items.forEach(function (item) {
      (ends[item.h.id] = ends[item.h.id] || []).push([item, "hx", item.t]);
      (ends[item.t.id] = ends[item.t.id] || []).push([item, "tx", item.h]);
    });
    Object.keys(ends).forEach(function (id) {
      var list = ends[id];
      list.sort(function (a, b) { return (a[2].line - b[2].line) || (a[2].x - b[2].x) || (a[0].index - b[0].index); });
      list.forEach(function (end, k) {
        var own = end[1] === "hx" ? end[0].h : end[0].t;
        end[0][end[1]] = own.left + own.width * (k + 1) / (list.length + 1);
      });
    });
  }

  // Measures the marks of one annotation and plans every relation's path; levels depend only on the
  // horizontal positions and line numbers, which do not change when the line height does.
  function plan(holder, relations) {
    var origin = holder.getBoundingClientRect();
    var items = [];
    relations.forEach(function (rel, index) {
      var head = document.getElementById(rel[0]), tail = document.getElementById(rel[1]);
      if (head && tail) { items.push({ index: index, rel: rel, h: rect(head, origin), t: rect(tail, origin) }); }
    });
    var lines = lineNumbers(items);
    attach(items);
    items.forEach(function (item) {
      var lineGap = Math.abs(item.h.line - item.t.line);
      item.kind = lineGap === 0 ? "same" : lineGap === 1 ? "next" : "far";
      item.span = Math.abs(item.hx - item.tx);
    });
    var order = { same: 0, next: 1, far: 2 };
    items.sort(function (a, b) { return (order[a.kind] - order[b.kind]) || (a.span - b.span) || (a.index - b.index); });
    var gaps = new Gaps(), lanes = 0, gutter = parseFloat(getComputedStyle(holder).paddingLeft) - 4;
    var result = { items: items, maxRise: 0, firstRise: 0, lines: lines, markHeight: 0 };
    items.forEach(function (item) {
      var half = item.rel[2].length * CHAR / 2, mid = (item.hx + item.tx) / 2;
      var from = Math.min(item.hx, item.tx, mid - half), to = Math.max(item.hx, item.tx, mid + half);
      if (item.kind === "far") {
        item.lane = Math.max(2, gutter - lanes * LANE);
        lanes += 1;
        item.gapH = item.h.line;
        item.riseH = gaps.take(item.gapH, item.lane, item.hx);
        item.gap = item.t.line;
        item.rise = gaps.take(item.gap, Math.min(item.lane, (item.lane + item.tx) / 2 - half),
                              Math.max(item.tx, (item.lane + item.tx) / 2 + half));
        result.maxRise = Math.max(result.maxRise, item.riseH);
        if (item.gapH === 0) { result.firstRise = Math.max(result.firstRise, item.riseH); }
      } else {
        item.gap = Math.max(item.h.line, item.t.line);
        item.rise = gaps.take(item.gap, from, to);
      }
      result.maxRise = Math.max(result.maxRise, item.rise);
      if (item.gap === 0) { result.firstRise = Math.max(result.firstRise, item.rise); }
      result.markHeight = Math.max(result.markHeight, item.h.bottom - item.h.top, item.t.bottom - item.t.top);
    });
    return result;
  }

  function path(item, lines) {
    var h = item.h, t = item.t, y = lines[item.gap] - item.rise;
    if (item.kind === "same") {
      return { d: ["M", item.hx, h.top, "V", y, "H", item.tx, "V", t.top], x: (item.hx + item.tx) / 2, y: y };
    }
    if (item.kind === "next") {
      var headAbove = h.line < t.line;
      return { d: ["M", item.hx, headAbove ? h.bottom : h.top, "V", y, "H", item.tx, "V", headAbove ? t.top : t.bottom],
               x: (item.hx + item.tx) / 2, y: y };
    }
    var yH = lines[item.gapH] - item.riseH;
    return { d: ["M", item.hx, h.top, "V", yH, "H", item.lane, "V", y, "H", item.tx, "V", t.top],
             x: (item.lane + item.tx) / 2, y: y };
  }

  function markers(canvas, prefix) {
    var defs = svg("defs", {});
    [["", "var(--arc)"], ["-disagree", "var(--bad)"]].forEach(function (kind) {
      var marker = svg("marker", { id: prefix + "-arrow" + kind[0], viewBox: "0 0 10 10", refX: 9, refY: 5,
                                   markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
      var head = svg("path", { d: "M0,1 L10,5 L0,9 z" });
      head.style.fill = kind[1];
      marker.appendChild(head);
      defs.appendChild(marker);
    });
    canvas.appendChild(defs);
  }

  // Makes room for the arcs (line height, and space above the first line), then draws them.
  function draw(section) {
    var holder = section.querySelector(".text"), para = holder.querySelector(".para");
    var canvas = holder.querySelector("svg.arcs");
    var relations = arcs[section.id] || [];
    while (canvas.firstChild) { canvas.removeChild(canvas.firstChild); }
    para.style.lineHeight = "";
    para.style.paddingTop = "";
    var layout = plan(holder, relations);
    if (layout.items.length) {
      var lineHeight = parseFloat(getComputedStyle(para).lineHeight);
      var needed = layout.markHeight + layout.maxRise + CLEAR;
      if (needed > lineHeight) { para.style.lineHeight = needed + "px"; }
      layout = plan(holder, relations);
      var short = layout.firstRise + CLEAR - layout.lines[0];
      if (short > 0) {
        para.style.paddingTop = (parseFloat(getComputedStyle(para).paddingTop) + short) + "px";
        layout = plan(holder, relations);
      }
    }
    var size = holder.getBoundingClientRect();
    canvas.setAttribute("width", size.width);
    canvas.setAttribute("height", size.height);
    markers(canvas, section.id);
    layout.items.sort(function (a, b) { return a.index - b.index; });
    layout.items.forEach(function (item) {
      var route = path(item, layout.lines), agreed = item.rel[4], kind = agreed ? "" : "-disagree";
      var line = svg("path", { d: route.d.join(" "), "class": agreed ? "arc" : "arc disagree", "data-index": item.index,
                               "data-head": item.rel[0], "data-tail": item.rel[1], "data-label": item.rel[2],
                               "marker-end": "url(#" + section.id + "-arrow" + kind + ")" });
      if (item.rel[3]) { line.setAttribute("marker-start", "url(#" + section.id + "-arrow" + kind + ")"); }
      var label = svg("text", { x: route.x, y: route.y, "class": agreed ? "arc-label" : "arc-label disagree",
                                "data-index": item.index });
      label.textContent = item.rel[2];
      canvas.appendChild(line);
      canvas.appendChild(label);
    });
    dim(section);
  }

  function visible(element) { return element.getClientRects().length > 0; }

  function drawAll() {
    tasks.forEach(function (task) {
      if (!visible(task)) { return; }
      Array.prototype.forEach.call(task.querySelectorAll("section.annotation"), draw);
    });
    document.body.setAttribute("data-arcs-drawn", String(Date.now()));
  }

  var controls = {
    splits: Array.prototype.slice.call(document.querySelectorAll("input[name=split]")),
    entity: document.getElementById("filter-entity"),
    relation: document.getElementById("filter-relation"),
    problems: document.getElementById("filter-problems"),
    disagreements: document.getElementById("filter-disagreements"),
    count: document.getElementById("shown-count")
  };

  function words(task, key) { return (task.getAttribute(key) || "").split(" "); }

  function dim(section) {
    var entity = controls.entity.value, relation = controls.relation.value;
    Array.prototype.forEach.call(section.querySelectorAll("mark.entity"), function (mark) {
      mark.classList.toggle("dim", entity !== "" && mark.getAttribute("data-label") !== entity);
    });
    Array.prototype.forEach.call(section.querySelectorAll(".arc, .arc-label, li.relation"), function (node) {
      var label = node.getAttribute("data-label") || (arcs[section.id][node.getAttribute("data-index")] || [])[2];
      node.classList.toggle("dim", relation !== "" && label !== relation);
    });
  }

  function applyFilters() {
    var splits = controls.splits.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    var shown = 0;
    tasks.forEach(function (task) {
      var split = task.getAttribute("data-split");
      var keep = (split === "" || splits.indexOf(split) !== -1) &&
        (controls.entity.value === "" || words(task, "data-entities").indexOf(controls.entity.value) !== -1) &&
        (controls.relation.value === "" || words(task, "data-relations").indexOf(controls.relation.value) !== -1) &&
        (!controls.problems.checked || task.getAttribute("data-problems") !== "0") &&
        (!controls.disagreements.checked || task.getAttribute("data-disagreements") !== "0");
      task.hidden = !keep;
      if (keep) { shown += 1; }
    });
    controls.count.textContent = shown + " of " + tasks.length + " tasks shown";
    drawAll();
  }

  function highlight(event, on) {
    var item = event.target.closest("li.relation");
    if (!item) { return; }
    var section = item.closest("section.annotation");
    item.classList.toggle("hot", on);
    var path = section.querySelector(".arc[data-index='" + item.getAttribute("data-index") + "']");
    if (path) { path.classList.toggle("hot", on); }
  }

  controls.splits.concat([controls.entity, controls.relation, controls.problems, controls.disagreements])
    .forEach(function (control) { control.addEventListener("change", applyFilters); });
  document.addEventListener("mouseover", function (event) { highlight(event, true); });
  document.addEventListener("mouseout", function (event) { highlight(event, false); });
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(drawAll, 100);
  });
  applyFilters();
})();
