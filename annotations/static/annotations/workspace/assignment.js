// The caller's assignment of this document (data.assignment, null when there is none):
// its state and due date in the page head, and the "Mark done" / "Reopen" button. The
// server moves an assignment to in progress on the assignee's first save; the line
// follows that from the saves this page makes ("workspace:saved" from save.js). In a
// project with independent annotation, marking done fetches the others' annotations,
// which the server hid until then.

import { $, data, me } from "./page.js";
import { api, failure, networkFailure } from "./api.js";
import { refreshAll } from "./live.js";

const assignment = data.assignment;
const section = $("assignment");
const stateLine = $("assignment-state");
const button = $("btn-mark-done");
const status = $("assignment-status");
const blindNote = $("assignment-blind");

function render() {
  const done = assignment.state === "done";
  section.dataset.state = assignment.state;
  stateLine.textContent = assignment.states[assignment.state] || assignment.state;
  button.textContent = done ? "Reopen" : "Mark done";
  if (blindNote) blindNote.hidden = done;
}

async function toggle() {
  const wasDone = assignment.state === "done";
  const body = { state: wasDone ? "in_progress" : "done" };
  button.disabled = true;
  let result;
  try {
    result = await api("PATCH", assignment.url, { body });
  } catch (error) {
    result = networkFailure(error);
  } finally {
    button.disabled = false;
  }
  if (!result.ok) {
    status.textContent = failure(wasDone ? "Not reopened" : "Not marked done", result);
    return;
  }
  assignment.state = result.payload.state;
  assignment.done_at = result.payload.done_at;
  render();
  status.textContent = wasDone ? "Reopened." : "Marked done.";
  button.focus();
  if (assignment.independent && !wasDone) refreshAll();
}

function onSaved(event) {
  const saved = event.detail;
  if (assignment.state !== "assigned" || !saved.annotator || saved.annotator.id !== me.id) return;
  assignment.state = "in_progress";
  render();
}

export function startAssignment() {
  if (!assignment) return;
  button.addEventListener("click", toggle);
  document.addEventListener("workspace:saved", onSaved);
  render();
}
