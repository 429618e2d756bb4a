// dossier serve: the little the pages need beyond HTML forms. No dependencies, no inline code
// (the Content-Security-Policy forbids it), works offline.
(function () {
  'use strict';
  var csrf = (document.querySelector('meta[name="csrf"]') || {}).content || '';
  var lang = document.body.dataset.lang || 'zh';
  var L = {
    zh: { uploading: '正在上传', adding: '正在加入证据', done: '完成', failed: '失败', saved: '已保存', files: '个文件', building: '正在生成', verifying: '正在核验' },
    en: { uploading: 'Uploading', adding: 'Adding to the case', done: 'Done', failed: 'Failed', saved: 'Saved', files: 'files', building: 'Building', verifying: 'Verifying' }
  }[lang === 'en' ? 'en' : 'zh'];

  function post(url, body, headers) {
    var h = Object.assign({ 'X-CSRF-Token': csrf }, headers || {});
    return fetch(url, { method: 'POST', body: body, headers: h, credentials: 'same-origin' }).then(function (r) {
      return r.text().then(function (t) {
        var data; try { data = JSON.parse(t); } catch (e) { data = { error: t }; }
        if (!r.ok) { throw new Error(data.error || t || r.statusText); }
        return data;
      });
    });
  }
  function form(obj) { return new URLSearchParams(obj); }
  var formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded' };

  function poll(id, onTick) {
    return new Promise(function (resolve, reject) {
      (function tick() {
        fetch('/api/jobs/' + id, { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (st) {
          onTick(st);
          if (st.done) { resolve(st); } else { setTimeout(tick, 300); }
        }).catch(reject);
      })();
    });
  }

  // Files of a drop, with their paths inside dropped folders.
  function readEntry(entry, prefix, out) {
    return new Promise(function (resolve) {
      if (entry.isFile) {
        entry.file(function (f) { out.push({ file: f, path: prefix + f.name }); resolve(); }, function () { resolve(); });
      } else if (entry.isDirectory) {
        var reader = entry.createReader(), all = [];
        (function more() {
          reader.readEntries(function (batch) {
            if (!batch.length) {
              Promise.all(all.map(function (e) { return readEntry(e, prefix + entry.name + '/', out); })).then(resolve);
              return;
            }
            all = all.concat(Array.prototype.slice.call(batch));
            more();
          }, function () { resolve(); });
        })();
      } else { resolve(); }
    });
  }
  function dropped(dt) {
    var out = [], waits = [];
    if (dt.items && dt.items.length && dt.items[0].webkitGetAsEntry) {
      for (var i = 0; i < dt.items.length; i++) {
        var e = dt.items[i].webkitGetAsEntry();
        if (e) { waits.push(readEntry(e, '', out)); }
      }
      return Promise.all(waits).then(function () { return out; });
    }
    for (var j = 0; j < dt.files.length; j++) { out.push({ file: dt.files[j], path: dt.files[j].name }); }
    return Promise.resolve(out);
  }

  function uploadOne(url, item, onProgress) {
    return new Promise(function (resolve, reject) {
      var x = new XMLHttpRequest();
      x.open('POST', url);
      x.setRequestHeader('X-CSRF-Token', csrf);
      x.setRequestHeader('X-Path', encodeURIComponent(item.path));
      if (item.file.lastModified) { x.setRequestHeader('X-Mtime', String(item.file.lastModified)); }
      x.upload.onprogress = function (e) { onProgress(e.loaded); };
      x.onload = function () { if (x.status === 200) { onProgress(item.file.size); resolve(); } else { reject(new Error(item.path + ': ' + x.responseText)); } };
      x.onerror = function () { reject(new Error(item.path + ': network error')); };
      x.send(item.file);
    });
  }

  var drop = document.getElementById('drop');
  if (drop) {
    var kase = encodeURIComponent(drop.dataset.case);
    var bar = document.getElementById('upload-progress'), status = document.getElementById('upload-status'), report = document.getElementById('add-report');
    var send = function (items) {
      if (!items.length) { return; }
      var total = items.reduce(function (s, i) { return s + i.file.size; }, 0) || 1, loaded = {}, batch;
      bar.hidden = false; bar.max = total; bar.value = 0; report.hidden = true;
      var show = function () {
        var sum = 0; for (var k in loaded) { sum += loaded[k]; }
        bar.value = sum; status.textContent = L.uploading + ' ' + items.length + ' ' + L.files + ' · ' + Math.round(100 * sum / total) + '%';
      };
      post('/c/' + kase + '/batch').then(function (b) {
        batch = b.batch;
        var next = 0, errors = [];
        var worker = function () {
          if (next >= items.length) { return Promise.resolve(); }
          var idx = next++, it = items[idx];
          return uploadOne('/c/' + kase + '/upload/' + batch, it, function (n) { loaded[idx] = n; show(); })
            .catch(function (e) { errors.push(e.message); }).then(worker);
        };
        return Promise.all([worker(), worker(), worker(), worker()]).then(function () { return errors; });
      }).then(function (errors) {
        status.textContent = L.adding + '…';
        var role = document.getElementById('holder-role').value, holder = document.getElementById('holder').value;
        return post('/c/' + kase + '/ingest/' + batch, form({ holder: holder, holder_role: role }), formHeaders).then(function (j) {
          return poll(j.job, function (st) {
            if (st.total) { bar.max = st.total; bar.value = st.bytes; status.textContent = L.adding + ' · ' + Math.round(100 * st.bytes / st.total) + '%'; }
          });
        }).then(function (st) {
          report.hidden = false;
          report.textContent = errors.concat(st.lines || []).join('\n') + (st.error ? '\n' + st.error : '');
          status.textContent = st.error ? L.failed : L.done;
          drop.dataset.done = st.error ? 'failed' : 'done';
          if (!st.error) { setTimeout(function () { location.reload(); }, 1200); }
        });
      }).catch(function (e) { status.textContent = L.failed + ': ' + e.message; drop.dataset.done = 'failed'; });
    };
    ['dragenter', 'dragover'].forEach(function (ev) { drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add('over'); }); });
    drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
    drop.addEventListener('drop', function (e) { e.preventDefault(); drop.classList.remove('over'); dropped(e.dataTransfer).then(send); });
    var picked = function (input) {
      return function () {
        var items = Array.prototype.map.call(input.files, function (f) { return { file: f, path: f.webkitRelativePath || f.name }; });
        send(items); input.value = '';
      };
    };
    var pf = document.getElementById('pick-files'), pd = document.getElementById('pick-folder');
    pf.addEventListener('change', picked(pf)); pd.addEventListener('change', picked(pd));
  }

  document.querySelectorAll('form.edit').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var out = f.querySelector('.result'), kase = encodeURIComponent(document.getElementById('drop').dataset.case);
      // Only what the user changed: saving a title must not turn the time into a typed one.
      var changed = new URLSearchParams();
      f.querySelectorAll('input, select').forEach(function (el) {
        var was = el.tagName === 'SELECT' ? (Array.prototype.find.call(el.options, function (o) { return o.defaultSelected; }) || {}).value : el.defaultValue;
        if (el.value !== was) { changed.set(el.name, el.value); }
      });
      post('/c/' + kase + '/edit/' + f.dataset.exhibit, changed, formHeaders)
        .then(function () {
          f.querySelectorAll('input').forEach(function (el) { el.defaultValue = el.value; });
          f.querySelectorAll('option').forEach(function (o) { o.defaultSelected = o.selected; });
          out.textContent = L.saved; out.className = 'result ok';
        })
        .catch(function (err) { out.textContent = err.message; out.className = 'result error'; });
    });
  });

  var build = document.getElementById('build');
  if (build) {
    var bkase = encodeURIComponent(build.dataset.case), what = 'packet';
    build.querySelectorAll('button[name="what"]').forEach(function (b) { b.addEventListener('click', function () { what = b.value; }); });
    build.addEventListener('submit', function (e) {
      e.preventDefault();
      var fd = new URLSearchParams(new FormData(build)); fd.set('what', what);
      var bar = document.getElementById('build-progress'), st = document.getElementById('build-status');
      bar.hidden = false; bar.value = 0; st.textContent = L.building + '…'; build.dataset.done = '';
      post('/c/' + bkase + '/build', fd, formHeaders).then(function (j) {
        return poll(j.job, function (s) { if (s.files) { bar.max = s.files; bar.value = s.bytes; } st.textContent = L.building + ' ' + (s.stage || '') + '…'; });
      }).then(function (s) {
        bar.value = bar.max;
        st.textContent = s.error ? L.failed + ': ' + s.error : L.done;
        var list = document.getElementById('download-list'); list.textContent = '';
        (s.links || []).forEach(function (l) {
          var li = document.createElement('li'), a = document.createElement('a');
          a.href = l.Href; a.textContent = l.Text; a.setAttribute('download', ''); li.appendChild(a); list.appendChild(li);
        });
        var pages = document.getElementById('pages'); pages.textContent = '';
        (s.images || []).forEach(function (src) {
          var img = document.createElement('img'); img.src = src + '?t=' + Date.now(); img.alt = '';
          img.addEventListener('error', function () { img.remove(); }); pages.appendChild(img);
        });
        build.dataset.done = s.error ? 'failed' : 'done';
      }).catch(function (err) { st.textContent = L.failed + ': ' + err.message; build.dataset.done = 'failed'; });
    });
  }

  var vd = document.getElementById('verify-drop');
  if (vd) {
    var vstatus = document.getElementById('verify-status'), vres = document.getElementById('verify-result');
    var check = function (file) {
      if (!file) { return; }
      vstatus.textContent = L.verifying + ' ' + file.name + '…'; vres.hidden = true; vd.dataset.verdict = '';
      post('/verify', file, { 'X-Name': file.name }).then(function (r) {
        vres.hidden = false; vres.textContent = r.text; vres.className = r.ok ? 'ok' : 'bad';
        vstatus.textContent = file.name; vd.dataset.verdict = r.ok ? 'ok' : 'problems';
      }).catch(function (e) { vstatus.textContent = L.failed + ': ' + e.message; vd.dataset.verdict = 'error'; });
    };
    ['dragenter', 'dragover'].forEach(function (ev) { vd.addEventListener(ev, function (e) { e.preventDefault(); vd.classList.add('over'); }); });
    vd.addEventListener('dragleave', function () { vd.classList.remove('over'); });
    vd.addEventListener('drop', function (e) { e.preventDefault(); vd.classList.remove('over'); check(e.dataTransfer.files[0]); });
    var vp = document.getElementById('verify-pick');
    vp.addEventListener('change', function () { check(vp.files[0]); vp.value = ''; });
  }
})();
