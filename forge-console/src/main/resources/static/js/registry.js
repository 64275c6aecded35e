// Registry page: follow the console's relay of the registry change feed and ask htmx to re-render the live part.
(() => {
    'use strict';
    const status = document.getElementById('feed-status');
    if (!status || !window.EventSource) {
        return;
    }
    const label = status.querySelector('.feed-label');
    const show = (live, text) => {
        status.classList.toggle('live', live);
        status.classList.toggle('offline', !live);
        label.textContent = text;
    };

    let pending = null;
    const refresh = () => {
        // Changes come in bursts (a tool and its replicas starting): one re-render per burst.
        clearTimeout(pending);
        pending = setTimeout(() => document.body.dispatchEvent(new CustomEvent('forge:changed')), 250);
    };

    const source = new EventSource(status.dataset.eventsUrl);
    source.addEventListener('change', refresh);
    source.addEventListener('status', event => {
        const connected = JSON.parse(event.data).connected === true;
        show(connected, connected ? 'Live' : 'Registry unreachable');
        if (connected) {
            refresh();
        }
    });
    source.addEventListener('error', () => show(false, 'Reconnecting…'));
    window.addEventListener('pagehide', () => source.close());
})();
