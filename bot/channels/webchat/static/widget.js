/* 网上国网 web chat widget: one script tag, no build step, plain ES2020.
 *   <script src="https://host/webhooks/webchat/widget.js" data-server="https://host"></script>
 * data-server (optional) is where the assistant runs; without it, the script's own directory.
 * The protocol (sessions, socket frames, history, upload, config) is in bot/channels/webchat/__init__.py.
 * Safety: every text reaches the page through textContent / createTextNode, never as HTML. */
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || document.querySelector(".sgw-root")) return;
  const server = (script.dataset.server || "").replace(/\/+$/, "");
  const api = server ? `${server}/webhooks/webchat` : new URL(".", script.src).href.replace(/\/+$/, "");
  const KEY = `sgw:${api}:`;
  const T = {
    title: "网上国网 · 在线客服", subtitle: "国家电网智能客服小e", open: "在线客服", close: "收起对话",
    placeholder: "请输入您的问题，按 Enter 发送", send: "发送", attach: "上传图片或PDF（账单照片、证件）",
    connecting: "连接中…", reconnecting: "已断开，正在重连…", refused: "本网站未开通在线客服，请拨打95598。", typing: "小e正在输入…", hello: "你好",
    limits: (types, size) => `支持 ${types}，不超过 ${size}`, cancel: "取消", sendFile: "发送文件",
    tooLarge: (size) => `文件超过 ${size}，请压缩后再发送。`, wrongType: (types) => `不支持该文件类型，请发送 ${types}。`,
    uploading: (p) => `正在上传… ${p}%`, uploadFailed: "上传失败，请稍后重试。",
    image: "图片", document: "文件", unread: (n) => `${n}条新消息`, log: "对话记录",
  };
  const FILE_LABELS = { "image/jpeg": "JPG", "image/png": "PNG", "application/pdf": "PDF" };
  const EXTENSIONS = { "image/jpeg": ["jpg", "jpeg"], "image/png": ["png"], "application/pdf": ["pdf"] };
  let config = { maxUploadBytes: 10 * 1024 * 1024, acceptedTypes: ["image/jpeg", "image/png", "application/pdf"], maxMessageChars: 500 };
  let token = null, socket = null, retries = 0, retryTimer = null, typingTimer = null, unread = 0;
  let needsGreeting = false, connecting = false;
  const queue = []; // frames typed while the socket was down: {frame, label}

  // --- storage (localStorage may be unavailable: then the session lasts as long as the page) ---------------
  const store = {
    get: (name) => { try { return localStorage.getItem(KEY + name); } catch { return null; } },
    set: (name, value) => { try { localStorage.setItem(KEY + name, value); } catch { /* private mode */ } },
    drop: (name) => { try { localStorage.removeItem(KEY + name); } catch { /* private mode */ } },
  };

  // --- DOM helpers: text only ------------------------------------------------------------------------------
  /** An element: its class, its text (as text), DOM properties and attributes. */
  function el(tag, className, text, props = {}, attrs = {}) {
    const node = Object.assign(document.createElement(tag), props);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    return node;
  }
  const ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    close: "M6 6l12 12M18 6L6 18", send: "M3 20l18-8L3 4v6l12 2-12 2z",
    clip: "M16.5 6.5l-8 8a2 2 0 0 0 2.8 2.8l8.5-8.5a4 4 0 0 0-5.7-5.7L5.6 11.6a6 6 0 0 0 8.5 8.5l6.4-6.4",
    file: "M6 2h8l6 6v14H6zM14 2v6h6",
  };
  function icon(name) {
    const ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), path = document.createElementNS(ns, "path");
    for (const [k, v] of Object.entries({ viewBox: "0 0 24 24", "aria-hidden": "true", class: `sgw-icon sgw-icon-${name}` })) svg.setAttribute(k, v);
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }
  function safeUrl(value) {
    try {
      const url = new URL(String(value), api);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch { return null; }
  }
  function link(href, text, className = "sgw-link") {
    return el("a", className, text, { href, target: "_blank", rel: "noopener noreferrer" });
  }
  /** Text with its http(s) addresses as links (invoices and receipts come as links in the text). */
  function richText(text) {
    const fragment = document.createDocumentFragment();
    const pattern = /https?:\/\/[^\s<>"'，。；、）)]+/g;
    let last = 0;
    for (const match of String(text).matchAll(pattern)) {
      fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
      const href = safeUrl(match[0]);
      fragment.appendChild(href ? link(href, match[0]) : document.createTextNode(match[0]));
      last = match.index + match[0].length;
    }
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }
  function formatSize(bytes) {
    return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
  }
  function typeLabels() {
    return [...new Set(config.acceptedTypes.map((t) => FILE_LABELS[t] || t.replace(/^\./, "").toUpperCase()))].join("、");
  }

  // --- the interface -----------------------------------------------------------------------------------------
  const cssHref = `${api}/widget.css`;
  if (![...document.querySelectorAll("link[rel~=stylesheet]")].some((l) => l.href === cssHref)) {
    document.head.appendChild(el("link", null, null, { rel: "stylesheet", href: cssHref }));
  }
  const root = el("div", "sgw-root");
  const launcher = el("button", "sgw-launcher", null, { type: "button" }, { "aria-label": T.open });
  const badge = el("span", "sgw-badge", null, { hidden: true });
  launcher.append(icon("chat"), el("span", "sgw-launcher-text", T.open), badge);
  const panel = el("section", "sgw-panel", null, { hidden: true }, { "aria-label": T.title });
  const header = el("header", "sgw-header");
  const heading = el("div", "sgw-heading");
  heading.append(el("div", "sgw-title", T.title), el("div", "sgw-subtitle", T.subtitle));
  const closeButton = el("button", "sgw-close", null, { type: "button" }, { "aria-label": T.close });
  closeButton.appendChild(icon("close"));
  header.append(el("div", "sgw-avatar", "e"), heading, closeButton);
  const status = el("div", "sgw-status", T.connecting, {}, { role: "status" });
  const log = el("div", "sgw-log", null, {}, { role: "log", "aria-live": "polite", "aria-label": T.log });
  const typing = el("div", "sgw-typing", null, { hidden: true }, { "aria-label": T.typing });
  typing.append(el("span"), el("span"), el("span"));
  const filebar = el("div", "sgw-filebar", null, { hidden: true });
  const form = el("form", "sgw-form");
  const fileInput = el("input", "sgw-file", null, { type: "file", hidden: true });
  const attach = el("button", "sgw-attach", null, { type: "button" });
  attach.appendChild(icon("clip"));
  const input = el("textarea", "sgw-input", null, { rows: 1, placeholder: T.placeholder }, { "aria-label": T.placeholder });
  const sendButton = el("button", "sgw-send", null, { type: "submit" }, { "aria-label": T.send });
  sendButton.appendChild(icon("send"));
  form.append(fileInput, attach, input, sendButton);
  panel.append(header, status, log, filebar, form);
  root.append(panel, launcher);
  if (document.body) document.body.appendChild(root);
  else document.addEventListener("DOMContentLoaded", () => document.body.appendChild(root));
  applyConfig();

  function applyConfig() {
    fileInput.accept = config.acceptedTypes.join(",");
    input.maxLength = config.maxMessageChars;
    attach.title = `${T.attach}：${T.limits(typeLabels(), formatSize(config.maxUploadBytes))}`;
    attach.setAttribute("aria-label", attach.title);
  }
  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function setStatus(text) {
    status.textContent = text || "";
    status.hidden = !text;
    root.classList.toggle("sgw-offline", Boolean(text));
  }
  function setTyping(on) {
    clearTimeout(typingTimer);
    typing.hidden = !on;
    if (on) {
      log.appendChild(typing); // always the last row
      typingTimer = setTimeout(() => { typing.hidden = true; }, 30000);
    }
    scrollDown();
  }
  function append(node) {
    log.insertBefore(node, typing.parentNode === log ? typing : null);
    scrollDown();
    return node;
  }
  function userBubble(text, pending = false) {
    const row = el("div", "sgw-row sgw-from-user");
    row.appendChild(el("div", "sgw-bubble", text));
    if (pending) row.classList.add("sgw-pending");
    return append(row);
  }
  function notice(text) { return append(el("div", "sgw-notice", text)); }
  function disableButtons(group) {
    for (const b of group.querySelectorAll("button")) b.disabled = true;
  }
  /** One bot message M: {text?, buttons?, image?, document?}. */
  function botMessage(message, altText) {
    const row = el("div", "sgw-row sgw-from-bot");
    const bubble = el("div", "sgw-bubble");
    if (typeof message.text === "string" && message.text) bubble.appendChild(richText(message.text));
    const image = message.image && safeUrl(message.image);
    if (image) {
      const img = el("img", "sgw-image", null, { alt: altText || T.image, loading: "lazy", src: image });
      img.addEventListener("load", scrollDown);
      const a = link(image, null, "sgw-image-link");
      a.appendChild(img);
      bubble.appendChild(a);
    }
    const doc = message.document;
    const docUrl = doc && safeUrl(doc.url);
    if (docUrl) {
      const a = link(docUrl, null, "sgw-document");
      a.append(icon("file"), el("span", null, doc.title || T.document));
      bubble.appendChild(a);
    }
    row.appendChild(bubble);
    if (Array.isArray(message.buttons) && message.buttons.length) {
      const group = el("div", "sgw-buttons");
      for (const button of message.buttons) {
        const b = el("button", "sgw-button", button.title, { type: "button" });
        b.addEventListener("click", () => {
          if (b.disabled) return;
          disableButtons(group);
          b.classList.add("sgw-chosen");
          send({ type: "button", payload: String(button.payload), title: String(button.title) }, String(button.title));
        });
        group.appendChild(b);
      }
      row.appendChild(group);
    }
    return append(row);
  }
  function botMessages(messages) {
    let previous = "";
    for (const message of messages || []) {
      const alt = (message.text || previous).split("\n")[0].slice(0, 80);
      botMessage(message, alt);
      if (message.text) previous = message.text;
    }
  }
  /** The conversation so far, from the tracker; buttons answered or passed by are disabled. */
  function replay(history) {
    log.replaceChildren();
    let turn = []; // the bot messages of one turn, rendered together (a chart's alt text is the text before it)
    for (const item of history) {
      if (item.from !== "user") { turn.push(item); continue; }
      botMessages(turn);
      turn = [];
      for (const group of log.querySelectorAll(".sgw-buttons")) disableButtons(group);
      userBubble(item.text || "");
    }
    botMessages(turn);
    for (const { label } of queue) userBubble(label, true);
  }

  // --- server: config, session, history, socket --------------------------------------------------------------
  async function json(path, options) {
    const reply = await fetch(`${api}${path}`, { credentials: "omit", ...options });
    if (!reply.ok) { const error = new Error(`HTTP ${reply.status}`); error.status = reply.status; throw error; }
    return reply.json();
  }
  async function session(renew) {
    if (renew) store.drop("session");
    token = store.get("session");
    if (!token) {
      token = (await json("/sessions", { method: "POST" })).session;
      store.set("session", token);
    }
    return token;
  }
  async function history() {
    try {
      return (await json(`/history?session=${encodeURIComponent(token)}`)).messages || [];
    } catch (error) {
      if ([401, 403, 404].includes(error.status)) { // the server no longer knows this session
        await session(true);
        return [];
      }
      throw error;
    }
  }
  function socketUrl() {
    const url = new URL(`${api}/socket`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("session", token);
    return url.href;
  }
  async function connect() {
    if (connecting) return;
    connecting = true;
    clearTimeout(retryTimer);
    setStatus(retries ? T.reconnecting : T.connecting);
    try {
      await session(false);
      const messages = await history();
      replay(messages);
      needsGreeting = messages.length === 0 && queue.length === 0;
    } catch {
      connecting = false;
      return reconnectLater();
    }
    connecting = false;
    const ws = new WebSocket(socketUrl());
    socket = ws;
    ws.addEventListener("open", () => {
      retries = 0;
      setStatus("");
      for (const pending of log.querySelectorAll(".sgw-pending")) pending.classList.remove("sgw-pending");
      while (queue.length) ws.send(JSON.stringify(queue.shift().frame));
      greetWhenOpen();
    });
    ws.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      receive(frame);
    });
    ws.addEventListener("close", (event) => {
      if (socket !== ws) return;
      socket = null;
      setTyping(false);
      if (event.code === 4403) return setStatus(T.refused); // this site may not use the assistant: no retry
      if (event.code === 4401) store.drop("session"); // unknown session: the next try asks for a new one
      reconnectLater();
    });
  }
  function reconnectLater() {
    retries += 1;
    setStatus(T.reconnecting);
    const delay = Math.min(30000, 1000 * 2 ** Math.min(retries - 1, 5)) * (0.75 + Math.random() * 0.5);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, delay);
  }
  function receive(frame) {
    if (frame.type === "typing") setTyping(Boolean(frame.on));
    else if (frame.type === "notice") { setTyping(false); notice(frame.text || ""); }
    else if (frame.type === "bot") {
      setTyping(false);
      botMessages(frame.messages);
      if (panel.hidden) { unread += (frame.messages || []).length; showUnread(); }
    }
  }
  function send(frame, label) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      userBubble(label);
    } else {
      queue.push({ frame, label });
      userBubble(label, true);
    }
  }
  function greetWhenOpen() {
    if (!needsGreeting || panel.hidden || !socket || socket.readyState !== WebSocket.OPEN) return;
    needsGreeting = false;
    send({ type: "button", payload: "/greet", title: T.hello }, T.hello);
  }

  // --- typing and sending --------------------------------------------------------------------------------------
  function submitText() {
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    autosize();
    send({ type: "message", text }, text);
  }
  function autosize() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); submitText(); });
  input.addEventListener("input", autosize);
  input.addEventListener("keydown", (event) => {
    // A Chinese input method confirms its candidate with Enter: that Enter is not "send".
    if (event.isComposing || event.keyCode === 229) return;
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); submitText(); }
  });

  // --- files: limits shown before sending, progress while sending ----------------------------------------------
  attach.addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", () => {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (file) offerFile(file);
  });
  function acceptable(file) {
    const extension = (file.name.split(".").pop() || "").toLowerCase();
    return config.acceptedTypes.some((t) => t === file.type || t === `.${extension}` || (EXTENSIONS[t] || []).includes(extension));
  }
  function offerFile(file) {
    const limits = T.limits(typeLabels(), formatSize(config.maxUploadBytes));
    const problem = !acceptable(file) ? T.wrongType(typeLabels())
      : file.size > config.maxUploadBytes ? T.tooLarge(formatSize(config.maxUploadBytes)) : "";
    const name = el("div", "sgw-filename", `${file.name}（${formatSize(file.size)}）`);
    const hint = el("div", problem ? "sgw-filehint sgw-error" : "sgw-filehint", problem || limits);
    const progress = el("progress", "sgw-progress", null, { max: 100, value: 0, hidden: true });
    const cancel = el("button", "sgw-file-cancel", T.cancel, { type: "button" });
    const confirm = el("button", "sgw-file-send", T.sendFile, { type: "button", disabled: Boolean(problem) });
    const actions = el("div", "sgw-file-actions");
    actions.append(cancel, confirm);
    filebar.replaceChildren(name, hint, progress, actions);
    filebar.hidden = false;
    let request = null;
    cancel.addEventListener("click", () => { if (request) request.abort(); filebar.hidden = true; filebar.replaceChildren(); });
    confirm.addEventListener("click", () => {
      confirm.disabled = true;
      progress.hidden = false;
      request = upload(file, (percent) => { progress.value = percent; hint.textContent = T.uploading(percent); });
      request.done.then((messages) => {
        filebar.hidden = true;
        filebar.replaceChildren();
        botMessages(messages);
      }, () => {
        hint.textContent = T.uploadFailed;
        hint.classList.add("sgw-error");
        confirm.disabled = false;
      });
    });
  }
  function upload(file, onProgress) {
    const xhr = new XMLHttpRequest();
    const body = new FormData();
    body.append("file", file, file.name);
    const done = new Promise((resolve, reject) => {
      xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) onProgress(Math.round((100 * e.loaded) / e.total)); });
      xhr.addEventListener("load", () => {
        if (xhr.status !== 200) return reject(new Error(`HTTP ${xhr.status}`));
        userBubble(file.name); // as the history shows it
        try { resolve(JSON.parse(xhr.responseText).messages || []); } catch (error) { reject(error); }
      });
      xhr.addEventListener("error", () => reject(new Error("network")));
      xhr.addEventListener("abort", () => reject(new Error("aborted")));
    });
    xhr.open("POST", `${api}/upload?session=${encodeURIComponent(token)}`);
    xhr.send(body);
    return { done, abort: () => xhr.abort() };
  }

  // --- opening and closing ------------------------------------------------------------------------------------
  function showUnread() {
    badge.hidden = unread === 0;
    badge.textContent = unread ? String(Math.min(unread, 99)) : "";
    launcher.setAttribute("aria-label", unread ? `${T.open}（${T.unread(unread)}）` : T.open);
  }
  function setOpen(open, focus = true) {
    panel.hidden = !open;
    root.classList.toggle("sgw-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    store.set("open", open ? "1" : "0");
    if (open) {
      unread = 0;
      showUnread();
      scrollDown();
      if (focus) input.focus(); // not when a reload reopens it: a phone's keyboard would pop up
      greetWhenOpen();
    }
  }
  launcher.addEventListener("click", () => setOpen(panel.hidden));
  closeButton.addEventListener("click", () => setOpen(false));
  window.addEventListener("online", () => { if (!socket) { retries = Math.max(retries, 1); connect(); } });

  setOpen(store.get("open") === "1", false);
  json("/config").then((c) => {
    config = { ...config, ...c };
    applyConfig();
  }, () => { /* the defaults above are the server's defaults */ });
  connect();
})();
