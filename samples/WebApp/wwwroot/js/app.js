fetch('data/config.json')
  .then(r => r.json())
  .then(c => { document.title = c.title; });
