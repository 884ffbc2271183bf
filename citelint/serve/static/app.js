// citelint serve: the editor's page. No framework, no build step, nothing from
// elsewhere. Drafts are hostile input: their text only ever reaches the page as
// text nodes (textContent, createTextNode), never as markup.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const ta = $("draft"), backdrop = $("backdrop"), statusEl = $("status");
  const CHECK_DELAY = 400; // ms of quiet typing before a check
  const MAX_PASSES = 10;   // as the CLI's fix loop
  const SEVERITY = { error: 3, warning: 2, info: 1 };

  const S = {
    text: "",            // the draft as the text box holds it (line feeds only)
    original: "",        // what was pasted or opened, for the diff
    checked: null,       // the text the findings belong to
    kind: "",            // "" = guess
    guessed: "text",
    path: "-",
    file: { name: null, encoding: "utf-8", bom: false, newline: "lf", mixed: false },
    findings: [],
    ignored: new Set(),
    rules: {},
    undo: [],
    seq: 0,
    timer: null,
    verify: null,        // {text, links, findings} of the last "Verify sources"
    credits: [],
    busy: false,
    pendingBytes: null,  // a file that could not be decoded, for "Read it again"
  };

  // ---- talking to the server ------------------------------------------------
  async function api(path, body) {
    const res = await fetch(path, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({ error: `the server answered ${res.status}` }));
    if (!res.ok) throw new Error(data.error || `the server answered ${res.status}`);
    return data;
  }

  function draftBody(extra) {
    const body = { text: S.text, path: S.path };
    if (S.kind) body.kind = S.kind;
    return Object.assign(body, extra || {});
  }

  function say(message, bad) {
    statusEl.textContent = message;
    statusEl.classList.toggle("bad", !!bad);
  }

  // ---- findings and their keys ----------------------------------------------
  // The server counts characters as Python does (code points), as --format json
  // does; a JavaScript string counts UTF-16 units, two for an emoji. `units`
  // maps the one to the other; the page draws with the units (a, b) and sends
  // the server's own offsets back.
  function units(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
    const map = [];
    let u = 0;
    for (const ch of text) { map.push(u); u += ch.length; }
    map.push(u);
    return (i) => map[Math.max(0, Math.min(i, map.length - 1))];
  }

  function place(items, text, start, end) {
    const u = units(text);
    for (const it of items) { it.a = u(it[start]); it.b = u(it[end]); }
    return items;
  }

  // A finding is ignored by its rule, the text it matched and which occurrence
  // of that pair it is, so an ignore survives edits elsewhere in the draft.
  function withKeys(findings, text) {
    const seen = new Map();
    const u = units(text);
    for (const f of findings) {
      f.a = u(f.start_offset); f.b = u(f.end_offset);
      if (f.fix) f.fix.edits.forEach((e) => { e.a = u(e.start); e.b = u(e.end); });
      const base = f.code + "\u0001" + text.slice(f.a, f.b);
      const n = seen.get(base) || 0;
      seen.set(base, n + 1);
      f.key = base + "\u0001" + n;
    }
    return findings;
  }

  function visible() {
    const all = S.findings.slice();
    if (S.verify && S.verify.text === S.text) all.push(...S.verify.findings);
    return all.filter((f) => !S.ignored.has(f.key)).sort((x, y) => x.a - y.a || x.b - y.b);
  }

  // Shift findings across a typed edit (common prefix and suffix), dropping
  // those the edit touched, so highlights stay in place until the next check.
  function shiftFindings(oldText, newText) {
    let p = 0;
    const max = Math.min(oldText.length, newText.length);
    while (p < max && oldText.charCodeAt(p) === newText.charCodeAt(p)) p++;
    let s = 0;
    while (s < max - p && oldText.charCodeAt(oldText.length - 1 - s) === newText.charCodeAt(newText.length - 1 - s)) s++;
    const oldEnd = oldText.length - s, delta = newText.length - oldText.length;
    S.findings = S.findings.filter((f) => f.b <= p || f.a >= oldEnd).map((f) => {
      if (f.a >= oldEnd) {
        f = Object.assign({}, f, { a: f.a + delta, b: f.b + delta });
      }
      return f;
    });
  }

  // ---- checking ---------------------------------------------------------------
  function scheduleCheck() {
    clearTimeout(S.timer);
    S.timer = setTimeout(runCheck, CHECK_DELAY);
  }

  async function runCheck() {
    clearTimeout(S.timer);
    const seq = ++S.seq, text = S.text;
    if (!text) {
      S.findings = []; S.checked = ""; S.credits = [];
      render(); renderCredits();
      say("Paste a draft to check it.");
      return;
    }
    say("Checking…");
    try {
      const [res, cred] = await Promise.all([api("/api/check", draftBody()), api("/api/credits", draftBody())]);
      if (seq !== S.seq || text !== S.text) return; // typed over: a newer check is coming
      S.guessed = res.kind;
      S.findings = withKeys(res.findings, text);
      S.checked = text;
      S.credits = cred.outlets;
      S.credits.forEach((o) => place(o.mentions, text, "start_offset", "end_offset"));
      render();
      renderCredits();
      say(summary());
    } catch (err) {
      if (seq === S.seq) say("Could not check the draft: " + err.message, true);
    }
  }

  async function ensureChecked() {
    if (S.checked !== S.text) await runCheck();
    return S.checked === S.text;
  }

  function summary() {
    const v = visible();
    if (!v.length) return S.ignored.size ? "No findings left (some ignored)." : "All checks passed: no findings.";
    const by = { error: 0, warning: 0, info: 0 };
    v.forEach((f) => by[f.severity]++);
    const parts = Object.entries(by).filter(([, n]) => n).map(([k, n]) => `${n} ${k}${n === 1 ? "" : "s"}`);
    const safe = v.filter((f) => f.fixable === "safe").length;
    return `${v.length} finding${v.length === 1 ? "" : "s"} (${parts.join(", ")}); ${safe} with a safe fix.`;
  }

  // ---- drawing ------------------------------------------------------------------
  function render() {
    const v = visible();
    drawHighlights(v);
    drawFindings(v);
    $("count").textContent = v.length ? `(${v.length})` : "";
    const hidden = S.findings.filter((f) => S.ignored.has(f.key)).length;
    $("ignored-note").hidden = !hidden;
    $("ignored-count").textContent = hidden ? `${hidden} ignored for this draft.` : "";
    $("fix-safe").disabled = !v.some((f) => f.fixable === "safe");
    $("fix-unsafe").disabled = !v.some((f) => f.fixable === "unsafe");
    $("undo").disabled = !S.undo.length;
    $("kind-auto").textContent = `Auto (${kindName(S.guessed)})`;
    const f = S.file;
    $("draft-meta").textContent = S.file.name
      ? `— ${f.name}, ${f.encoding}${f.bom ? " with BOM" : ""}, ${f.newline.toUpperCase()} line endings${f.mixed ? " (mixed)" : ""}`
      : "";
  }

  function kindName(k) {
    return { text: "plain text", markdown: "Markdown", html: "HTML" }[k] || k;
  }

  // The highlight layer behind the text box: the same text, with <mark>s.
  function drawHighlights(v) {
    const text = S.text, out = document.createDocumentFragment();
    const events = [];
    v.forEach((f, i) => {
      const a = Math.max(0, Math.min(f.a, text.length));
      const b = Math.max(a, Math.min(f.b === a ? a + 1 : f.b, text.length));
      if (b > a) { events.push([a, 1, f.severity, i]); events.push([b, -1, f.severity, i]); }
    });
    events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const active = { error: 0, warning: 0, info: 0 };
    let pos = 0;
    const emit = (end) => {
      if (end <= pos) return;
      const chunk = text.slice(pos, end);
      const sev = active.error ? "error" : active.warning ? "warning" : active.info ? "info" : null;
      if (sev) {
        const m = document.createElement("mark");
        m.className = sev;
        m.textContent = chunk;
        out.appendChild(m);
      } else {
        out.appendChild(document.createTextNode(chunk));
      }
      pos = end;
    };
    for (const [at, step, sev] of events) {
      emit(at);
      active[sev] += step;
    }
    emit(text.length);
    out.appendChild(document.createTextNode("\n ")); // a last empty line keeps its height, as in the text box
    backdrop.replaceChildren(out);
    backdrop.scrollTop = ta.scrollTop;
  }

  // Text with `code` spans as <code> elements, built as nodes.
  function richText(el, text) {
    String(text || "").split("`").forEach((part, i) => {
      if (!part) return;
      if (i % 2) {
        const c = document.createElement("code");
        c.textContent = part;
        el.appendChild(c);
      } else {
        el.appendChild(document.createTextNode(part));
      }
    });
    return el;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function clip(s, n) {
    s = String(s);
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }

  // Line breaks and tabs made visible, as the CLI's messages show them.
  function shown(s) {
    return clip(s, 240).replace(/\r?\n/g, "⏎").replace(/\t/g, "⇥");
  }

  // What a fix does, as the exact text it replaces and what it puts there.
  function fixPreview(f) {
    if (!f.fix || !f.fix.edits.length) return null;
    const edits = f.fix.edits.slice().sort((x, y) => x.a - y.a);
    const a = edits[0].a, b = Math.max(...edits.map((e) => e.b));
    let after = "", pos = a;
    for (const e of edits) { after += S.text.slice(pos, e.a) + e.content; pos = e.b; }
    after += S.text.slice(pos, b);
    return { removed: S.text.slice(a, b), inserted: after };
  }

  function previewNode(f) {
    const p = fixPreview(f);
    const box = el("p", "excerpt");
    if (!p) {
      box.appendChild(el("span", "", "Text: "));
      box.appendChild(el("q", "", shown(S.text.slice(f.a, f.b))));
      return box;
    }
    box.appendChild(el("span", "", "Fix: "));
    box.appendChild(el("del", "", shown(p.removed)));
    box.appendChild(document.createTextNode(" → "));
    box.appendChild(p.inserted ? el("ins", "", shown(p.inserted)) : el("em", "", "(nothing)"));
    return box;
  }

  function ruleDoc(code) {
    const r = S.rules[code];
    const d = el("details", "doc");
    const sum = el("summary", "", r ? `About ${code} (${r.name})` : `About ${code}`);
    d.appendChild(sum);
    if (!r) return d;
    const what = el("p"); what.appendChild(el("strong", "", "What it finds: ")); richText(what, r.summary);
    const why = el("p"); why.appendChild(el("strong", "", "Why it matters: ")); richText(why, r.why);
    const fx = el("p"); fx.appendChild(el("strong", "", "Fix safety: "));
    fx.appendChild(document.createTextNode(r.fix === "safe" ? "safe: pure debris, removed by “Apply safe fixes”."
      : r.fix === "unsafe" ? "unsafe: it removes or rewrites words an editor must judge, so it asks first."
        : "no fix: the finding is for an editor to decide."));
    d.append(what, why, fx);
    return d;
  }

  function drawFindings(v) {
    const list = $("findings");
    const items = v.map((f, i) => {
      const li = el("li", "finding " + f.severity);
      li.dataset.code = f.code;
      li.dataset.key = f.key;
      li.id = "finding-" + i;
      const head = el("div", "head");
      head.append(el("span", "code", f.code), el("span", "sev", f.severity), el("span", "where", `line ${f.line}, column ${f.column}`));
      if (f.fixable) head.appendChild(el("span", "badge", f.fixable === "safe" ? "safe fix" : "unsafe fix"));
      li.appendChild(head);
      li.appendChild(richText(el("p", "msg"), f.message));
      li.appendChild(previewNode(f));
      li.appendChild(ruleDoc(f.code));
      const actions = el("div", "actions");
      const where = `${f.code} at line ${f.line}`;
      actions.appendChild(button("Show in text", "show", `Show ${where} in the text`, () => select(f.a, f.b)));
      if (f.fixable && !f.code.startsWith("NET")) {
        actions.appendChild(button(f.fixable === "safe" ? "Apply fix" : "Apply fix…", "fix", `Apply the fix for ${where}`,
          () => applyOne(f)));
      }
      actions.appendChild(button("Ignore", "ignore", `Ignore ${where} in this draft`, () => {
        S.ignored.add(f.key);
        render();
        say(summary());
      }));
      li.appendChild(actions);
      return li;
    });
    list.replaceChildren(...items);
  }

  function button(label, cls, aria, onClick) {
    const b = el("button", cls, label);
    b.type = "button";
    if (aria) b.setAttribute("aria-label", aria);
    b.addEventListener("click", onClick);
    return b;
  }

  function select(a, b) {
    ta.focus();
    ta.setSelectionRange(a, b);
    // Scroll the selection into view: measure with the highlight layer's text.
    const before = S.text.slice(0, a).split("\n").length - 1;
    const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 20;
    const wanted = before * lineHeight;
    if (wanted < ta.scrollTop || wanted > ta.scrollTop + ta.clientHeight - lineHeight) {
      ta.scrollTop = Math.max(0, wanted - ta.clientHeight / 3);
    }
  }

  // ---- fixing ---------------------------------------------------------------------
  function pushUndo() {
    S.undo.push(S.text);
    if (S.undo.length > 100) S.undo.shift();
  }

  function setText(text) {
    S.text = text;
    ta.value = text;
  }

  // Apply the fixes of the findings `pick` chooses, pass after pass as the CLI
  // does (overlapping fixes wait for the next pass), at most `passes` times.
  async function applyLoop(pick, unsafe, passes) {
    if (S.busy) return;
    S.busy = true;
    ta.readOnly = true; // the server answers for this text: typing now would be lost
    const before = S.text;
    let applied = 0;
    try {
      if (!(await ensureChecked())) return;
      for (let pass = 0; pass < passes; pass++) {
        const chosen = visible().filter((f) => !f.code.startsWith("NET") && pick(f));
        if (!chosen.length) break;
        const res = await api("/api/fix", draftBody({
          unsafe, findings: chosen.map((f) => ({ code: f.code, start_offset: f.start_offset })),
        }));
        if (!res.applied.length) break;
        applied += res.applied.length;
        setText(res.text);
        S.findings = withKeys(res.remaining, res.text);
        S.checked = res.text;
      }
    } catch (err) {
      say("Could not apply the fix: " + err.message, true);
    } finally {
      S.busy = false;
      ta.readOnly = false;
    }
    if (applied) {
      S.undo.push(before);
      render();
      runCheck().then(() => say(`Applied ${applied} fix${applied === 1 ? "" : "es"}. ` + summary()));
    }
  }

  function applyOne(f) {
    if (f.fixable === "unsafe") {
      confirmUnsafe([f], () => applyLoop((g) => g.key === f.key, true, 1));
    } else {
      applyLoop((g) => g.key === f.key, false, 1);
    }
  }

  function confirmUnsafe(list, onApply) {
    const dlg = $("confirm"), ol = $("confirm-list");
    ol.replaceChildren(...list.map((f) => {
      const li = el("li");
      const head = el("div", "head");
      head.append(el("span", "code", f.code), el("span", "where", `line ${f.line}, column ${f.column}`));
      li.append(head, richText(el("p", "msg"), f.message), previewNode(f));
      return li;
    }));
    $("confirm-title").textContent = list.length === 1 ? "Apply this unsafe fix?" : `Apply these ${list.length} unsafe fixes?`;
    const apply = $("confirm-apply"), cancel = $("confirm-cancel");
    const done = (ok) => {
      apply.onclick = cancel.onclick = null;
      dlg.close();
      if (ok) onApply();
    };
    apply.onclick = () => done(true);
    cancel.onclick = () => done(false);
    dlg.showModal();
    cancel.focus();
  }

  // ---- the draft's own encoding and line endings ----------------------------------
  function withNewlines(text) {
    const nl = { lf: "\n", crlf: "\r\n", cr: "\r" }[S.file.newline] || "\n";
    return nl === "\n" ? text : text.replace(/\n/g, nl);
  }

  async function loadFile(file) {
    if (!file) return;
    say(`Opening ${file.name}…`);
    S.pendingBytes = { name: file.name, data: await file.arrayBuffer() };
    await decodePending(null);
  }

  async function decodePending(encoding) {
    const p = S.pendingBytes;
    const q = "name=" + encodeURIComponent(p.name) + (encoding ? "&encoding=" + encodeURIComponent(encoding) : "");
    const res = await fetch("/api/decode?" + q, { method: "POST", headers: { "Content-Type": "application/octet-stream" }, body: p.data });
    const data = await res.json().catch(() => ({ error: `the server answered ${res.status}` }));
    if (!res.ok) {
      $("decode-retry").hidden = res.status !== 422;
      say("Could not open the file: " + data.error, true);
      return;
    }
    $("decode-retry").hidden = true;
    S.pendingBytes = null;
    newDraft(data.text, data.path, { name: data.path, encoding: data.encoding, bom: data.bom, newline: data.newline, mixed: data.mixed_newlines });
    S.kind = "";
    $("kind").value = "";
    S.guessed = data.kind;
    runCheck();
  }

  function newDraft(text, path, file) {
    setText(text);
    S.original = text;
    S.path = path;
    S.file = file;
    S.ignored.clear();
    S.undo = [];
    S.verify = null;
    clearSources();
  }

  // ---- verify sources ---------------------------------------------------------------
  function clearSources(note) {
    $("sources").replaceChildren();
    $("verify-progress").hidden = true;
    $("verify-status").textContent = note || "Not verified: “Verify sources” visits every link in the draft.";
  }

  async function runVerify() {
    if (!S.text) return;
    const text = S.text, status = $("verify-status"), bar = $("verify-progress");
    $("verify").disabled = true;
    status.textContent = "Finding the draft's links…";
    let links = [], shown = [], lastLink = "";
    try {
      const res = await fetch("/api/verify", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(draftBody({ stream: true })) });
      if (!res.ok) {
        const data = await res.json().catch(() => ({ error: `the server answered ${res.status}` }));
        throw new Error(data.error);
      }
      const reader = res.body.getReader(), decoder = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (value) buf += decoder.decode(value, { stream: true });
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.trim()) continue;
          const ev = JSON.parse(line);
          if (ev.event === "links") {
            links = place(ev.links, text, "start_offset", "end_offset");
            bar.max = Math.max(1, ev.total); bar.value = 0; bar.hidden = !ev.total;
            status.textContent = ev.total ? `Checking ${ev.total} link${ev.total === 1 ? "" : "s"}: 0 done.` : "The draft cites no http(s) links.";
            shown = links.map((l) => Object.assign({ pending: true }, l));
            drawSources(shown, []);
          } else if (ev.event === "link") {
            // One link settled: its verdict shows at once, beside the sentence that cites it.
            shown.forEach((l) => { if (l.url === ev.url) { l.pending = false; l.verdict = ev.verdict; } });
            drawSources(shown, []);
            const [, label] = VERDICT[ev.verdict.kind] || ["", ev.verdict.kind];
            lastLink = `last: ${ev.url} (${label})`;
          } else if (ev.event === "progress") {
            bar.value = ev.done;
            status.textContent = `Checking ${ev.total} link${ev.total === 1 ? "" : "s"}: ${ev.done} done${lastLink ? "; " + lastLink : ""}.`;
          } else if (ev.event === "result") {
            bar.hidden = true;
            withKeys(ev.findings, text);
            place(ev.links, text, "start_offset", "end_offset");
            const u = units(text);
            ev.links.forEach((l) => { if (l.sentence) { l.sa = u(l.sentence[0]); l.sb = u(l.sentence[1]); } });
            S.verify = { text, links: ev.links, findings: ev.findings };
            const bad = ev.findings.length;
            status.textContent = S.text === text
              ? `Verified ${ev.links.length} link${ev.links.length === 1 ? "" : "s"}: ${bad ? bad + " finding" + (bad === 1 ? "" : "s") : "no problems"}.`
              : "The draft changed while its links were checked: verify again.";
            drawSources(ev.links, ev.findings);
            render();
          } else if (ev.event === "error") {
            throw new Error(ev.error);
          }
        }
        if (done) break;
      }
    } catch (err) {
      bar.hidden = true;
      status.textContent = "Could not verify the sources: " + err.message;
    } finally {
      $("verify").disabled = false;
    }
  }

  const VERDICT = {
    ok: ["good", "OK"], dead: ["bad", "Dead link"], "soft-404": ["bad", "Soft 404"], elsewhere: ["warn", "Goes elsewhere"],
    unverified: ["warn", "Not verified"], blocked: ["warn", "Refused"],
  };

  function drawSources(links, findings) {
    const ol = $("sources");
    ol.replaceChildren(...links.map((l) => {
      const v = l.verdict, [cls, label] = l.pending ? ["", "Checking…"] : v ? (VERDICT[v.kind] || ["warn", v.kind]) : ["warn", "Not checked"];
      const mine = findings.filter((f) => f.url === l.url || (f.start_offset < l.end_offset && f.end_offset > l.start_offset));
      const li = el("li", "source " + (mine.some((f) => f.severity === "error") ? "bad" : mine.length ? "warn" : cls));
      const head = el("div", "head");
      head.append(el("strong", "", label + (v && v.status ? ` (${v.status})` : "")), el("code", "", clip(l.url, 120)));
      li.appendChild(head);
      if (l.sa !== undefined) li.appendChild(el("p", "excerpt", "“" + clip(S.text.slice(l.sa, l.sb).trim(), 300) + "”"));
      if (v && v.reason && v.kind !== "ok") li.appendChild(el("p", "meta", v.reason));
      mine.forEach((f) => li.appendChild(richText(el("p", "msg"), `${f.code}: ${f.message}`)));
      const actions = el("div", "actions");
      actions.appendChild(button("Show in text", "show", "Show this link in the text", () => select(l.a, l.b)));
      li.appendChild(actions);
      return li;
    }));
  }

  // ---- outlets ---------------------------------------------------------------------
  function renderCredits() {
    const ul = $("outlets");
    if (!S.credits.length) {
      ul.replaceChildren(el("li", "meta", S.text ? "The draft names no known outlet." : "—"));
      return;
    }
    ul.replaceChildren(...S.credits.map((o) => {
      const li = el("li");
      li.dataset.outlet = o.id;
      li.appendChild(el("strong", "", o.name));
      li.appendChild(document.createTextNode(` (${o.kind}${o.country ? ", " + o.country : ""}) `));
      const linked = o.credited_with_link;
      li.appendChild(el("span", "badge " + (linked ? "yes" : "no"), linked ? "linked" : "no link"));
      if (o.domains.length) li.appendChild(el("div", "meta", o.domains.join(", ")));
      const named = o.mentions.length, links = o.links.length;
      const what = [named ? `named ${named}×` : "not named", links ? `linked ${links}×` : ""].filter(Boolean).join(", ");
      const line = el("div", "meta", what + " ");
      o.mentions.slice(0, 5).forEach((m) => {
        line.appendChild(button(clip(m.text, 40), "link", `Show “${m.text}” in the text`, () => select(m.a, m.b)));
        line.appendChild(document.createTextNode(" "));
      });
      li.appendChild(line);
      return li;
    }));
  }

  // ---- the rest of the toolbar ------------------------------------------------------------
  async function copyClean() {
    const text = withNewlines(S.text);
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) {
      const scratch = el("textarea");
      scratch.value = text;
      document.body.appendChild(scratch);
      scratch.select();
      document.execCommand("copy");
      scratch.remove();
    }
    say("Copied the clean text.");
  }

  async function download() {
    const body = { text: S.text, encoding: S.file.encoding, bom: S.file.bom, newline: S.file.newline };
    const res = await fetch("/api/encode", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) {
      const data = await res.json().catch(() => ({ error: `the server answered ${res.status}` }));
      say("Could not download: " + data.error, true);
      return;
    }
    const blob = await res.blob();
    const ext = { markdown: ".md", html: ".html", text: ".txt" }[S.kind || S.guessed] || ".txt";
    const a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = S.file.name || "draft" + ext;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    say(`Downloaded ${a.download} (${S.file.encoding}, ${S.file.newline.toUpperCase()} line endings).`);
  }

  async function showDiff() {
    try {
      const res = await api("/api/diff", { original: S.original, text: S.text, path: S.file.name || "draft" });
      const pre = $("diff-text");
      const lines = res.diff ? res.diff.split("\n") : ["No changes since the draft was pasted."];
      pre.replaceChildren(...lines.map((line) => {
        const cls = line.startsWith("@@") ? "hunk" : line.startsWith("+") && !line.startsWith("+++") ? "add"
          : line.startsWith("-") && !line.startsWith("---") ? "del" : "";
        return el("span", cls, line + "\n");
      }));
      $("diff").showModal();
      $("diff-close").focus();
    } catch (err) {
      say("Could not show the diff: " + err.message, true);
    }
  }

  async function loadSettings() {
    try {
      const [rules, settings] = await Promise.all([api("/api/rules"), api("/api/settings")]);
      rules.rules.forEach((r) => { S.rules[r.code] = r; });
      $("settings-source").textContent = (settings.source ? "From " + settings.source : "Defaults (no configuration file)")
        + `; ${settings.rules_in_force.length} rules in force.`;
      $("settings").textContent = settings.toml;
      render();
    } catch (err) {
      say("Could not reach the server: " + err.message, true);
    }
  }

  // ---- wiring ----------------------------------------------------------------------
  let replacing = false; // a paste over the whole draft makes a new original
  ta.addEventListener("paste", () => {
    replacing = ta.value === "" || (ta.selectionStart === 0 && ta.selectionEnd === ta.value.length);
  });
  ta.addEventListener("input", () => {
    const old = S.text;
    S.text = ta.value;
    if (replacing) {
      replacing = false;
      newDraft(S.text, "-", { name: null, encoding: "utf-8", bom: false, newline: "lf", mixed: false });
      S.findings = [];
    } else {
      shiftFindings(old, S.text);
      if (S.verify) clearSources("The draft changed: verify its sources again.");
      S.verify = null;
    }
    render();
    scheduleCheck();
  });
  ta.addEventListener("scroll", () => { backdrop.scrollTop = ta.scrollTop; });

  const editor = $("editor");
  editor.addEventListener("dragover", (e) => { e.preventDefault(); editor.classList.add("dragging"); });
  editor.addEventListener("dragleave", () => editor.classList.remove("dragging"));
  editor.addEventListener("drop", (e) => {
    editor.classList.remove("dragging");
    if (e.dataTransfer && e.dataTransfer.files.length) { // a file; dropped text goes in as typed text does
      e.preventDefault();
      loadFile(e.dataTransfer.files[0]);
    }
  });
  $("file").addEventListener("change", (e) => { loadFile(e.target.files[0]); e.target.value = ""; });
  $("decode-again").addEventListener("click", () => S.pendingBytes && decodePending($("encoding").value));
  $("kind").addEventListener("change", (e) => { S.kind = e.target.value; S.verify = null; clearSources(); runCheck(); });
  $("fix-safe").addEventListener("click", () => applyLoop((f) => f.fixable === "safe", false, MAX_PASSES));
  $("fix-unsafe").addEventListener("click", async () => {
    if (!(await ensureChecked())) return;
    const list = visible().filter((f) => f.fixable === "unsafe" && !f.code.startsWith("NET"));
    if (!list.length) return;
    const keys = new Set(list.map((f) => f.key));
    confirmUnsafe(list, () => applyLoop((f) => keys.has(f.key), true, MAX_PASSES));
  });
  $("undo").addEventListener("click", () => {
    if (!S.undo.length) return;
    setText(S.undo.pop());
    S.verify = null;
    clearSources();
    runCheck().then(() => say("Undone. " + summary()));
  });
  $("show-diff").addEventListener("click", showDiff);
  $("diff-close").addEventListener("click", () => $("diff").close());
  $("copy").addEventListener("click", copyClean);
  $("download").addEventListener("click", download);
  $("verify").addEventListener("click", runVerify);
  $("restore-ignored").addEventListener("click", () => { S.ignored.clear(); render(); say(summary()); });

  window.citelintPage = S; // for tests and the curious: the page's state, read-only by convention
  loadSettings();
  if (ta.value) { S.text = S.original = ta.value; runCheck(); }
})();
