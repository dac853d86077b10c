// Code the browser tests run inside the page. It is kept as source text because the test project is
// type-checked for Node (no DOM types); Playwright evaluates it in the page as it would a function.

/** What the page keeps: values in sessionStorage, the number of localStorage entries, its cookies. */
export const STORAGE_SNAPSHOT = '({ session: Object.values(sessionStorage), local: localStorage.length, cookies: document.cookie })';

export interface StorageSnapshot {
  session: string[];
  local: number;
  cookies: string;
}

/** Reports every Content-Security-Policy (and Trusted Types) refusal to the test through a binding. */
export const REPORT_CSP_VIOLATIONS = `
document.addEventListener('securitypolicyviolation', (e) => {
  window.reportCspViolation(e.effectiveDirective + ' refused ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`;

/**
 * Tries what an injected string could do: run an inline script, eval a string (from a timer, because code
 * that Playwright evaluates itself is exempt from the page's eval rule), and insert an HTML string.
 */
export const TRY_INJECTIONS = `(async () => {
  try {
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true';
    document.body.appendChild(script);
  } catch {}
  const evalRan = await new Promise((resolve) => setTimeout(() => {
    try { resolve((0, eval)('1 + 1') === 2); } catch { resolve(false); }
  }, 0));
  let htmlInserted = false;
  try {
    document.body.insertAdjacentHTML('beforeend', '<img src="x" data-injected="1">');
    htmlInserted = document.querySelector('[data-injected]') !== null;
  } catch {}
  return { inlineRan: window.inlineRan === true, evalRan, htmlInserted };
})()`;

export const BUTTON_RADIUS = "getComputedStyle(document.querySelector('button[type=submit]')).borderRadius";

/** Whether the canvas with this test id has any pixel drawn on it. */
export const CANVAS_HAS_INK = (testId: string) => `(() => {
  const canvas = document.querySelector('canvas[data-testid="${testId}"]');
  if (!canvas || canvas.width === 0 || canvas.height === 0) return false;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
  return false;
})()`;
