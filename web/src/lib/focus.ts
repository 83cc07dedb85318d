import { useCallback } from 'react';

/**
 * Focuses the element when it mounts, but only when the user is not already somewhere else (nothing focused) and the
 * device has a fine pointer. A page's field must not take the focus a user gave to another control while the page's
 * code was still loading: the header's language menu (a Select) closes its list when it loses focus, so an
 * `autoFocus` on a lazily loaded page closed it under the user's finger (docs/i18n.md). On a touch screen a focused
 * field would also raise the keyboard over half the page.
 */
export function useFocusWhenIdle<T extends HTMLElement>(): (element: T | null) => void {
  return useCallback((element: T | null) => {
    if (!element) return;
    const active = document.activeElement;
    const idle = !active || active === document.body || active === document.documentElement;
    const touch = typeof window.matchMedia === 'function' && window.matchMedia('(pointer: coarse)').matches;
    if (idle && !touch) element.focus();
  }, []);
}
