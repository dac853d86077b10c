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
