"""The editor's report page's stylesheet and script, inlined into every page
(the page must work opened from an e-mail or a shared folder, with no network)."""

CSS = """
:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #c9c9c9; --focus: #0b57d0;
  --err-bg: #fde2e1; --err: #b3261e; --warn-bg: #fff1c2; --warn: #7a5600; --info-bg: #e1edff; --info: #1d4ed8; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem; color: var(--ink); background: #fff;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: #0b57d0; }
a:focus-visible, mark:focus-visible, summary:focus-visible, pre:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999rem; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 20; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  clip-path: inset(50%); white-space: nowrap; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; overflow-wrap: anywhere; }
.lede { font-size: 1.05rem; margin: .25rem 0 1rem; }
.keys { color: var(--muted); font-size: .9rem; }
kbd { border: 1px solid var(--line); border-radius: 3px; padding: 0 .3em; font-size: .85em; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f3f3f3; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.sev { display: inline-block; padding: 0 .4em; border-radius: 3px; font-size: .85em; font-weight: 600;
  border: 1px solid currentColor; }
.sev-error .sev, .sev.sev-error { color: var(--err); }
.sev-warning .sev, .sev.sev-warning { color: var(--warn); }
.sev-info .sev, .sev.sev-info { color: var(--info); }
.files { padding-left: 1.2rem; }
.draft { border-top: 2px solid var(--ink); margin-top: 2rem; }
.count { font-weight: normal; color: var(--muted); font-size: .95rem; }
pre.text { white-space: pre-wrap; overflow-wrap: anywhere; font: .95rem/1.7 ui-monospace, "SFMono-Regular", Menlo,
  Consolas, monospace; background: #fafafa; border: 1px solid var(--line); border-radius: 4px;
  padding: .75rem; margin: 0; }
.finding { position: relative; }
mark.hl { color: var(--ink); border-radius: 2px; cursor: help; padding: 0 1px 2px; }
.sev-error > mark.hl { background: var(--err-bg); border-bottom: 3px solid var(--err); }
.sev-warning > mark.hl { background: var(--warn-bg); border-bottom: 3px dashed var(--warn); }
.sev-info > mark.hl { background: var(--info-bg); border-bottom: 3px dotted var(--info); }
mark.point { padding: 0 2px; font-weight: bold; }
.tip { display: none; position: absolute; left: 0; top: 100%; z-index: 10; width: max-content;
  max-width: min(30rem, 86vw); padding: .6rem .75rem; margin-top: 2px; border-radius: 6px;
  background: #1f2328; color: #fff; font: .9rem/1.45 system-ui, sans-serif; white-space: normal;
  box-shadow: 0 4px 14px rgba(0, 0, 0, .3); text-align: left; }
.finding:hover > .tip, .finding:focus-within > .tip { display: block; }
.finding.closed > .tip { display: none; }
.tip a { color: #a8d1ff; }
.tip .sev-error .sev { color: #ffb4ab; }
.tip .sev-warning .sev { color: #ffd97a; }
.tip .sev-info .sev { color: #a8d1ff; }
.note + .note { border-top: 1px solid #5a5f66; margin-top: .5rem; padding-top: .5rem; }
.note b { font-family: ui-monospace, monospace; }
.note .where { color: #d0d4d9; }
.note .msg { display: block; margin: .2rem 0; }
.note .fix { display: block; margin: .3rem 0; }
.ba { display: block; font-family: ui-monospace, monospace; font-size: .85rem; margin: .2rem 0; }
.ba > span { display: block; overflow-wrap: anywhere; }
.ba .lab { font-family: system-ui, sans-serif; color: #d0d4d9; }
.tip del { background: #6e1c1c; color: #ffe1e1; }
.tip ins { background: #17532a; color: #dcffe4; text-decoration: none; }
.list del { background: var(--err-bg); color: #5c0000; }
.list ins { background: #d1f7d6; color: #033a16; text-decoration: none; }
details { margin: .75rem 0; }
summary { cursor: pointer; font-weight: 600; }
.list li { margin: .4rem 0; }
.list .ba .lab { color: var(--muted); }
footer { margin: 2rem 0 1rem; color: var(--muted); font-size: .9rem; }
@media (max-width: 40rem) {
  body { padding: .6rem; }
  h1 { font-size: 1.35rem; }
  pre.text { font-size: .9rem; padding: .5rem; }
  .tip { position: fixed; left: .5rem; right: .5rem; top: auto; bottom: .5rem; width: auto; max-width: none;
    max-height: 45vh; overflow: auto; }
  th, td { padding: .3rem .4rem; }
  .hide-narrow { display: none; }
}
@media print { .tip { display: none !important; } }
.rule { border-top: 1px solid var(--line); padding-top: .5rem; }
.rule h3 { margin: .5rem 0; } .rule dt { font-weight: 600; } .rule dd { margin: 0 0 .5rem 0; }
.rule pre.ex { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f6; padding: .4rem; margin: .2rem 0; }
"""

JS = """
(function () {
  "use strict";
  var marks = Array.prototype.slice.call(document.querySelectorAll("mark.hl"));
  function finding(el) { return el && el.closest ? el.closest(".finding") : null; }
  function place(f) {
    var tip = f.querySelector(".tip");
    if (!tip || window.matchMedia("(max-width: 40rem)").matches) return;
    tip.style.left = "";
    var over = tip.getBoundingClientRect().right - (document.documentElement.clientWidth - 8);
    if (over > 0) tip.style.left = -Math.min(over, f.getBoundingClientRect().left - 8) + "px";
  }
  marks.forEach(function (m) {
    var f = finding(m);
    f.addEventListener("mouseenter", function () { f.classList.remove("closed"); place(f); });
    f.addEventListener("mouseleave", function () { f.classList.remove("closed"); });
    m.addEventListener("focus", function () { f.classList.remove("closed"); place(f); });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {  // notes shown on hover or focus can be dismissed (WCAG 1.4.13)
      document.querySelectorAll(".finding").forEach(function (f) {
        if (f.matches(":hover") || f.contains(document.activeElement)) f.classList.add("closed");
      });
      var f = finding(document.activeElement);
      if (f && document.activeElement !== f.querySelector("mark")) f.querySelector("mark").focus();
      if (f) f.classList.add("closed");
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || (e.key !== "j" && e.key !== "k")) return;
    if (!marks.length) return;
    var cur = marks.indexOf(document.activeElement);
    var next = e.key === "j" ? (cur + 1) % marks.length : (cur <= 0 ? marks.length - 1 : cur - 1);
    marks[next].focus();
    e.preventDefault();
  });
})();
"""
