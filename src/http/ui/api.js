// The JSON API, as docs/openapi.yaml describes it. Every call carries the bearer token the
// person gave, which lives in sessionStorage: it survives reloads and links within the
// tab, and goes when the tab closes.

const TOKEN_KEY = 'hoursd.token';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Whether the daemon wants a token (it writes this into the page it serves). */
export function needsToken() {
  return document.documentElement.dataset.token === 'required';
}

export function hasToken() {
  return Boolean(sessionStorage.getItem(TOKEN_KEY));
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** GET (or, with a body, POST) `path`; the decoded JSON, or an ApiError with the
 *  answer's {"error":{"code","message"}}. */
export async function api(path, body) {
  const headers = {Accept: 'application/json'};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  const init = {headers, cache: 'no-store'};
  if (body !== undefined) {
    init.method = 'POST';
    init.body = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  try {
    data = JSON.parse(text);
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = data && data.error;
    throw new ApiError(res.status, e ? e.code : 'http_' + res.status,
                       e ? e.message : text || res.statusText);
  }
  return data;
}

/** A path segment or query value, percent-encoded. */
export const enc = encodeURIComponent;
