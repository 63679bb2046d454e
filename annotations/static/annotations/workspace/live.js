// Live refresh. While the tab is visible, ask the API every few seconds what others
// changed or deleted on this document since the last server time seen, and merge it in.
// The cursor comes from the server (the page's `now`, then the newest `updated_at` /
// `deleted_at` seen) minus an overlap, so a skewed browser clock or a late commit loses
// nothing; versions de-duplicate what the overlap brings twice. Unsaved edits are never
// overwritten: the form keeps them and a notice says that saving will ask the user to
// choose (the 412 flow in save.js).

import { API, claimTypes, clock, data, statuses, ui } from "./page.js";
import { annotations, gone, indexAnnotation, state, unindexAnnotation } from "./store.js";
import { api, getJson, isSignedOut, isSignedOutAnswer, onSessionChange, setSignedOut } from "./api.js";
import { renderProgress, renderSentence } from "./render.js";
import { isDirty } from "./form.js";
import {
  focusSelected,
  keepAsDraft,
  loadActive,
  openFirstAnnotation,
  renderList,
  renderNotice,
  renderPanel,
} from "./panel.js";

const LIVE_OVERLAP_MS = 15_000;
const LIVE_MAX_DELAY_MS = 5 * 60_000;

const live = {
  interval: Math.max(0, Number(data.live.interval) || 0) * 1000, // 0: live refresh off
  changedSince: Date.parse(data.live.now),
  deletedSince: Date.parse(data.live.now),
  timer: null,
  running: false,
  failures: 0,
  everything: false, // the next poll asks for every annotation (refreshAll)
};

const sinceParam = (ms) => new Date(ms - LIVE_OVERLAP_MS).toISOString();
const samePath = (url) => {
  const parsed = new URL(url, location.href);
  return parsed.pathname + parsed.search;
};

// Annotations changed since the cursor (every page), then deletions: in this order, so an
// annotation deleted between the two requests is reported by the second.
async function fetchRemote(everything) {
  const documentId = String(data.document.id);
  const changed = [];
  let url = `${API}?${new URLSearchParams({
    document: documentId,
    updated_since: sinceParam(everything ? 0 : live.changedSince),
    ordering: "updated_at",
    page_size: "1000",
  })}`;
  while (url) {
    const page = await getJson(url);
    changed.push(...page.results);
    url = page.next ? samePath(page.next) : null;
  }
  const deleted = await getJson(
    `${data.live.deleted_url}?${new URLSearchParams({ document: documentId, since: sinceParam(live.deletedSince) })}`,
  );
  return { changed, deleted };
}

function setOffline(offline) {
  ui.liveOffline.hidden = !offline;
}

function announce(notes) {
  const text = notes.length > 3 ? `${notes.length} changes by others.` : notes.join(" ");
  ui.liveStatus.textContent = `${clock(new Date().toISOString())} · ${text}`;
}

// Which control of the panel has focus, in terms that survive a redraw.
function panelFocus() {
  const active = document.activeElement;
  if (!active || !ui.panel.contains(active)) return null;
  if (active.dataset.annotation) return { annotation: active.dataset.annotation };
  const row = active.closest("#sources > li");
  if (row && active.dataset.field) return { row: [...ui.sources.children].indexOf(row), field: active.dataset.field };
  if (active.name === "claim_type") return { radio: active.value };
  return active.id ? { id: active.id } : null;
}

function restoreFocus(key) {
  if (!key || (document.activeElement && document.activeElement !== document.body)) return;
  let target;
  if (key.annotation) target = ui.list.querySelector(`button[data-annotation="${key.annotation}"]`);
  else if (key.row !== undefined) target = ui.sources.children[key.row]?.querySelector(`[data-field="${key.field}"]`);
  else if (key.radio) target = ui.editor.querySelector(`input[name="claim_type"][value="${key.radio}"]`);
  else target = document.getElementById(key.id);
  if (target && !target.disabled && !target.closest("[hidden]")) target.focus({ preventScroll: true });
  else if (state.index !== null) focusSelected();
}

async function lastEditor(id) {
  try {
    const result = await api("GET", `${API}${id}/history/`);
    const newest = result.ok && Array.isArray(result.payload) ? result.payload[0] : null;
    return newest && newest.user ? newest.user.username : null;
  } catch {
    return null;
  }
}

// Someone else changed the annotation whose unsaved edits are in the form: say so.
async function noticeChange(ann) {
  const who = await lastEditor(ann.id);
  const current = annotations.get(ann.id);
  if (state.active !== ann.id || !current || current.version !== ann.version) return;
  state.notice = {
    for: ann.id,
    text: `Changed by ${who || "someone else"} at ${clock(ann.updated_at)} — your save will ask you to choose.`,
  };
  renderNotice();
}

function applyActiveChange(event) {
  const unsaved = state.busy || state.conflict !== null || isDirty();
  if (event.kind === "deleted") {
    if (state.busy || state.conflict) return; // the pending answer (404) decides
    if (unsaved) {
      keepAsDraft(
        event.ann,
        `Deleted by ${event.by || "someone else"} at ${clock(event.at)} — your edits are kept as a new, unsaved annotation.`,
      );
      return;
    }
    openFirstAnnotation();
    return;
  }
  if (unsaved) {
    if (state.conflict) renderList();
    else renderPanel();
    noticeChange(event.ann);
    return;
  }
  loadActive();
  renderPanel();
}

// One short sentence for the live status line.
function describeRemoteChange(known, ann) {
  const where = `sentence ${ann.sentence_index + 1}`;
  if (!known) return `${ann.annotator.username} added an annotation to ${where}.`;
  const what = `${(claimTypes.get(ann.claim_type) || { name: "An annotation" }).name} on ${where}`;
  if (known.review_state !== ann.review_state) {
    const by = ann.reviewed_by ? ` by ${ann.reviewed_by.username}` : "";
    return `${what}: ${data.review_states[ann.review_state] || ann.review_state}${by}.`;
  }
  if (known.verification_status !== ann.verification_status) {
    return `${what} is now ${(statuses.get(ann.verification_status) || { label: ann.verification_status }).label}.`;
  }
  return `${what} changed.`;
}

function applyRemote({ changed, deleted }) {
  const notes = [];
  const touched = new Set();
  let activeEvent = null;
  for (const ann of changed) {
    live.changedSince = Math.max(live.changedSince, Date.parse(ann.updated_at) || 0);
    if (ann.document !== data.document.id || gone.has(ann.id)) continue;
    const known = annotations.get(ann.id);
    if (known && known.version >= ann.version) continue; // ours, or seen in the overlap
    if (known) touched.add(known.sentence_index);
    touched.add(ann.sentence_index);
    indexAnnotation(ann);
    if (ann.id === state.active) activeEvent = { kind: "changed", ann };
    notes.push(describeRemoteChange(known, ann));
  }
  for (const row of deleted) {
    live.deletedSince = Math.max(live.deletedSince, Date.parse(row.deleted_at) || 0);
    gone.add(row.id);
    const known = annotations.get(row.id);
    if (!known) continue;
    touched.add(known.sentence_index);
    if (row.id === state.active) activeEvent = { kind: "deleted", ann: known, by: row.deleted_by, at: row.deleted_at };
    unindexAnnotation(row.id);
    notes.push(`${row.deleted_by || "Someone"} deleted an annotation on sentence ${known.sentence_index + 1}.`);
  }
  if (!notes.length) return;
  const focus = panelFocus();
  for (const index of touched) renderSentence(index);
  renderProgress();
  if (activeEvent) applyActiveChange(activeEvent);
  else if (state.index !== null && touched.has(state.index)) {
    if (state.conflict || state.busy) renderList(); // leave the conflict or the pending save be
    else renderPanel();
  }
  restoreFocus(focus);
  announce(notes);
}

function stopLive() {
  clearTimeout(live.timer);
  live.timer = null;
}

function scheduleLive() {
  stopLive();
  if (!live.interval || document.hidden || isSignedOut()) return;
  const delay = Math.min(live.interval * 2 ** Math.min(live.failures, 10), Math.max(LIVE_MAX_DELAY_MS, live.interval));
  live.timer = setTimeout(pollLive, delay);
}

async function pollLive() {
  live.timer = null;
  if (live.running || document.hidden || isSignedOut()) return;
  live.running = true;
  let remote = null;
  const everything = live.everything;
  try {
    remote = await fetchRemote(everything);
    if (everything) live.everything = false;
    live.failures = 0;
  } catch (error) {
    if (isSignedOutAnswer(error)) setSignedOut(true);
    else live.failures += 1; // quietly: the indicator shows, local edits stay where they are
  }
  try {
    setOffline(live.failures > 0);
    if (remote) applyRemote(remote);
  } finally {
    live.running = false;
    scheduleLive();
  }
}

// Everything of the document again, not just what changed since the cursor: after an
// independent annotator marks their assignment done, the others' annotations (hidden
// until then, however old) come in like any remote change.
export function refreshAll() {
  live.everything = true;
  stopLive();
  pollLive(); // if a poll is under way, the one it schedules asks for everything
}

export function startLive() {
  if (!live.interval) return;
  // Signed out: polling waits (and offline is not the problem); signed in again: resume.
  onSessionChange((signedOut) => {
    if (signedOut) {
      stopLive();
      setOffline(false);
    } else {
      live.failures = 0;
      scheduleLive();
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) stopLive();
    else if (!live.running) pollLive(); // catch up at once
  });
  scheduleLive(); // the first check after one interval: nothing extra before the page is usable
}
