/*
 * HÖK-assistenten: the embeddable web chat widget.
 *
 * One script tag on any page:
 *   <script src="https://host/widget.js" data-title="HÖK-assistenten" data-color="#005a8c"
 *           data-position="right" data-server="https://host" defer></script>
 * Every attribute is optional. The server defaults to the folder the script was loaded from
 * (its origin when served at /widget.js); widget.css is loaded from the server.
 *
 * The widget lives in a shadow root so the host page's styles and ours do not mix. Bot text is
 * always rendered with textContent, never as HTML; only http(s) URLs in it become links, built
 * with DOM calls. The conversation (messages and the sender id) is kept in sessionStorage, so it
 * survives a reload within the browser tab's session.
 */
(() => {
  "use strict";

  if (window.__hokAssistentLoaded) return; // the script tag was included twice
  window.__hokAssistentLoaded = true;

  // All user-facing wording, Swedish.
  const TEXT = {
    defaultTitle: "HÖK-assistenten",
    launcher: (title) => `Fråga ${title}`,
    close: "Stäng",
    note:
      "Svaren hämtas ur samverkansöverenskommelserna och anger sin källa. " +
      "Skriv inte personnummer eller andra uppgifter om patienter.",
    log: "Konversation",
    input: "Skriv din fråga",
    hint: "Enter skickar, Skift+Enter ger ny rad.",
    send: "Skicka",
    you: "Du: ",
    bot: "Assistenten: ",
    typing: "Assistenten skriver …",
    noReply: "Jag har inget svar på det just nu. Försök gärna formulera frågan på ett annat sätt.",
    unreachable: "Assistenten går inte att nå just nu. Kontrollera din anslutning och försök igen.",
    requestFailed: "Frågan kunde inte skickas.",
    interrupted: "Svaret på din senaste fråga kom aldrig fram.",
    retry: "Försök igen",
    replies: "Svarsalternativ",
    sourcesOne: "Visa källa",
    sourcesMany: (n) => `Visa källor (${n})`,
    section: "Avsnitt: ",
    viewSource: "Visa i dokumentet",
    viewSourceLabel: (title) => `Visa i dokumentet: ${title} (öppnas i en ny flik)`,
    newTab: " (öppnas i en ny flik)",
    region: (title) => `${title}, chatt`,
    feedbackQuestion: "Var svaret till hjälp?",
    feedbackUp: "Bra svar",
    feedbackDown: "Dåligt svar",
    feedbackThanks: "Tack för ditt svar! Det hjälper oss att förbättra assistenten.",
    feedbackFailed: "Det gick inte att skicka ditt svar. Försök igen.",
    commentLabel: "Vad var fel med svaret? Skriv gärna en kort kommentar (valfritt).",
    commentHint: (limit) =>
      `Högst ${limit} tecken. Skriv inte personnummer eller andra uppgifter om patienter.`,
    commentSend: "Skicka betyget",
    commentSkip: "Skicka utan kommentar",
    commentThanks: "Tack för ditt svar och din kommentar! Det hjälper oss att förbättra assistenten.",
  };

  const DEFAULT_COLOR = "#005a8c";
  const DARK_TEXT = "#1a1a1a";
  const MAX_MESSAGE_CHARS = 2000;
  const MAX_COMMENT_CHARS = 500; // the service's limit (knowledge/feedback.py)
  const MAX_STORED_ENTRIES = 200;
  const REQUEST_TIMEOUT_MS = 60000;
  // Kinds that answer a question (and so can be rated); "clarify" asks one back.
  const RATED_KINDS = new Set(["registry", "rule", "passage", "curated", "abstain"]);

  // ---- configuration from the script tag -------------------------------------------------

  const script =
    document.currentScript ||
    Array.from(document.scripts).find((s) => /\/widget\.js(?:[?#]|$)/.test(s.src));
  const data = (script && script.dataset) || {};
  const scriptUrl = script && script.src ? new URL(script.src, location.href) : new URL(location.href);

  function serverBase() {
    if (data.server) {
      const base = new URL(data.server, location.href);
      if (!base.pathname.endsWith("/")) base.pathname += "/";
      base.search = "";
      base.hash = "";
      return base;
    }
    return new URL(".", scriptUrl);
  }

  const server = serverBase();
  const endpoint = (path) => new URL(path, server).href;
  const title = (data.title || "").trim() || TEXT.defaultTitle;
  const position = data.position === "left" ? "left" : "right";
  const colors = palette(data.color);

  // ---- colours: readable text on any accent colour (WCAG 2.1 AA, 4.5:1) -----------------

  function parseHex(value) {
    const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((value || "").trim());
    if (!m) return null;
    let hex = m[1];
    if (hex.length === 3) hex = hex.replace(/./g, (c) => c + c);
    return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }

  function toHex(rgb) {
    return "#" + rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
  }

  function luminance(rgb) {
    const [r, g, b] = rgb.map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function contrast(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }

  /** The accent colour darkened (mixed with black) until it reaches `min` contrast on `background`. */
  function readableOn(rgb, background, min) {
    let current = rgb;
    for (let step = 0; step < 40 && contrast(current, background) < min; step += 1) {
      current = current.map((c) => c * 0.93);
    }
    return current;
  }

  function palette(value) {
    const accent = parseHex(value) || parseHex(DEFAULT_COLOR);
    const white = [255, 255, 255];
    const dark = parseHex(DARK_TEXT);
    // Text on the accent colour: white or dark, whichever contrasts more (one always reaches 4.5:1).
    const onAccent = contrast(accent, white) >= contrast(accent, dark) ? white : dark;
    // The accent as text, links and focus ring on the panel's white and light grey backgrounds.
    const accentText = readableOn(accent, parseHex("#f1f3f5"), 4.5);
    return { accent: toHex(accent), onAccent: toHex(onAccent), accentText: toHex(accentText) };
  }

  // ---- state kept in sessionStorage -----------------------------------------------------

  const STORAGE_KEY = `hok-assistent:${server.href}`;

  // A sender id that redaction can never change (the front door and the stores redact every
  // sender): lower-case base 32 has no 0 or 1, so no month, so no personnummer. A hex id held a
  // plausible one about once in four hundred, and its ratings were stored under another id.
  const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
  function newSenderId() {
    const bytes = new Uint8Array(26);
    crypto.getRandomValues(bytes);
    return "web-" + Array.from(bytes, (b) => ID_ALPHABET[b & 31]).join("");
  }

  function load() {
    try {
      const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null");
      if (stored && typeof stored.sender === "string" && Array.isArray(stored.entries)) return stored;
    } catch (err) {
      // storage blocked or damaged: start afresh
    }
    return { sender: newSenderId(), entries: [], open: false, pending: null };
  }

  const state = load();

  function save() {
    state.entries = state.entries.slice(-MAX_STORED_ENTRIES);
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (err) {
      // storage full or blocked: the conversation just won't survive a reload
    }
  }

  // ---- DOM helpers --------------------------------------------------------------------

  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value === true) node.setAttribute(key, "");
      else if (value !== false && value != null) node.setAttribute(key, String(value));
    }
    for (const child of children || []) if (child) node.append(child);
    return node;
  }

  function svg(pathData) {
    const ns = "http://www.w3.org/2000/svg";
    const icon = document.createElementNS(ns, "svg");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("aria-hidden", "true");
    icon.setAttribute("focusable", "false");
    icon.setAttribute("class", "hok-icon");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", pathData);
    icon.append(path);
    return icon;
  }

  const ICON_CHAT =
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  const ICON_CLOSE = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z";
  // Thumbs up and down as icons, not emoji: emoji need a font that not every computer has.
  const ICON_THUMB_UP =
    "M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6c-.4.4-.6.9-.6 " +
    "1.4v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z";
  const ICON_THUMB_DOWN =
    "M22 3h-4v12h4V3zM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1l1.1 1 6.6-6.6c.4-.4.6-.9.6-1.4V5a2 " +
    "2 0 0 0-2-2H7c-.8 0-1.5.5-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z";

  // http(s) URLs in answer text; the punctuation ending a sentence after one is not part of it.
  const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'”’]+/gi;
  const URL_TRAILING = ".,;:!?)]}”’»";

  /** The URL as a link target if it is an http(s) URL with a host, else null. */
  function httpUrl(text) {
    try {
      const url = new URL(text);
      return (url.protocol === "http:" || url.protocol === "https:") && url.hostname ? url.href : null;
    } catch (err) {
      return null;
    }
  }

  function count(text, character) {
    return text.split(character).length - 1;
  }

  /** Text as text nodes, with each http(s) URL in it as a link that opens in a new tab. */
  function linkified(text) {
    const nodes = [];
    let done = 0;
    for (const match of text.matchAll(URL_PATTERN)) {
      const start = match.index;
      let end = start + match[0].length;
      while (end > start && URL_TRAILING.includes(text[end - 1])) {
        const candidate = text.slice(start, end);
        if (text[end - 1] === ")" && count(candidate, "(") >= count(candidate, ")")) break;
        end -= 1;
      }
      const shown = text.slice(start, end);
      const href = httpUrl(shown);
      if (!href) continue;
      nodes.push(document.createTextNode(text.slice(done, start)));
      nodes.push(
        el("a", { className: "hok-link", href, target: "_blank", rel: "noopener noreferrer" }, [
          document.createTextNode(shown),
          el("span", { className: "hok-sr", text: TEXT.newTab }),
        ]),
      );
      done = end;
    }
    nodes.push(document.createTextNode(text.slice(done)));
    return nodes;
  }

  // ---- building the widget ------------------------------------------------------------

  let ui = null;
  let busy = false;
  const errorNodes = new WeakMap(); // error entry → its element, to remove it on retry
  const feedbackBoxes = new WeakMap(); // answer entry → its rating box

  function build() {
    const host = el("div", { id: "hok-assistent", lang: "sv", "data-position": position });
    host.style.setProperty("--hok-accent", colors.accent);
    host.style.setProperty("--hok-on-accent", colors.onAccent);
    host.style.setProperty("--hok-accent-text", colors.accentText);
    const root = host.attachShadow({ mode: "open" });

    const launcherLabel = el("span", { className: "hok-launcher-label", text: TEXT.launcher(title) });
    const launcher = el(
      "button",
      { type: "button", className: "hok-launcher", "aria-expanded": "false", "aria-controls": "hok-panel" },
      [svg(ICON_CHAT), launcherLabel],
    );

    const close = el("button", { type: "button", className: "hok-close" }, [
      svg(ICON_CLOSE),
      el("span", { text: TEXT.close }),
    ]);
    const heading = el("h2", { id: "hok-title", className: "hok-title", text: title });
    const log = el("div", {
      className: "hok-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": TEXT.log,
      tabindex: "0",
    });
    const typing = el("div", { className: "hok-typing", role: "status" });
    const input = el("textarea", {
      id: "hok-input",
      className: "hok-input",
      rows: "2",
      maxlength: String(MAX_MESSAGE_CHARS),
      autocomplete: "off",
      "aria-describedby": "hok-hint",
    });
    const sendButton = el("button", { type: "submit", className: "hok-send", text: TEXT.send });
    const form = el("form", { className: "hok-form", novalidate: true }, [
      el("label", { for: "hok-input", className: "hok-label", text: TEXT.input }),
      el("div", { className: "hok-row" }, [input, sendButton]),
      el("p", { id: "hok-hint", className: "hok-hint", text: TEXT.hint }),
    ]);
    const panel = el(
      "section",
      { id: "hok-panel", className: "hok-panel", role: "dialog", "aria-labelledby": "hok-title", hidden: true },
      [
        el("div", { className: "hok-header" }, [heading, close]),
        el("p", { className: "hok-note", text: TEXT.note }),
        log,
        typing,
        form,
      ],
    );
    // A named landmark of its own, so that nothing of the widget is outside one on any page.
    const wrapper = el(
      "aside",
      { className: "hok", lang: "sv", "data-position": position, "aria-label": TEXT.region(title), hidden: true },
      [launcher, panel],
    );

    // Show nothing until the stylesheet is in (no flash of an unstyled panel); show it anyway if
    // the stylesheet fails, since an unstyled widget still works.
    const style = el("link", { rel: "stylesheet", href: endpoint("widget.css") });
    const reveal = () => {
      wrapper.hidden = false;
    };
    style.addEventListener("load", reveal);
    style.addEventListener("error", reveal);
    root.append(style, wrapper);

    launcher.addEventListener("click", () => (state.open ? closePanel(false) : openPanel(true)));
    close.addEventListener("click", () => closePanel(true));
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        closePanel(true);
      }
    });
    launcher.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && state.open) {
        event.preventDefault();
        closePanel(true);
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });

    document.body.append(host);
    return { host, root, wrapper, launcher, panel, log, typing, input, sendButton };
  }

  function openPanel(focusInput) {
    state.open = true;
    save();
    ui.panel.hidden = false;
    ui.wrapper.setAttribute("data-open", "");
    ui.launcher.setAttribute("aria-expanded", "true");
    scrollToEnd();
    if (focusInput) ui.input.focus();
  }

  function closePanel(returnFocus) {
    state.open = false;
    save();
    ui.panel.hidden = true;
    ui.wrapper.removeAttribute("data-open");
    ui.launcher.setAttribute("aria-expanded", "false");
    if (returnFocus) ui.launcher.focus();
  }

  function scrollToEnd() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function setBusy(value) {
    busy = value;
    ui.log.setAttribute("aria-busy", value ? "true" : "false");
    ui.sendButton.setAttribute("aria-disabled", value ? "true" : "false");
    ui.typing.replaceChildren();
    if (value) {
      ui.typing.append(
        el("span", { className: "hok-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
        el("span", { text: TEXT.typing }),
      );
    }
  }

  // ---- rendering entries --------------------------------------------------------------

  function renderEntry(entry, isLast) {
    if (entry.role === "user") {
      return el("div", { className: "hok-msg hok-user" }, [
        el("span", { className: "hok-sr", text: TEXT.you }),
        el("span", { className: "hok-text", text: entry.text }),
      ]);
    }
    if (entry.role === "error") return renderError(entry);
    const node = el("div", { className: "hok-msg hok-bot" }, [el("span", { className: "hok-sr", text: TEXT.bot })]);
    for (const text of entry.texts) node.append(el("p", { className: "hok-text" }, linkified(text)));
    if (entry.answer && entry.answer.sources.length) node.append(renderSources(entry.answer.sources));
    if (entry.answer && RATED_KINDS.has(entry.answer.kind)) node.append(renderFeedback(entry));
    const fragment = document.createDocumentFragment();
    fragment.append(node);
    if (isLast && entry.buttons && entry.buttons.length) fragment.append(renderQuickReplies(entry.buttons));
    return fragment;
  }

  /** A link to the source viewer, only to this server's /kallor/ pages (never a script URL). */
  function viewerLink(source) {
    if (!source.url || !source.url.startsWith("/kallor/")) return null;
    const href = endpoint(source.url);
    return el("a", {
      className: "hok-source-link",
      href,
      target: "_blank",
      rel: "noopener noreferrer",
      "aria-label": TEXT.viewSourceLabel(source.title || source.doc),
      text: TEXT.viewSource,
    });
  }

  function renderSources(sources) {
    const list = el(
      "ul",
      { className: "hok-source-list" },
      sources.map((s) =>
        el("li", { className: "hok-source" }, [
          el("span", { className: "hok-source-title", text: s.title || s.doc }),
          s.section ? el("span", { className: "hok-source-section", text: TEXT.section + s.section }) : null,
          s.excerpt ? el("blockquote", { className: "hok-excerpt", text: s.excerpt }) : null,
          viewerLink(s),
        ]),
      ),
    );
    const summary = el("summary", {
      text: sources.length === 1 ? TEXT.sourcesOne : TEXT.sourcesMany(sources.length),
    });
    return el("details", { className: "hok-sources" }, [summary, list]);
  }

  function renderQuickReplies(buttons) {
    return el(
      "div",
      { className: "hok-replies", role: "group", "aria-label": TEXT.replies },
      buttons.map((b) =>
        el("button", {
          type: "button",
          className: "hok-reply",
          text: b.title,
          onclick: () => {
            if (busy) return;
            ui.input.focus();
            send(b.payload, b.title);
          },
        }),
      ),
    );
  }

  /** Thumbs up or down under an answer; after a thumbs down, an optional short comment that is
   * sent with it. The thanks are read out from a live region that is there from the start. */
  function renderFeedback(entry) {
    const content = el("div", { className: "hok-feedback-content" });
    const status = el("p", { className: "hok-thanks", role: "status", "aria-live": "polite", tabindex: "-1" });
    const box = el("div", { className: "hok-feedback" }, [content, status]);
    feedbackBoxes.set(entry, box);
    fillFeedback(box, entry, "");
    return box;
  }

  function uniqueId(prefix) {
    return `${prefix}-${Math.random().toString(36).slice(2)}`;
  }

  function fillFeedback(box, entry, problem) {
    const [content, status] = box.children;
    if (entry.feedback) {
      content.replaceChildren();
      status.textContent = entry.commented ? TEXT.commentThanks : TEXT.feedbackThanks;
      return;
    }
    status.textContent = "";
    content.replaceChildren(entry.commenting ? commentForm(entry, box) : ratingButtons(entry, box));
    if (problem) content.append(el("p", { className: "hok-feedback-error", role: "alert", text: problem }));
  }

  function ratingButtons(entry, box) {
    const questionId = uniqueId("hok-fb");
    const button = (rating, icon, label, onclick) =>
      el(
        "button",
        { type: "button", className: "hok-rate", "aria-label": label, title: label, "data-rating": rating, onclick },
        [svg(icon)],
      );
    return el("div", { className: "hok-rating", role: "group", "aria-labelledby": questionId }, [
      el("span", { id: questionId, className: "hok-feedback-question", text: TEXT.feedbackQuestion }),
      button("up", ICON_THUMB_UP, TEXT.feedbackUp, () => rate(entry, "up", box, "")),
      button("down", ICON_THUMB_DOWN, TEXT.feedbackDown, () => askComment(entry, box)),
    ]);
  }

  /** A thumbs down: ask for a comment first (focus in its text box); the rating is sent with it. */
  function askComment(entry, box) {
    if (box.getAttribute("aria-busy") === "true") return;
    entry.commenting = true;
    save();
    fillFeedback(box, entry, "");
    const input = box.querySelector("textarea");
    if (input) input.focus();
  }

  function commentForm(entry, box) {
    const id = uniqueId("hok-comment");
    const input = el("textarea", {
      id,
      className: "hok-comment-input",
      rows: "2",
      maxlength: String(MAX_COMMENT_CHARS),
      autocomplete: "off",
      "aria-describedby": `${id}-hint`,
    });
    input.value = entry.comment || "";
    input.addEventListener("input", () => {
      entry.comment = input.value; // kept over a reload, like the conversation
      save();
    });
    const send = () => rate(entry, "down", box, input.value);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send();
      }
    });
    const form = el("form", { className: "hok-comment", novalidate: true }, [
      el("label", { for: id, className: "hok-comment-label", text: TEXT.commentLabel }),
      input,
      el("p", { id: `${id}-hint`, className: "hok-comment-hint", text: TEXT.commentHint(MAX_COMMENT_CHARS) }),
      el("div", { className: "hok-comment-actions" }, [
        el("button", { type: "submit", className: "hok-comment-send", text: TEXT.commentSend }),
        el("button", {
          type: "button",
          className: "hok-comment-skip",
          text: TEXT.commentSkip,
          onclick: () => rate(entry, "down", box, ""),
        }),
      ]),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send();
    });
    return form;
  }

  function renderError(entry) {
    const node = el("div", { className: "hok-msg hok-error" }, [el("p", { className: "hok-text", text: entry.text })]);
    if (entry.retry) {
      node.append(
        el("button", {
          type: "button",
          className: "hok-retry",
          text: TEXT.retry,
          onclick: () => retry(entry),
        }),
      );
    }
    errorNodes.set(entry, node);
    return node;
  }

  function append(entry) {
    // Quick replies belong to the latest answer only.
    for (const old of ui.log.querySelectorAll(".hok-replies")) old.remove();
    state.entries.push(entry);
    save();
    ui.log.append(renderEntry(entry, true));
    if (entry.role === "bot") showFromQuestion();
    else scrollToEnd();
  }

  /** Scroll to the end, but never past the start of the question being answered: a long answer
   * is then read from its beginning. The answer's buttons (the offer to pass a question on) are
   * scrolled into view even so: what the answer asks must be seen. */
  function showFromQuestion() {
    const questions = ui.log.querySelectorAll(".hok-user");
    const question = questions[questions.length - 1];
    const end = ui.log.scrollHeight - ui.log.clientHeight;
    let top = question ? Math.min(end, question.offsetTop - 12) : end;
    const replies = ui.log.querySelector(".hok-replies");
    if (replies) top = Math.max(top, replies.offsetTop + replies.offsetHeight + 16 - ui.log.clientHeight);
    ui.log.scrollTop = Math.min(end, top);
  }

  function renderAll() {
    ui.log.replaceChildren();
    state.entries.forEach((entry, i) => ui.log.append(renderEntry(entry, i === state.entries.length - 1)));
  }

  // ---- talking to the server ----------------------------------------------------------

  function asText(value) {
    return value == null ? "" : String(value);
  }

  function cleanAnswer(answer) {
    const sources = Array.isArray(answer.sources) ? answer.sources : [];
    return {
      kind: asText(answer.kind),
      sources: sources
        .filter((s) => s && typeof s === "object")
        .map((s) => ({
          doc: asText(s.doc),
          title: asText(s.title),
          section: asText(s.section),
          excerpt: asText(s.excerpt),
          url: asText(s.url),
        })),
    };
  }

  /** Rasa REST replies → answers: text messages (and buttons) up to the custom payload that ends them. */
  function groupReplies(replies, question) {
    const groups = [];
    let current = null;
    const open = () => {
      if (!current || current.answer) {
        current = { role: "bot", question, texts: [], buttons: [], answer: null, feedback: null };
        groups.push(current);
      }
      return current;
    };
    for (const reply of replies) {
      if (!reply || typeof reply !== "object") continue;
      if (typeof reply.text === "string" && reply.text.trim()) open().texts.push(reply.text);
      if (Array.isArray(reply.buttons)) {
        for (const b of reply.buttons) {
          if (b && typeof b === "object" && b.title != null && b.payload != null) {
            open().buttons.push({ title: asText(b.title), payload: asText(b.payload) });
          }
        }
      }
      const custom = reply.custom;
      if (custom && typeof custom === "object" && custom.answer && typeof custom.answer === "object") {
        open().answer = cleanAnswer(custom.answer);
      }
    }
    return groups.filter((g) => g.texts.length || g.buttons.length || (g.answer && g.answer.sources.length));
  }

  async function postJson(path, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(endpoint(path), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        credentials: "include", // the conversation cookie: the server binds the conversation to this browser
        signal: controller.signal,
      });
      let json = null;
      try {
        json = await response.json();
      } catch (err) {
        json = null;
      }
      return { status: response.status, ok: response.ok, body: json };
    } finally {
      clearTimeout(timer);
    }
  }

  function detailOf(body) {
    return body && typeof body.detail === "string" && body.detail.trim() ? body.detail : "";
  }

  function submit() {
    if (busy) return;
    const text = ui.input.value.trim();
    if (!text) {
      ui.input.focus();
      return;
    }
    ui.input.value = "";
    send(text, text);
  }

  /** A thumbs down whose comment box was left empty is sent without a comment once the user moves
   * on to the next question, so the rating is not lost. */
  function sendUncommented() {
    for (const entry of state.entries) {
      if (!entry.commenting || (entry.comment || "").trim()) continue;
      const box = feedbackBoxes.get(entry);
      if (box) rate(entry, "down", box, "");
    }
  }

  function send(message, shown) {
    if (busy) return;
    sendUncommented();
    append({ role: "user", text: shown });
    deliver(message, shown);
  }

  async function deliver(message, question) {
    setBusy(true);
    state.pending = { message, question };
    save();
    let outcome;
    try {
      const result = await postJson("chat", { sender: state.sender, message });
      if (result.ok) {
        outcome = { replies: Array.isArray(result.body) ? result.body : [] };
      } else if (result.status >= 500) {
        outcome = { error: detailOf(result.body) || TEXT.unreachable, retry: true };
      } else {
        outcome = { error: detailOf(result.body) || TEXT.requestFailed, retry: false };
      }
    } catch (err) {
      outcome = { error: TEXT.unreachable, retry: true }; // network error or timeout
    }
    state.pending = null;
    setBusy(false);
    if (outcome.replies) {
      const groups = groupReplies(outcome.replies, question);
      if (!groups.length) groups.push({ role: "bot", question, texts: [TEXT.noReply], buttons: [], answer: null });
      for (const group of groups) append(group);
    } else {
      append({ role: "error", text: outcome.error, retry: outcome.retry ? { message, question } : null });
    }
  }

  function retry(entry) {
    if (busy) return;
    const index = state.entries.indexOf(entry);
    if (index >= 0) state.entries.splice(index, 1);
    save();
    ui.input.focus(); // before the button goes, so focus is never lost to the page
    const node = errorNodes.get(entry);
    if (node) node.remove();
    deliver(entry.retry.message, entry.retry.question);
  }

  async function rate(entry, rating, box, comment) {
    if (box.getAttribute("aria-busy") === "true") return; // one rating at a time
    box.setAttribute("aria-busy", "true");
    const hadFocus = box.contains(ui.root.activeElement);
    for (const b of box.querySelectorAll("button")) b.setAttribute("aria-disabled", "true");
    const note = (comment || "").trim();
    let problem = "";
    try {
      const result = await postJson("api/feedback", {
        conversation: state.sender,
        question: entry.question,
        answer: entry.texts.join("\n\n"),
        kind: entry.answer.kind,
        sources: entry.answer.sources.map(({ doc, title: t, section }) => ({ doc, title: t, section })),
        rating,
        comment: note || null,
      });
      if (result.ok) {
        entry.feedback = rating;
        entry.commented = Boolean(note);
        delete entry.commenting;
        delete entry.comment;
        save();
      } else {
        problem = detailOf(result.body) || TEXT.feedbackFailed;
      }
    } catch (err) {
      problem = TEXT.feedbackFailed;
    }
    box.removeAttribute("aria-busy");
    fillFeedback(box, entry, problem);
    if (hadFocus) {
      const target = entry.feedback
        ? box.querySelector(".hok-thanks")
        : box.querySelector(entry.commenting ? "textarea" : `button[data-rating="${rating}"]`);
      if (target) target.focus();
    }
  }

  // ---- start ----------------------------------------------------------------------------

  function start() {
    ui = build();
    if (state.pending) {
      // The page was left while a question was on its way: offer to send it again.
      state.entries.push({ role: "error", text: TEXT.interrupted, retry: state.pending });
      state.pending = null;
    }
    save();
    renderAll();
    if (state.open) openPanel(false); // restore without moving focus on page load
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
