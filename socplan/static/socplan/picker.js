/* Searchable pickers: a search box above every <select data-picker>. Without this script the select works as
   it is. Typing keeps the options that contain every typed word (case and accents ignored); selected options
   always stay. Enter or ArrowDown in the box moves to the list; a polite live region reports the count. */
(function () {
  "use strict";
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function enhance(select) {
    if (select.dataset.pickerReady) return;
    select.dataset.pickerReady = "1";
    var all = Array.prototype.slice.call(select.querySelectorAll("option"));
    var groups = {};
    all.forEach(function (o) {
      o._fold = fold(o.textContent + " " + o.value);
      o._group = o.parentNode.tagName === "OPTGROUP" ? o.parentNode : null;
    });
    var wrap = document.createElement("div");
    wrap.className = "picker";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-search";
    box.autocomplete = "off";
    var label = (select.labels && select.labels[0]) ? select.labels[0].textContent.trim() : "";
    box.setAttribute("aria-label", select.dataset.pickerLabel + (label ? ": " + label : ""));
    box.setAttribute("aria-controls", select.id);
    if (select.id) box.id = select.id + "-search";
    var status = document.createElement("span");
    status.className = "picker-count muted";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(box);
    wrap.appendChild(status);
    select.parentNode.insertBefore(wrap, select);
    function apply() {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      var n = 0;
      while (select.firstChild) select.removeChild(select.firstChild);
      Object.keys(groups).forEach(function (k) { delete groups[k]; });
      all.forEach(function (o) {
        var keep = o.selected || o.value === "" || words.every(function (w) { return o._fold.indexOf(w) >= 0; });
        if (!keep) return;
        if (o.value !== "") n += 1;
        if (o._group) {
          var key = o._group.label;
          if (!groups[key]) {
            groups[key] = o._group.cloneNode(false);
            select.appendChild(groups[key]);
          }
          groups[key].appendChild(o);
        } else {
          select.appendChild(o);
        }
      });
      status.textContent = words.length ? select.dataset.pickerCount + " " + n : "";
    }
    box.addEventListener("input", apply);
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === "ArrowDown") {
        e.preventDefault();
        var first = Array.prototype.find.call(select.options, function (o) { return o.value !== ""; });
        if (first && !select.multiple && (!select.value || e.key === "Enter")) {
          select.value = first.value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
        select.focus();
      }
    });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-picker]"), enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
