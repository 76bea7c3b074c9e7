(() => {
  // mobileid-kit serve: reloads this page when the kit or its problems change.
  // Pages inside the preview's frames leave that to the preview page.
  if (window.self !== window.top) return;
  let seen = document.currentScript.dataset.generation;
  const poll = () => fetch('/_preview/changes?since=' + seen, { cache: 'no-store' })
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
    .then((now) => {
      if (now.trim() !== seen) {
        location.reload();
      } else {
        poll();
      }
    })
    .catch(() => setTimeout(poll, 500));
  poll();
})();
