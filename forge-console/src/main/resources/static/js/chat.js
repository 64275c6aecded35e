// Chat page: sends the question, reads the relayed event stream and builds the answer.
// Model output only ever enters the page as text nodes (textContent), except the final answer's HTML, which the
// console rendered from Markdown on the server with raw HTML escaped and unsafe URLs removed.
(() => {
    'use strict';
    const form = document.getElementById('composer');
    if (!form) {
        return;
    }
    const textarea = document.getElementById('message');
    const send = document.getElementById('send');
    const stop = document.getElementById('stop');
    const messages = document.getElementById('messages');
    const conversationInput = document.getElementById('conversation-id');
    const agentSelect = document.getElementById('agent');
    const sidebar = document.getElementById('sidebar');
    const sidebarToggle = document.querySelector('.sidebar-toggle');
    const meta = name => document.querySelector(`meta[name="${name}"]`)?.content;

    // --- Settings, remembered per browser --------------------------------------------------------------------
    const SETTINGS_KEY = 'agentforge.chat.settings';
    const settingInputs = {
        model: document.getElementById('opt-model'),
        temperature: document.getElementById('opt-temperature'),
        maxSteps: document.getElementById('opt-max-steps'),
    };
    const temperatureOutput = document.getElementById('opt-temperature-value');
    const loadSettings = () => {
        try {
            return JSON.parse(localStorage.getItem(SETTINGS_KEY) || '{}') || {};
        } catch {
            return {};
        }
    };
    const saveSettings = () => {
        const values = {};
        for (const [key, input] of Object.entries(settingInputs)) {
            if (input && input.value.trim() !== '') {
                values[key] = input.value.trim();
            }
        }
        try {
            localStorage.setItem(SETTINGS_KEY, JSON.stringify(values));
        } catch {
            // Private mode: settings last for this page only.
        }
        temperatureOutput.textContent = values.temperature ?? 'default';
    };
    const stored = loadSettings();
    for (const [key, input] of Object.entries(settingInputs)) {
        if (input) {
            input.value = stored[key] ?? '';
            input.addEventListener('change', saveSettings);
        }
    }
    temperatureOutput.textContent = stored.temperature ?? 'default';
    document.getElementById('settings-reset')?.addEventListener('click', () => {
        Object.values(settingInputs).forEach(input => { input.value = ''; });
        saveSettings();
    });
    const options = () => {
        const number = (input, parse) => {
            const value = input.value.trim();
            if (value === '') {
                return null;
            }
            const parsed = parse(value);
            return Number.isFinite(parsed) ? parsed : null;
        };
        return {
            model: settingInputs.model.value.trim() || null,
            temperature: number(settingInputs.temperature, parseFloat),
            maxSteps: number(settingInputs.maxSteps, value => parseInt(value, 10)),
        };
    };

    // --- Layout helpers -----------------------------------------------------------------------------------------
    // Choosing another agent in the picker sends the picker's form (a POST with the CSRF token); the page never
    // switches agents from its URL.
    const agentForm = document.getElementById('agent-form');
    const useAgent = document.getElementById('use-agent');
    agentSelect?.addEventListener('change', () => {
        if (agentForm.dataset.active) {
            agentForm.requestSubmit();
        } else if (useAgent) {
            useAgent.hidden = false;
        }
    });
    sidebarToggle?.addEventListener('click', () => {
        const open = !sidebar.classList.contains('open');
        sidebar.classList.toggle('open', open);
        sidebarToggle.setAttribute('aria-expanded', String(open));
    });
    document.addEventListener('keydown', event => {
        if (event.key === 'Escape' && sidebar.classList.contains('open')) {
            sidebar.classList.remove('open');
            sidebarToggle.setAttribute('aria-expanded', 'false');
            sidebarToggle.focus();
        }
    });

    const grow = () => {
        textarea.style.height = 'auto';
        textarea.style.height = `${Math.min(textarea.scrollHeight, window.innerHeight * 0.4)}px`;
    };
    textarea.addEventListener('input', grow);
    // Enter sends, Shift+Enter breaks the line; never while an IME is composing.
    textarea.addEventListener('keydown', event => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            form.requestSubmit();
        }
    });
    document.querySelectorAll('.suggestion').forEach(button => button.addEventListener('click', () => {
        textarea.value = button.textContent.trim();
        grow();
        textarea.focus();
    }));
    const scrollToEnd = () => { messages.scrollTop = messages.scrollHeight; };
    scrollToEnd();

    const el = (tag, className, text) => {
        const node = document.createElement(tag);
        if (className) {
            node.className = className;
        }
        if (text !== undefined && text !== null) {
            node.textContent = text;
        }
        return node;
    };
    const pretty = value => value === undefined || value === null ? '' : JSON.stringify(value, null, 2);

    // --- One turn on the page -------------------------------------------------------------------------------------
    const newTurn = question => {
        document.getElementById('empty-state')?.remove();
        const turn = el('article', 'turn');
        const user = el('div', 'msg user');
        user.append(el('div', 'bubble', question));
        const agent = el('div', 'msg agent');
        const steps = el('div', 'steps');
        steps.hidden = true;
        const answer = el('div', 'answer markdown pending');
        agent.append(steps, answer);
        turn.append(user, agent);
        messages.append(turn);
        scrollToEnd();
        return {turn, agent, steps, answer, stepById: new Map(), text: ''};
    };

    // Which functions the model is offered, when the agent offers only some (progressive exposure).
    const renderOffer = (view, offer) => {
        const names = Array.isArray(offer.offered) ? offer.offered : [];
        const line = el('details', 'step offer');
        const summary = el('summary');
        const label = offer.mode === 'search'
            ? `Offered ${names.length} of ${offer.total ?? '?'} tools`
            : `Offered all ${offer.total ?? names.length} tools`;
        summary.append(el('span', 'step-icon'), el('span', 'fn', label),
            el('span', 'step-state', offer.reason ? offer.reason : ''));
        line.append(summary, el('div', 'step-body', names.join(', ')));
        view.steps.append(line);
        view.steps.hidden = false;
        scrollToEnd();
    };

    const renderStep = (view, id, phase, step) => {
        let details = view.stepById.get(id);
        if (!details) {
            details = el('details', 'step running');
            const summary = el('summary');
            summary.append(el('span', 'step-icon'), el('span', 'fn', step.tool), el('span', 'step-state', 'running…'),
                el('span', 'dur'));
            details.append(summary, el('div', 'step-body'));
            view.stepById.set(id, details);
            view.steps.append(details);
            view.steps.hidden = false;
        }
        const failed = step.error !== null && step.error !== undefined && step.error !== '';
        const body = details.querySelector('.step-body');
        body.replaceChildren(el('h3', null, 'Arguments'), el('pre', null, pretty(step.arguments)));
        if (phase === 'finished') {
            details.className = `step ${failed ? 'failed' : 'ok'}`;
            details.querySelector('.step-state').textContent = failed ? 'failed' : 'done';
            details.querySelector('.dur').textContent = `${step.durationMs ?? 0} ms`;
            body.append(el('h3', null, failed ? 'Error' : 'Result'),
                el('pre', null, failed ? step.error : pretty(step.result)));
        }
        scrollToEnd();
    };

    const showError = (view, problem) => {
        view.answer.classList.remove('pending', 'streaming');
        const alert = el('div', 'alert turn-error');
        alert.setAttribute('role', 'alert');
        alert.append(el('strong', null, problem.title || 'Error'),
            document.createTextNode(problem.message || problem.detail || ''));
        view.agent.append(alert);
        if (view.text === '') {
            view.answer.remove();
        }
        if (problem.retryAfter) {
            cooldown(problem.retryAfter);
        }
        scrollToEnd();
    };

    const finish = (view, done) => {
        view.answer.classList.remove('pending', 'streaming');
        // Server-rendered from Markdown with raw HTML escaped (see MarkdownRenderer); the CSP blocks any script.
        view.answer.innerHTML = done.answerHtml ?? '';
        if (view.stepById.size === 0 && Array.isArray(done.steps)) {
            done.steps.forEach((step, index) => renderStep(view, `done-${index}`, 'finished', step));
        }
        const parts = [];
        if (done.model) {
            parts.push(done.model);
        }
        if (done.usage && done.usage.totalTokens) {
            parts.push(`${done.usage.totalTokens} tokens`);
        }
        if (done.durationMs !== undefined) {
            parts.push(done.durationMs < 1000 ? `${done.durationMs} ms` : `${(done.durationMs / 1000).toFixed(1)} s`);
        }
        const meta = el('div', 'answer-meta', parts.join(' · '));
        // Only http(s) links, built by the console from its configured template.
        if (typeof done.traceUrl === 'string' && /^https?:\/\//.test(done.traceUrl)) {
            const link = el('a', 'trace-link', 'trace');
            link.href = done.traceUrl;
            link.target = '_blank';
            link.rel = 'noopener noreferrer';
            meta.append(parts.length ? ' · ' : '', link);
        }
        view.agent.append(meta);
        if (done.conversationId) {
            conversationInput.value = done.conversationId;
            const url = new URL(window.location.href);
            url.searchParams.delete('agent');
            url.searchParams.set('c', done.conversationId);
            window.history.replaceState(null, '', url);
            const history = document.getElementById('history');
            const listUrl = history && history.getAttribute('hx-get');
            if (listUrl) {
                const list = new URL(listUrl, window.location.href);
                list.searchParams.set('c', done.conversationId);
                history.setAttribute('hx-get', list.pathname + list.search);
                // htmx reads hx-get when it processes the element: process it again to pick up the new URL.
                if (window.htmx) {
                    window.htmx.process(history);
                }
            }
            // The sidebar re-lists the conversations: a new one appears, a continued one moves up.
            document.body.dispatchEvent(new CustomEvent('forge:history'));
        }
        scrollToEnd();
    };

    const handle = (view, name, data) => {
        switch (name) {
            case 'tools':
                renderOffer(view, data || {});
                break;
            case 'step':
                renderStep(view, data.id, data.phase, data.step || {});
                break;
            case 'delta':
                view.answer.classList.remove('pending');
                view.answer.classList.add('streaming');
                view.text += data.text || '';
                view.answer.append(document.createTextNode(data.text || ''));
                scrollToEnd();
                break;
            case 'done':
                view.finished = true;
                finish(view, data);
                break;
            case 'error':
                view.finished = true;
                showError(view, data);
                break;
            default:
                break;
        }
    };

    // --- Sending and reading the stream --------------------------------------------------------------------------
    let controller = null;
    let cooling = false;
    const busy = on => {
        send.disabled = on || cooling;
        stop.hidden = !on;
        textarea.setAttribute('aria-busy', String(on));
    };
    const cooldown = seconds => {
        cooling = true;
        let left = Math.max(1, Math.ceil(seconds));
        const label = send.textContent;
        send.disabled = true;
        const tick = () => {
            if (left <= 0) {
                cooling = false;
                send.textContent = label;
                send.disabled = controller !== null;
                return;
            }
            send.textContent = `Wait ${left} s`;
            left -= 1;
            setTimeout(tick, 1000);
        };
        tick();
    };

    const readStream = async (response, view) => {
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
            const {value, done} = await reader.read();
            if (done) {
                break;
            }
            buffer += value;
            let boundary;
            while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
                const block = buffer.slice(0, boundary);
                buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, '');
                let name = 'message';
                const data = [];
                for (const line of block.split(/\r?\n/)) {
                    if (line.startsWith('event:')) {
                        name = line.slice(6).trim();
                    } else if (line.startsWith('data:')) {
                        data.push(line.slice(5).replace(/^ /, ''));
                    }
                }
                if (data.length > 0) {
                    handle(view, name, JSON.parse(data.join('\n')));
                }
            }
        }
    };

    const ask = async question => {
        const view = newTurn(question);
        controller = new AbortController();
        busy(true);
        const headers = {
            'Content-Type': 'application/json',
            'Accept': 'text/event-stream, application/problem+json',
        };
        const csrfHeader = meta('csrf-header');
        if (csrfHeader) {
            headers[csrfHeader] = meta('csrf-token');
        }
        try {
            const response = await fetch(form.dataset.streamUrl, {
                method: 'POST',
                headers,
                credentials: 'same-origin',
                signal: controller.signal,
                body: JSON.stringify({
                    agent: form.dataset.agent || null,
                    message: question,
                    conversationId: conversationInput.value || null,
                    ...options(),
                }),
            });
            if (!response.ok) {
                let problem = {title: `Error ${response.status}`, message: 'The console refused the question.'};
                try {
                    const body = await response.json();
                    problem = {...body, message: body.detail || problem.message};
                } catch {
                    // Not JSON: keep the generic message.
                }
                if (response.status === 401) {
                    problem.message = 'Your session has ended. Reload the page to sign in again.';
                } else if (response.status === 403) {
                    problem.message = 'The page is out of date (security token). Reload the page and try again.';
                }
                showError(view, problem);
                return;
            }
            await readStream(response, view);
            if (!view.finished) {
                showError(view, {title: 'Answer cut short', message: 'The stream ended before the answer did.'});
            }
        } catch (error) {
            if (error.name === 'AbortError') {
                view.answer.classList.remove('pending', 'streaming');
                view.agent.append(el('div', 'answer-meta', 'Stopped.'));
            } else {
                showError(view, {title: 'Connection lost', message: 'The console could not be reached. Check your connection and try again.'});
            }
        } finally {
            controller = null;
            busy(false);
            textarea.focus();
        }
    };

    form.addEventListener('submit', event => {
        event.preventDefault();
        const question = textarea.value.trim();
        if (question === '' || controller !== null || cooling) {
            return;
        }
        textarea.value = '';
        grow();
        ask(question);
    });
    stop.addEventListener('click', () => controller?.abort());
    if (!textarea.disabled) {
        textarea.focus();
    }
})();
