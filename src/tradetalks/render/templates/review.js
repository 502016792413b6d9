(function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  // Arc geometry, in pixels: the first level rises BASE above a mark's top, each further level STEP more;
  // relations between lines run through a gutter at the left, one lane LANE apart for each.
  var BASE = 7, STEP = 9, LANE = 5, PAD = 3;
  var arcs = JSON.parse(document.getElementById("arc-data").textContent);
  var tasks = Array.prototype.slice.call(document.querySelectorAll("article.task"));

  function svg(name, attributes) {
    var node = document.createElementNS(SVG_NS, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, String(attributes[key])); });
    return node;
  }

  function box(mark, origin) {
    var r = mark.getBoundingClientRect();
    return { x: r.left - origin.left + r.width / 2, top: r.top - origin.top, line: Math.round(r.top - origin.top) };
  }

  // Levels already taken on each text line, as [from x, to x, level]; a new run takes the lowest free level.
  function Levels() { this.lines = {}; }
  Levels.prototype.free = function (line, x1, x2, level) {
    return (this.lines[line] || []).every(function (run) {
      return run[2] !== level || run[1] + PAD < Math.min(x1, x2) || Math.max(x1, x2) + PAD < run[0];
    });
  };
  Levels.prototype.take = function (runs) {
    var level = 0, self = this;
    while (!runs.every(function (run) { return self.free(run[0], run[1], run[2], level); })) { level += 1; }
    runs.forEach(function (run) {
      (self.lines[run[0]] = self.lines[run[0]] || []).push([Math.min(run[1], run[2]), Math.max(run[1], run[2]), level]);
    });
    return BASE + level * STEP;
  };

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

  function draw(section) {
    var holder = section.querySelector(".text");
    var canvas = holder.querySelector("svg.arcs");
    while (canvas.firstChild) { canvas.removeChild(canvas.firstChild); }
    var origin = holder.getBoundingClientRect();
    canvas.setAttribute("width", origin.width);
    canvas.setAttribute("height", origin.height);
    markers(canvas, section.id);
    var gutter = parseFloat(getComputedStyle(holder).paddingLeft) - 4;
    var items = (arcs[section.id] || []).map(function (rel, index) {
      var head = document.getElementById(rel[0]), tail = document.getElementById(rel[1]);
      if (!head || !tail) { return null; }
      var h = box(head, origin), t = box(tail, origin);
      return { index: index, rel: rel, h: h, t: t, same: h.line === t.line, width: Math.abs(h.x - t.x) };
    }).filter(Boolean);
    items.sort(function (a, b) { return (a.same === b.same) ? a.width - b.width : (a.same ? -1 : 1); });
    var levels = new Levels(), lanes = 0;
    items.forEach(function (item) {
      var h = item.h, t = item.t, d, labelX, labelY;
      if (item.same) {
        var rise = levels.take([[h.line, h.x, t.x]]);
        d = ["M", h.x, h.top, "V", h.top - rise, "H", t.x, "V", t.top].join(" ");
        labelX = (h.x + t.x) / 2; labelY = h.top - rise;
      } else {
        var lane = Math.max(2, gutter - lanes * LANE);
        lanes += 1;
        var up = levels.take([[h.line, lane, h.x], [t.line, lane, t.x]]);
        d = ["M", h.x, h.top, "V", h.top - up, "H", lane, "V", t.top - up, "H", t.x, "V", t.top].join(" ");
        labelX = (lane + t.x) / 2; labelY = t.top - up;
      }
      var agreed = item.rel[4], kind = agreed ? "" : "-disagree";
      var path = svg("path", { d: d, "class": agreed ? "arc" : "arc disagree", "data-index": item.index,
                               "data-head": item.rel[0], "data-tail": item.rel[1], "data-label": item.rel[2],
                               "marker-end": "url(#" + section.id + "-arrow" + kind + ")" });
      if (item.rel[3]) { path.setAttribute("marker-start", "url(#" + section.id + "-arrow" + kind + ")"); }
      var label = svg("text", { x: labelX, y: labelY, "class": agreed ? "arc-label" : "arc-label disagree",
                                "data-index": item.index });
      label.textContent = item.rel[2];
      canvas.appendChild(path);
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
