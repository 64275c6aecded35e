// Shared by every page: CSRF token on htmx requests. No inline script anywhere (CSP script-src 'self').
(() => {
    'use strict';
    const meta = name => document.querySelector(`meta[name="${name}"]`)?.content;

    document.addEventListener('htmx:configRequest', event => {
        const header = meta('csrf-header');
        const token = meta('csrf-token');
        if (header && token) {
            event.detail.headers[header] = token;
        }
    });

    // A failed htmx request shows why instead of silently doing nothing.
    document.addEventListener('htmx:responseError', event => {
        const target = event.detail.target;
        if (target && event.detail.xhr.status !== 401) {
            const alert = document.createElement('p');
            alert.className = 'alert';
            alert.setAttribute('role', 'alert');
            alert.textContent = `The console answered ${event.detail.xhr.status}; try again.`;
            target.replaceChildren(alert);
        }
    });
    document.addEventListener('htmx:sendError', event => {
        const target = event.detail.target;
        if (target && target.classList.contains('result')) {
            const alert = document.createElement('p');
            alert.className = 'alert';
            alert.setAttribute('role', 'alert');
            alert.textContent = 'The console could not be reached.';
            target.replaceChildren(alert);
        }
    });
})();
