// Faro web chat. No framework: every reply is built with createElement and textContent only.
// Plain ES2017 so that old phone browsers run it too.
'use strict';
(function () {
  var doc = document;
  var $ = function (id) { return doc.getElementById(id); };
  var body = doc.body;
  var labels = body.dataset;
  var log = $('log');
  var status = $('status');
  var errorBox = $('error');
  var composer = $('composer');
  var input = $('text');
  var langForm = $('lang-form');
  var langSelect = $('lang');
  var params = new URLSearchParams(location.search);
  var photoButton = $('photo-button');
  var photoInput = $('photo');
  var busy = false;

  function el(tag, cls, text) {
    var node = doc.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function safeUrl(url) {
    return typeof url === 'string' && /^(https?:|mailto:|tel:)/i.test(url);
  }

  function segment(s) {
    var node;
    if (safeUrl(s.url)) {
      node = el('a', '', s.text);
      node.href = s.url;
      node.rel = 'noopener noreferrer';
      node.target = '_blank';
    } else {
      node = doc.createTextNode(String(s.text));
    }
    var tag = s.style === 'bold' ? 'strong' : s.style === 'italic' ? 'em' : s.style === 'quote' ? 'q' : '';
    if (!tag) return node;
    var wrap = el(tag);
    wrap.appendChild(node);
    return wrap;
  }

  function button(b) {
    if (b.url !== undefined) {
      if (!safeUrl(b.url)) return null;
      var a = el('a', 'btn', b.label);
      a.href = b.url;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      return a;
    }
    var btn = el('button', 'btn', b.label);
    btn.type = 'button';
    btn.setAttribute('data-action', b.action);
    return btn;
  }

  function render(r) {
    var box = el('div', 'msg bot');
    box.dir = r.dir === 'rtl' ? 'rtl' : 'ltr';
    box.lang = r.lang;
    var p = el('p');
    (r.parts || []).forEach(function (s) { p.appendChild(segment(s)); });
    box.appendChild(p);
    (r.buttons || []).forEach(function (row) {
      var div = el('div', 'row');
      row.forEach(function (b) {
        var node = button(b);
        if (node) div.appendChild(node);
      });
      if (div.firstChild) box.appendChild(div);
    });
    log.appendChild(box);
    return box;
  }

  function mine(text) {
    var box = el('div', 'msg me');
    box.dir = 'auto';
    var p = el('p');
    p.appendChild(el('span', 'vh', labels.you + ' '));
    p.appendChild(doc.createTextNode(text));
    box.appendChild(p);
    log.appendChild(box);
    return box;
  }

  function waiting(on) {
    status.textContent = '';
    if (!on) return;
    var dots = el('span', 'dots');
    dots.setAttribute('aria-hidden', 'true');
    for (var i = 0; i < 3; i++) dots.appendChild(el('span', '', '.'));
    status.appendChild(dots);
    status.appendChild(el('span', 'vh', labels.typing));
  }

  function failed(payload, after) {
    errorBox.textContent = '';
    errorBox.appendChild(el('p', '', labels.offline));
    var retry = el('button', 'btn', labels.retry);
    retry.type = 'button';
    retry.addEventListener('click', function () { send(payload, null, after); });
    errorBox.appendChild(retry);
    retry.focus();
  }

  // A picture (a File) goes to the images route as its own body; anything else is a JSON message.
  function request(payload) {
    if (typeof Blob !== 'undefined' && payload instanceof Blob) {
      var lang = doc.documentElement.lang;
      return fetch(labels.images + (lang ? '?lang=' + encodeURIComponent(lang) : ''), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': payload.type || 'application/octet-stream' },
        body: payload,
      });
    }
    return fetch(labels.api, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
    });
  }

  // Posts one message; resolves true when its replies are shown. `after` runs on success.
  function send(payload, echo, after) {
    if (busy) return Promise.resolve(false);
    busy = true;
    errorBox.textContent = '';
    log.setAttribute('aria-busy', 'true');
    if (echo) mine(echo).scrollIntoView({ block: 'nearest' });
    waiting(true);
    return request(payload)
      .then(function (res) {
        // A picture too big still comes with Faro's answer saying so.
        if (!res.ok && !(res.status === 413 && labels.images)) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (data) {
        busy = false;
        waiting(false);
        log.removeAttribute('aria-busy');
        if (payload.action === 'forget') log.textContent = '';
        var first = null;
        (data.replies || []).forEach(function (r) {
          var box = render(r);
          first = first || box;
        });
        if (first) first.scrollIntoView({ block: 'start' });
        if (after) after();
        return true;
      })
      .catch(function () {
        busy = false;
        waiting(false);
        log.removeAttribute('aria-busy');
        failed(payload, after);
        return false;
      });
  }

  // A new language: tell Faro, then reload so the page's own labels and direction follow.
  function switchLanguage(code) {
    return function () {
      var url = new URL(location.href);
      url.searchParams.set('lang', code);
      location.replace(url.toString());
    };
  }

  function submitText() {
    var text = input.value;
    if (!text.trim() || busy) return;
    input.value = '';
    send({ text: text }, text);
  }

  composer.addEventListener('submit', function (e) {
    e.preventDefault();
    submitText();
  });

  input.addEventListener('keydown', function (e) {
    // Enter sends, Shift+Enter is a new line; never while an input method is composing (Chinese, etc.).
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    submitText();
  });

  log.addEventListener('click', function (e) {
    var target = e.target.closest ? e.target.closest('button[data-action]') : null;
    if (!target || !log.contains(target)) return;
    var action = target.getAttribute('data-action');
    var lang = /^l:([a-z]{2})$/.exec(action);
    send({ action: action }, target.textContent, lang ? switchLanguage(lang[1]) : null);
  });

  // "Add a photo": the picture is read on the server and checked like pasted text; it is not kept.
  if (photoButton && photoInput && labels.images) {
    photoButton.addEventListener('click', function () {
      if (!busy) photoInput.click();
    });
    photoInput.addEventListener('change', function () {
      var file = photoInput.files && photoInput.files[0];
      photoInput.value = '';
      if (!file || busy) return;
      if (file.size > Number(labels.maxImage)) {
        mine(labels.photoSent);
        render({ lang: doc.documentElement.lang, dir: doc.documentElement.dir, parts: [{ text: labels.tooLarge }], buttons: [] }).scrollIntoView({ block: 'nearest' });
        return;
      }
      send(file, labels.photoSent, null);
    });
  }

  langForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var code = langSelect.value;
    send({ action: 'l:' + code }, null, switchLanguage(code));
  });

  var start = params.get('start');
  var first = { action: start && /^[A-Za-z0-9_-]{1,64}$/.test(start) ? 'start:' + start : 'start' };
  var tag = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,4}$/;
  var hint = [params.get('lang'), navigator.language].filter(function (h) { return h && tag.test(h); })[0];
  if (hint) first.lang = hint;
  send(first, null, null);
})();
