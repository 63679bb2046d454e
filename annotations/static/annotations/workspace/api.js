// Talking to the REST API: JSON in and out, the CSRF token, If-Match versions, error text
// for the status line, and whether the session has ended. It knows nothing of the page
// beyond the CSRF token, so later features (claims, assignments) call it as they are.

const pageCsrfToken = document.querySelector('meta[name="csrf-token"]').content;

let signedOut = false;
const sessionListeners = [];

// Signing in again (in another tab) rotates the CSRF token: read the cookie on each call.
function csrfToken() {
  const match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : pageCsrfToken;
}

// 401 (or DRF's 403 without credentials, or a CSRF failure after signing in elsewhere)
// means the session ended; any other 403 is a real permission answer.
export function isSignedOutAnswer({ status, payload }) {
  if (status === 401) return true;
  if (status !== 403) return false;
  return /credentials were not provided|CSRF Failed/i.test(String((payload && payload.detail) || ""));
}

export const isSignedOut = () => signedOut;

// Called with true when a call finds the session ended, with false when one succeeds again.
export function onSessionChange(listener) {
  sessionListeners.push(listener);
}

export function setSignedOut(value) {
  if (signedOut === value) return;
  signedOut = value;
  for (const listener of sessionListeners) listener(value);
}

// A write or a read the user asked for: resolves to {status, ok, payload}, never rejects
// on an HTTP error (a network failure still rejects).
export async function api(method, url, { body, version } = {}) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (version !== undefined && version !== null) headers["If-Match"] = `"${version}"`;
  const response = await fetch(url, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let payload = null;
  if (response.status !== 204) {
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
  }
  const result = { status: response.status, ok: response.ok, payload };
  if (isSignedOutAnswer(result)) setSignedOut(true);
  else if (result.ok) setSignedOut(false);
  return result;
}

// A background read: the parsed body, or an Error carrying status and payload. A
// ``signal`` (AbortController) cancels it when what it was for has changed.
export async function getJson(url, { signal } = {}) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal });
  if (!response.ok) {
    const error = new Error(`HTTP ${response.status}`);
    error.status = response.status;
    error.payload = await response.json().catch(() => null);
    throw error;
  }
  return response.json();
}

// A failed call as {status: 0}, so callers handle a lost connection like any other failure.
export const networkFailure = (error, detail = `network error (${error.message})`) => ({
  ok: false,
  status: 0,
  payload: { detail },
});

function describeErrors(payload) {
  if (!payload) return "the server gave no reason.";
  if (typeof payload === "string") return payload;
  if (payload.detail) return String(payload.detail);
  const parts = [];
  const walk = (value, path) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (item && typeof item === "object") walk(item, path.concat(String(i + 1)));
        else parts.push(`${path.join(" ")}: ${item}`);
      });
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        walk(item, key === "non_field_errors" ? path : path.concat(key === "sources" ? "source" : key));
      }
    } else {
      parts.push(path.length ? `${path.join(" ")}: ${value}` : String(value));
    }
  };
  walk(payload, []);
  return parts.join("; ");
}

// The reason an API call failed, in words for the status line.
export function failure(action, result) {
  if (isSignedOutAnswer(result)) return `${action}: you are signed out — sign in again, then retry; your edits are kept.`;
  return `${action}: ${describeErrors(result.payload)}`;
}
