// The login page: a personal link carries its one-time code in the fragment (#code=…), which
// never reaches the server's logs; it is moved into the form, then the fragment is removed. The
// member still clicks "Se connecter" (a link scanner does not).
const m = /^#code=([A-Za-z0-9_-]{1,100})$/.exec(window.location.hash);
if (m) {
  document.getElementById('code').value = m[1];
  history.replaceState(null, '', window.location.pathname);
  document.querySelector('#form-code button').focus();
}
